"""Events from services reach the right subscribers, across processes, and only them."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
import websockets
from channels.db import database_sync_to_async
from django.db import transaction
from graphql_relay import to_global_id

from huzhu.realtime import events

from .conftest import make_cookie_async, region_id

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

TASKS = "subscription($r: ID!) { taskChanged(regionId: $r) { taskId status slotsLeft kind } }"
PROPOSED = "subscription($r: ID!) { matchProposed(regionId: $r) { proposalId needId score forFoundation } }"
TYPED = "subscription($r: ID!) { matchProposed(regionId: $r) { kind proposalId needId projectId score forFoundation } }"


@database_sync_to_async
def publish(fn: Any, **kwargs: Any) -> None:
    with transaction.atomic():
        fn(**kwargs)


@database_sync_to_async
def publish_then_fail(fn: Any, **kwargs: Any) -> None:
    try:
        with transaction.atomic():
            fn(**kwargs)
            raise RuntimeError("the service failed after publishing")
    except RuntimeError:
        pass


def task_event(region: Any, task_id: int, slots: int = 1, kind: str = "claimed") -> dict[str, Any]:
    return {"task_id": task_id, "region_path": region.path, "status": "open", "slots_left": slots, "kind": kind}


async def test_it_delivers_a_task_change_to_street_and_district_subscribers_on_both_processes(
    server_a: Any, server_b: Any, redis_layer: None, ws_factory: Any, regions: Any,
    bob_volunteer_north: Any, ada_admin: Any,
) -> None:
    # given bob following the north street on server A and ada following the district on server B
    bob = await ws_factory(server_a, cookie=await make_cookie_async(bob_volunteer_north))
    ada = await ws_factory(server_b, cookie=await make_cookie_async(ada_admin))
    await bob.init()
    await ada.init()
    await bob.subscribe("t", TASKS, {"r": region_id(regions["north"])})
    await ada.subscribe("t", TASKS, {"r": region_id(regions["district"])})
    # when a task in a north community is claimed (published by this process, through Redis)
    await publish(events.task_changed, **task_event(regions["north_c1"], 42, slots=2))
    # then both receive it, with the task's relay id
    expected = {"data": {"taskChanged": {"taskId": to_global_id("ServiceTask", "42"), "status": "open",
                                         "slotsLeft": 2, "kind": "claimed"}}}
    assert await bob.recv() == {"id": "t", "type": "next", "payload": expected}
    assert await ada.recv() == {"id": "t", "type": "next", "payload": expected}
    # and exactly once each, though the event went to the community, street and district groups
    assert await bob.nothing_within(0.5) and await ada.nothing_within(0.1)


async def test_it_publishes_nothing_when_the_transaction_rolls_back(
    server_a: Any, redis_layer: None, ws_factory: Any, regions: Any, bob_volunteer_north: Any
) -> None:
    bob = await ws_factory(server_a, cookie=await make_cookie_async(bob_volunteer_north))
    await bob.init()
    await bob.subscribe("t", TASKS, {"r": region_id(regions["north"])})
    # when a service publishes and then rolls back, and later another commits
    await publish_then_fail(events.task_changed, **task_event(regions["north"], 1))
    await asyncio.sleep(0.3)
    await publish(events.task_changed, **task_event(regions["north"], 2))
    # then only the committed one arrives
    message = await bob.recv()
    assert message["payload"]["data"]["taskChanged"]["taskId"] == to_global_id("ServiceTask", "2")
    assert await bob.nothing_within(0.3)


async def test_it_never_delivers_another_regions_events(
    server_a: Any, server_b: Any, redis_layer: None, ws_factory: Any, regions: Any,
    alice_staff_north: Any, carol_staff_south: Any,
) -> None:
    # given alice (staff north) and carol (staff south) following match proposals of their streets
    alice = await ws_factory(server_a, cookie=await make_cookie_async(alice_staff_north))
    carol = await ws_factory(server_b, cookie=await make_cookie_async(carol_staff_south))
    for ws, street in ((alice, "north"), (carol, "south")):
        await ws.init()
        await ws.subscribe("p", PROPOSED, {"r": region_id(regions[street])})
    # when a proposal appears in the south, and then one in the north
    await publish(events.match_proposed, proposal_id=7, region_path=regions["south_c2"].path, need_id=3, score=80)
    await publish(events.match_proposed, proposal_id=8, region_path=regions["north_c1_g1"].path, need_id=4, score=90)
    # then alice's first (and only) event is the north one, and carol's the south one
    first = await alice.recv()
    assert first["payload"]["data"]["matchProposed"]["proposalId"] == to_global_id("MatchProposal", "8")
    assert (await carol.recv())["payload"]["data"]["matchProposed"]["proposalId"] == to_global_id("MatchProposal", "7")
    assert await alice.nothing_within(0.3) and await carol.nothing_within(0.1)


async def test_it_shows_fund_matches_to_reviewers_and_staff_matches_only_to_staff(
    server_a: Any, redis_layer: None, ws_factory: Any, regions: Any, rita_reviewer: Any, alice_staff_north: Any
) -> None:
    rita = await ws_factory(server_a, cookie=await make_cookie_async(rita_reviewer))
    alice = await ws_factory(server_a, cookie=await make_cookie_async(alice_staff_north))
    for ws in (rita, alice):
        await ws.init()
        await ws.subscribe("p", TYPED, {"r": region_id(regions["north"])})
    # when a goods match (staff only) and then a fund match (for foundations) are proposed in the north
    await publish(events.match_proposed, proposal_id=1, region_path=regions["north"].path, need_id=5, score=1)
    await publish(events.fund_match_proposed, proposal_id=2, region_path=regions["north"].path, project_id=9,
                  score=2)
    # then the reviewer sees only the fund match, which says what it is: a ProjectFundProposal for a CharityProject
    fund = {"kind": "PROJECT_FUND", "proposalId": to_global_id("ProjectFundProposal", "2"), "needId": None,
            "projectId": to_global_id("CharityProject", "9"), "score": 2, "forFoundation": True}
    assert (await rita.recv())["payload"]["data"]["matchProposed"] == fund
    assert await rita.nothing_within(0.3)
    # and staff see both, each with ids of its own kind
    assert (await alice.recv())["payload"]["data"]["matchProposed"] == {
        "kind": "NEED", "proposalId": to_global_id("MatchProposal", "1"), "needId": to_global_id("Need", "5"),
        "projectId": None, "score": 1, "forFoundation": False}
    assert (await alice.recv())["payload"]["data"]["matchProposed"] == fund


async def test_a_decided_fund_match_names_its_proposal_and_project(
    server_a: Any, redis_layer: None, ws_factory: Any, regions: Any, rita_reviewer: Any
) -> None:
    rita = await ws_factory(server_a, cookie=await make_cookie_async(rita_reviewer))
    await rita.init()
    await rita.subscribe("d", "subscription($r: ID!) { matchDecided(regionId: $r) { kind proposalId projectId "
                              "decision forFoundation } }", {"r": region_id(regions["north"])})
    await publish(events.fund_match_decided, proposal_id=4, region_path=regions["north_c1"].path, project_id=9,
                  decision="accepted")
    assert (await rita.recv())["payload"]["data"]["matchDecided"] == {
        "kind": "PROJECT_FUND", "proposalId": to_global_id("ProjectFundProposal", "4"),
        "projectId": to_global_id("CharityProject", "9"), "decision": "accepted", "forFoundation": True}


async def test_it_stops_the_stream_when_the_role_is_revoked(
    server_a: Any, redis_layer: None, ws_factory: Any, regions: Any, alice_staff_north: Any
) -> None:
    # given alice following the north street's proposals
    alice = await ws_factory(server_a, cookie=await make_cookie_async(alice_staff_north))
    await alice.init()
    await alice.subscribe("p", PROPOSED, {"r": region_id(regions["north"])})
    await publish(events.match_proposed, proposal_id=1, region_path=regions["north"].path, need_id=1, score=1)
    assert (await alice.recv())["type"] == "next"
    # when her role is revoked while she is connected, and the very next event is published at once (the revoke
    # is announced on commit: the server does not wait for a cache to expire)
    from huzhu.people.models import RoleGrant

    await database_sync_to_async(lambda: RoleGrant.objects.filter(user=alice_staff_north).delete())()
    await publish(events.match_proposed, proposal_id=2, region_path=regions["north"].path, need_id=1, score=1)
    # then the stream ends with an error instead of the event
    message = await alice.recv()
    assert message["type"] == "error" and message["id"] == "p"
    assert message["payload"][0]["extensions"]["code"] == "PERMISSION_DENIED"
    await publish(events.match_proposed, proposal_id=3, region_path=regions["north"].path, need_id=1, score=1)
    assert await alice.nothing_within(0.5)
    # and the connection itself is still usable
    await alice.send({"type": "ping"})
    assert await alice.recv() == {"type": "pong"}


async def test_an_access_change_made_behind_the_orms_back_still_stops_the_stream(
    server_a: Any, server_b: Any, redis_layer: None, ws_factory: Any, regions: Any, alice_staff_north: Any
) -> None:
    # given alice following the north street's proposals on both processes
    sockets = []
    for server in (server_a, server_b):
        ws = await ws_factory(server, cookie=await make_cookie_async(alice_staff_north))
        await ws.init()
        await ws.subscribe("p", PROPOSED, {"r": region_id(regions["north"])})
        sockets.append(ws)
    # when her account is deactivated by a bulk update (no signal, so no announcement), and a moment passes
    from huzhu.people.models import User

    await database_sync_to_async(lambda: User.objects.filter(pk=alice_staff_north.pk).update(is_active=False))()
    await asyncio.sleep(2.5)  # the background check of grants runs every 1 s
    await publish(events.match_proposed, proposal_id=2, region_path=regions["north"].path, need_id=1, score=1)
    # then both streams end with an error instead of the event
    for ws in sockets:
        message = await ws.recv()
        assert message["type"] == "error" and message["payload"][0]["extensions"]["code"] == "PERMISSION_DENIED"


async def test_a_granted_role_is_announced_too(
    server_a: Any, redis_layer: None, ws_factory: Any, regions: Any, alice_staff_north: Any, rita_reviewer: Any
) -> None:
    # given rita (foundation reviewer) following the north street: she does not see household-need matches
    rita = await ws_factory(server_a, cookie=await make_cookie_async(rita_reviewer))
    await rita.init()
    await rita.subscribe("p", PROPOSED, {"r": region_id(regions["north"])})
    await publish(events.match_proposed, proposal_id=1, region_path=regions["north"].path, need_id=1, score=1)
    assert await rita.nothing_within(0.3)
    # when she is made workstation staff of the north street, then the very next such match reaches her
    from huzhu.people.models import Role, RoleGrant

    await database_sync_to_async(lambda: RoleGrant.objects.create(
        user=rita_reviewer, role=Role.WORKSTATION_STAFF, region=regions["north"]))()
    await publish(events.match_proposed, proposal_id=2, region_path=regions["north"].path, need_id=1, score=1)
    message = await rita.recv()
    assert message["payload"]["data"]["matchProposed"]["proposalId"] == to_global_id("MatchProposal", "2")


async def test_it_delivers_a_users_own_streams_only_to_that_user(
    server_a: Any, server_b: Any, redis_layer: None, ws_factory: Any, bob_volunteer_north: Any,
    dave_volunteer_south: Any, dora_donor: Any,
) -> None:
    # given bob following his balance on A, dave his balance on B, dora her donations on B
    bob = await ws_factory(server_a, cookie=await make_cookie_async(bob_volunteer_north))
    dave = await ws_factory(server_b, cookie=await make_cookie_async(dave_volunteer_south))
    dora = await ws_factory(server_b, cookie=await make_cookie_async(dora_donor))
    for ws in (bob, dave, dora):
        await ws.init()
    balance = "subscription { ledgerBalance { balanceMinutes availableMinutes earnedMinutes stars } }"
    await bob.subscribe("b", balance)
    await dave.subscribe("b", balance)
    await dora.subscribe("d", "subscription { donationTrace { donationId stage at detail } }")
    # when bob's balance changes, and dora's donation moves (and another donor's, and bob's is not dora's)
    await publish(events.ledger_balance, user_id=bob_volunteer_north.pk, balance_minutes=120, available_minutes=90,
                  earned_minutes=150, stars=0)
    await publish(events.donation_trace, donation_id=5, donor_user_id=bob_volunteer_north.pk, stage="received",
                  at_iso="2026-01-01T10:00:00+08:00")
    await publish(events.donation_trace, donation_id=6, donor_user_id=dora_donor.pk, stage="delivered",
                  at_iso="2026-01-02T10:00:00+08:00", detail="北街道1社区")
    # then each hears only their own
    assert (await bob.recv())["payload"]["data"]["ledgerBalance"] == {
        "balanceMinutes": 120, "availableMinutes": 90, "earnedMinutes": 150, "stars": 0}
    assert (await dora.recv())["payload"]["data"]["donationTrace"] == {
        "donationId": to_global_id("Donation", "6"), "stage": "delivered", "at": "2026-01-02T10:00:00+08:00",
        "detail": "北街道1社区"}
    assert await dave.nothing_within(0.3) and await dora.nothing_within(0.1) and await bob.nothing_within(0.1)


async def test_it_delivers_stock_changes_of_a_workstation_to_its_staff_only(
    server_a: Any, redis_layer: None, ws_factory: Any, workstations: Any, alice_staff_north: Any,
    carol_staff_south: Any,
) -> None:
    query = "subscription($w: ID!) { stockChanged(workstationId: $w) { workstationId item onHand } }"
    north = workstations["north"]
    alice = await ws_factory(server_a, cookie=await make_cookie_async(alice_staff_north))
    carol = await ws_factory(server_a, cookie=await make_cookie_async(carol_staff_south))
    await alice.init()
    await carol.init()
    await alice.subscribe("s", query, {"w": to_global_id("Workstation", str(north.pk))})
    # carol (south) may not follow the north workstation
    await carol.send({"id": "s", "type": "subscribe",
                      "payload": {"query": query, "variables": {"w": to_global_id("Workstation", str(north.pk))}}})
    assert (await carol.recv())["payload"][0]["extensions"]["code"] == "PERMISSION_DENIED"
    await publish(events.stock_changed, workstation_id=north.pk, region_path=north.region.path, item="大米", on_hand=40)
    assert (await alice.recv())["payload"]["data"]["stockChanged"] == {
        "workstationId": to_global_id("Workstation", str(north.pk)), "item": "大米", "onHand": 40}


async def test_it_interoperates_with_the_graphql_ws_js_client(
    server_a: Any, redis_layer: None, regions: Any, bob_volunteer_north: Any, node_client: Any
) -> None:
    # given the reference JS client (graphql-ws from npm, on node) subscribed as bob to the north street
    cookie = await make_cookie_async(bob_volunteer_north)
    proc = await node_client(server_a, cookie, TASKS, {"r": region_id(regions["north"])}, events_wanted=1)
    try:
        # when tasks change in the north (published until the client, which has no "subscribed" signal, hears one)
        deadline = time.monotonic() + 30
        line = b""
        while time.monotonic() < deadline and not line:
            await publish(events.task_changed, **task_event(regions["north_c2"], 9, slots=0, kind="full"))
            try:
                line = await asyncio.wait_for(proc.stdout.readline(), 0.5)
            except TimeoutError:
                continue
        # then it received a well-formed event and completed cleanly
        assert line, (await proc.stderr.read()).decode()
        event = json.loads(line)
        assert event == {"data": {"taskChanged": {"taskId": to_global_id("ServiceTask", "9"), "status": "open",
                                                  "slotsLeft": 0, "kind": "full"}}}
        assert await asyncio.wait_for(proc.wait(), 15) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def test_the_server_survives_a_client_vanishing_mid_stream(
    server_a: Any, redis_layer: None, ws_factory: Any, regions: Any, bob_volunteer_north: Any
) -> None:
    cookie = await make_cookie_async(bob_volunteer_north)
    gone = await ws_factory(server_a, cookie=cookie)
    await gone.init()
    await gone.subscribe("t", TASKS, {"r": region_id(regions["north"])})
    gone.conn.transport.abort()  # no close frame
    with pytest.raises(websockets.ConnectionClosed):
        await gone.recv(1)
    await publish(events.task_changed, **task_event(regions["north"], 1))
    bob = await ws_factory(server_a, cookie=cookie)
    await bob.init()
    await bob.subscribe("t", TASKS, {"r": region_id(regions["north"])})
    await publish(events.task_changed, **task_event(regions["north"], 2))
    assert (await bob.recv())["type"] == "next"
