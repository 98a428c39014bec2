"""graphql-transport-ws against a real uvicorn process: the happy path and every error path."""

from __future__ import annotations

import json
from typing import Any

import pytest

from .conftest import make_cookie_async, region_id, session_cookie

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

TASKS = "subscription($r: ID!) { taskChanged(regionId: $r) { taskId status slotsLeft kind } }"


@pytest.fixture
def bob_cookie(bob_volunteer_north: Any) -> str:
    return session_cookie(bob_volunteer_north)


async def test_it_acks_answers_ping_and_runs_a_query(server_memory: Any, ws_factory: Any, bob_cookie: str,
                                                     regions: Any) -> None:
    # given a signed-in volunteer's socket
    ws = await ws_factory(server_memory, cookie=bob_cookie)
    assert ws.conn.subprotocol == "graphql-transport-ws"
    # when he initialises, pings and asks a query
    await ws.init()
    await ws.send({"type": "ping", "payload": {"n": 1}})
    assert await ws.recv() == {"type": "pong", "payload": {"n": 1}}
    await ws.send({"id": "q1", "type": "subscribe", "payload": {"query": "{ unreadNotificationCount }"}})
    # then the query answers with next, then complete
    assert await ws.recv() == {"id": "q1", "type": "next", "payload": {"data": {"unreadNotificationCount": 0}}}
    assert await ws.recv() == {"id": "q1", "type": "complete"}
    # and a subscription can be started and completed by the client, after which the socket still answers
    await ws.subscribe("s1", TASKS, {"r": region_id(regions["north"])})
    await ws.send({"id": "s1", "type": "complete"})
    await ws.send({"type": "ping"})
    assert await ws.recv() == {"type": "pong"}
    await ws.close()


async def test_it_closes_4408_when_connection_init_never_comes(server_memory: Any, ws_factory: Any,
                                                              bob_cookie: str) -> None:
    ws = await ws_factory(server_memory, cookie=bob_cookie)
    # when the client says nothing for longer than the (test) timeout of 1 s
    code, reason = await ws.closed_with(timeout=5)
    assert (code, reason) == (4408, "Connection initialisation timeout")


async def test_it_closes_4429_on_a_second_connection_init(server_memory: Any, ws_factory: Any,
                                                         bob_cookie: str) -> None:
    ws = await ws_factory(server_memory, cookie=bob_cookie)
    await ws.init()
    await ws.send({"type": "connection_init"})
    assert await ws.closed_with() == (4429, "Too many initialisation requests")


@pytest.mark.parametrize(
    "message, reason_start",
    [
        ("{not json", "Invalid message received: not JSON"),
        (json.dumps({"type": "start", "id": "1"}), "Invalid message received: unknown type"),
        (json.dumps({"id": "1"}), "Invalid message received: no type"),
        (json.dumps({"type": "subscribe", "id": "1", "payload": {}}), "Invalid message received: subscribe needs"),
        (json.dumps([1, 2]), "Invalid message received: no type"),
    ],
)
async def test_it_closes_4400_on_an_invalid_message(server_memory: Any, ws_factory: Any, bob_cookie: str,
                                                   message: str, reason_start: str) -> None:
    ws = await ws_factory(server_memory, cookie=bob_cookie)
    await ws.init()
    await ws.send(message)
    code, reason = await ws.closed_with()
    assert code == 4400 and reason.startswith(reason_start), (code, reason)


async def test_it_closes_4401_on_subscribe_before_the_ack(server_memory: Any, ws_factory: Any, bob_cookie: str,
                                                         regions: Any) -> None:
    ws = await ws_factory(server_memory, cookie=bob_cookie)
    await ws.send({"id": "s1", "type": "subscribe", "payload": {"query": TASKS, "variables": {"r": "x"}}})
    assert await ws.closed_with() == (4401, "Unauthorized")


async def test_it_closes_4409_on_a_duplicate_subscription_id(server_memory: Any, ws_factory: Any,
                                                            bob_cookie: str, regions: Any) -> None:
    ws = await ws_factory(server_memory, cookie=bob_cookie)
    await ws.init()
    await ws.subscribe("s1", TASKS, {"r": region_id(regions["north"])})
    await ws.send({"id": "s1", "type": "subscribe",
                   "payload": {"query": TASKS, "variables": {"r": region_id(regions["north"])}}})
    assert await ws.closed_with() == (4409, "Subscriber for s1 already exists")


async def test_it_closes_on_oversized_messages_and_stays_up(server_memory: Any, ws_factory: Any,
                                                           bob_cookie: str) -> None:
    # given a frame over the consumer's 64 KiB limit
    ws = await ws_factory(server_memory, cookie=bob_cookie)
    await ws.init()
    await ws.send(json.dumps({"type": "ping", "payload": {"x": "a" * 100_000}}))
    assert await ws.closed_with() == (4400, "Message too large")
    # and a frame over the server's own 512 KiB limit (uvicorn --ws-max-size): 1009 message too big
    ws2 = await ws_factory(server_memory, cookie=bob_cookie)
    await ws2.init()
    await ws2.send("x" * (1024 * 1024))
    code, _ = await ws2.closed_with()
    assert code == 1009
    # then the server is still up and serves a new socket
    assert server_memory.alive()
    ws3 = await ws_factory(server_memory, cookie=bob_cookie)
    await ws3.init()
    await ws3.send({"type": "ping"})
    assert await ws3.recv() == {"type": "pong"}


async def test_it_closes_4403_without_a_user(server_memory: Any, ws_factory: Any) -> None:
    ws = await ws_factory(server_memory)
    await ws.send({"type": "connection_init"})
    assert await ws.closed_with() == (4403, "Forbidden")


async def test_it_closes_4403_on_a_bad_session_token(server_memory: Any, ws_factory: Any) -> None:
    ws = await ws_factory(server_memory)
    await ws.send({"type": "connection_init", "payload": {"sessionToken": "not-a-session"}})
    assert await ws.closed_with() == (4403, "Forbidden")


async def test_it_authenticates_with_a_session_token_in_the_init_payload(
    server_memory: Any, ws_factory: Any, bob_volunteer_north: Any
) -> None:
    # given an allauth headless session token (the session key), and no cookie
    token = await make_cookie_async(bob_volunteer_north)
    ws = await ws_factory(server_memory)
    # when it is sent in connection_init
    await ws.init({"sessionToken": token})
    # then the connection is bob's
    await ws.send({"id": "q", "type": "subscribe", "payload": {"query": "{ me { email } }"}})
    message = await ws.recv()
    assert message["payload"]["data"]["me"]["email"] == "bob.vol@test.huzhu"


async def test_it_closes_4406_without_the_subprotocol(server_memory: Any, ws_factory: Any, bob_cookie: str) -> None:
    ws = await ws_factory(server_memory, cookie=bob_cookie, subprotocol=False)
    assert await ws.closed_with() == (4406, "Subprotocol not acceptable")


async def test_it_refuses_too_many_subscriptions_with_an_error_and_keeps_the_others(
    server_memory: Any, ws_factory: Any, bob_cookie: str, regions: Any
) -> None:
    # given the test servers' limit of 5 operations per connection, all used
    ws = await ws_factory(server_memory, cookie=bob_cookie)
    await ws.init()
    for i in range(5):
        await ws.subscribe(f"s{i}", TASKS, {"r": region_id(regions["north"])})
    # when a sixth is asked for
    await ws.send({"id": "s5", "type": "subscribe",
                   "payload": {"query": TASKS, "variables": {"r": region_id(regions["north"])}}})
    # then it gets an error message and the connection stays open
    message = await ws.recv()
    assert message["id"] == "s5" and message["type"] == "error"
    assert message["payload"][0]["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"
    await ws.send({"id": "s0", "type": "complete"})
    await ws.subscribe("s6", TASKS, {"r": region_id(regions["north"])})


async def test_it_answers_an_invalid_document_with_an_error_message(server_memory: Any, ws_factory: Any,
                                                                   bob_cookie: str) -> None:
    ws = await ws_factory(server_memory, cookie=bob_cookie)
    await ws.init()
    await ws.send({"id": "s1", "type": "subscribe", "payload": {"query": "subscription { noSuchField }"}})
    message = await ws.recv()
    assert message["type"] == "error" and message["id"] == "s1"
    assert "noSuchField" in message["payload"][0]["message"]
    await ws.send({"id": "s2", "type": "subscribe", "payload": {"query": "subscription {"}})
    assert (await ws.recv())["type"] == "error"
    await ws.send({"id": "m", "type": "subscribe",
                   "payload": {"query": "mutation { notificationsMarkRead(all: true) { count } }"}})
    message = await ws.recv()
    assert message["type"] == "error" and message["payload"][0]["extensions"]["code"] == "INVALID"


async def test_it_refuses_a_region_where_the_user_has_no_role(server_memory: Any, ws_factory: Any,
                                                             bob_cookie: str, regions: Any) -> None:
    # given bob, a volunteer of the north street
    ws = await ws_factory(server_memory, cookie=bob_cookie)
    await ws.init()
    # when he subscribes to the south street's tasks, or the whole district's
    for op_id, region in (("south", regions["south"]), ("district", regions["district"])):
        payload = {"query": TASKS, "variables": {"r": region_id(region)}}
        await ws.send({"id": op_id, "type": "subscribe", "payload": payload})
        message = await ws.recv()
        # then he is refused
        assert message["type"] == "error" and message["id"] == op_id
        assert message["payload"][0]["extensions"]["code"] == "PERMISSION_DENIED"
    # and an id that is no region answers NOT_FOUND
    await ws.send({"id": "x", "type": "subscribe", "payload": {"query": TASKS, "variables": {"r": "bm9wZTox"}}})
    assert (await ws.recv())["payload"][0]["extensions"]["code"] == "NOT_FOUND"
