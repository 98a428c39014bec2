"""The notification inbox: notify() from other apps, myNotifications, mark read, email, pushed live."""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.db import transaction
from graphql_relay import to_global_id

from huzhu.core.errors import ServiceError
from huzhu.realtime import services
from huzhu.realtime.models import Notification, NotificationSettings

from .conftest import make_cookie_async

INBOX = """query($first: Int, $after: String, $unreadOnly: Boolean) {
  unreadNotificationCount
  myNotifications(first: $first, after: $after, unreadOnly: $unreadOnly) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id kind title body link read data } }
  }
}"""
MARK = """mutation($ids: [ID!], $all: Boolean) {
  notificationsMarkRead(ids: $ids, all: $all) { count unreadCount errors { field code message } }
}"""
LIVE = "subscription { myNotifications { kind unreadCount notification { id kind title body link read } } }"


def gid(n: Notification) -> str:
    return to_global_id("Notification", str(n.pk))


@pytest.mark.django_db
def test_it_lists_only_the_viewers_notifications_newest_first_with_counts(
    gql: Any, bob_volunteer_north: Any, dave_volunteer_south: Any
) -> None:
    # given three notifications for bob, one already read, and one for dave
    first = services.notify(user=bob_volunteer_north, kind="task.reminder", title="明天的探访", link="/tasks/1")
    second = services.notify(user=bob_volunteer_north, kind="task.claimed", title="已认领", data={"taskId": "x"})
    third = services.notify(user=bob_volunteer_north, kind="hours.confirmed", title="时长已确认", body="90 分钟")
    services.notify(user=dave_volunteer_south, kind="task.claimed", title="dave's")
    services.notification_mark_read(actor=bob_volunteer_north, ids=[first.pk])
    # when bob reads his inbox two at a time
    data = gql(INBOX, {"first": 2}, as_user=bob_volunteer_north)
    # then he sees his own, newest first, with the totals
    inbox = data["myNotifications"]
    assert data["unreadNotificationCount"] == 2
    assert inbox["totalCount"] == 3
    assert [e["node"]["id"] for e in inbox["edges"]] == [gid(third), gid(second)]
    assert inbox["edges"][1]["node"]["data"] == '{"taskId": "x"}'
    page2 = gql(INBOX, {"first": 2, "after": inbox["pageInfo"]["endCursor"]}, as_user=bob_volunteer_north)
    assert [e["node"] for e in page2["myNotifications"]["edges"]] == [
        {"id": gid(first), "kind": "task.reminder", "title": "明天的探访", "body": "", "link": "/tasks/1",
         "read": True, "data": "{}"}
    ]
    # and unread only leaves out the read one
    unread = gql(INBOX, {"unreadOnly": True}, as_user=bob_volunteer_north)["myNotifications"]
    assert unread["totalCount"] == 2


@pytest.mark.django_db
def test_it_marks_read_by_id_and_all(gql: Any, bob_volunteer_north: Any) -> None:
    a = services.notify(user=bob_volunteer_north, kind="k", title="a")
    b = services.notify(user=bob_volunteer_north, kind="k", title="b")
    services.notify(user=bob_volunteer_north, kind="k", title="c")
    out = gql(MARK, {"ids": [gid(a), gid(b)]}, as_user=bob_volunteer_north)["notificationsMarkRead"]
    assert out == {"count": 2, "unreadCount": 1, "errors": []}
    # marking one already read again changes nothing
    out = gql(MARK, {"ids": [gid(a)]}, as_user=bob_volunteer_north)["notificationsMarkRead"]
    assert out == {"count": 0, "unreadCount": 1, "errors": []}
    out = gql(MARK, {"all": True}, as_user=bob_volunteer_north)["notificationsMarkRead"]
    assert out == {"count": 1, "unreadCount": 0, "errors": []}


@pytest.mark.django_db
def test_it_refuses_marking_another_users_notification_and_writes_nothing(
    gql: Any, bob_volunteer_north: Any, dave_volunteer_south: Any
) -> None:
    # given a notification of dave (south) and one of bob
    daves = services.notify(user=dave_volunteer_south, kind="k", title="dave's")
    bobs = services.notify(user=bob_volunteer_north, kind="k", title="bob's")
    # when bob marks both read
    out = gql(MARK, {"ids": [gid(bobs), gid(daves)]}, as_user=bob_volunteer_north)["notificationsMarkRead"]
    # then he is told it does not exist, and neither changed
    assert out["errors"][0]["code"] == "NOT_FOUND" and out["errors"][0]["field"] == "ids"
    assert Notification.objects.filter(read_at__isnull=False).count() == 0
    # and a wrong kind of id, or nothing at all, is refused too
    bad = gql(MARK, {"ids": [to_global_id("Task", "1")]}, as_user=bob_volunteer_north)["notificationsMarkRead"]
    assert bad["errors"][0]["code"] == "NOT_FOUND"
    empty = gql(MARK, {}, as_user=bob_volunteer_north)["notificationsMarkRead"]
    assert empty["errors"][0]["code"] == "REQUIRED"


@pytest.mark.django_db
def test_it_hides_the_inbox_from_anonymous_and_from_node_lookups(gql: Any, bob_volunteer_north: Any,
                                                                  dave_volunteer_south: Any) -> None:
    body = gql.raw(INBOX, {})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    body = gql.raw(MARK, {"all": True})
    assert body["errors"]


@pytest.mark.django_db
def test_it_refuses_bad_input_to_notify_and_writes_nothing(bob_volunteer_north: Any) -> None:
    with pytest.raises(ServiceError) as exc:
        services.notify(user=bob_volunteer_north, kind="k", title="x" * 201)
    assert exc.value.code == "TOO_LONG" and exc.value.field == "title"
    with pytest.raises(ServiceError):
        services.notify(user=bob_volunteer_north, kind="", title="t")
    assert Notification.objects.count() == 0


@pytest.mark.django_db
def test_it_emails_on_commit_only_users_who_opted_in(bob_volunteer_north: Any, dave_volunteer_south: Any,
                                                     mailoutbox: Any, django_capture_on_commit_callbacks: Any) -> None:
    NotificationSettings.objects.create(user=bob_volunteer_north, email_enabled=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(user=bob_volunteer_north, kind="k", title="任务提醒", body="明天 9:00", link="/tasks/3")
        services.notify(user=dave_volunteer_south, kind="k", title="dave 未开启邮件")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["bob.vol@test.huzhu"] and mailoutbox[0].subject == "任务提醒"
    assert "明天 9:00" in mailoutbox[0].body and mailoutbox[0].body.rstrip().endswith("/tasks/3")


@pytest.mark.django_db
def test_it_sends_no_email_when_the_callers_transaction_rolls_back(bob_volunteer_north: Any, mailoutbox: Any,
                                                                  django_capture_on_commit_callbacks: Any) -> None:
    NotificationSettings.objects.create(user=bob_volunteer_north, email_enabled=True)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                services.notify(user=bob_volunteer_north, kind="k", title="never")
                raise RuntimeError
        except RuntimeError:
            pass
    assert callbacks == [] and mailoutbox == []
    assert Notification.objects.count() == 0


@pytest.mark.django_db
def test_it_updates_the_email_setting(gql: Any, bob_volunteer_north: Any) -> None:
    q = "{ myNotificationSettings { emailEnabled } }"
    assert gql(q, as_user=bob_volunteer_north)["myNotificationSettings"] == {"emailEnabled": False}
    m = "mutation { notificationSettingsUpdate(emailEnabled: true) { settings { emailEnabled } errors { code } } }"
    assert gql(m, as_user=bob_volunteer_north)["notificationSettingsUpdate"]["settings"] == {"emailEnabled": True}
    assert gql(q, as_user=bob_volunteer_north)["myNotificationSettings"] == {"emailEnabled": True}


# --- pushed live -----------------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
async def test_it_pushes_a_new_notification_live_only_to_its_user(
    server_a: Any, server_b: Any, redis_layer: None, ws_factory: Any, bob_volunteer_north: Any,
    dave_volunteer_south: Any,
) -> None:
    bob = await ws_factory(server_a, cookie=await make_cookie_async(bob_volunteer_north))
    dave = await ws_factory(server_b, cookie=await make_cookie_async(dave_volunteer_south))
    for ws in (bob, dave):
        await ws.init()
        await ws.subscribe("n", LIVE)
    # when a service notifies bob inside its transaction
    note = await database_sync_to_async(services.notify)(
        user=bob_volunteer_north, kind="task.claimed", title="新的认领", body="有人认领了任务", link="/tasks/7"
    )
    # then bob's socket receives it, and dave's nothing
    message = await bob.recv()
    assert message["payload"]["data"]["myNotifications"] == {
        "kind": "created", "unreadCount": 1,
        "notification": {"id": gid(note), "kind": "task.claimed", "title": "新的认领", "body": "有人认领了任务",
                         "link": "/tasks/7", "read": False},
    }
    assert await dave.nothing_within(0.3)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
async def test_it_pushes_mark_read_from_one_process_to_a_socket_on_another(
    server_a: Any, server_b: Any, ws_factory: Any, bob_volunteer_north: Any
) -> None:
    """A mutation served by process A reaches a subscriber on process B through Redis (no test-process layer)."""
    import httpx

    await database_sync_to_async(services.notify)(user=bob_volunteer_north, kind="k", title="t")
    cookie = await make_cookie_async(bob_volunteer_north)
    bob = await ws_factory(server_b, cookie=cookie)
    await bob.init()
    await bob.subscribe("n", LIVE)
    # when bob marks all read through process A's HTTP endpoint (another browser tab)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server_a.port}", cookies={"sessionid": cookie}) as c:
        response = await c.post("/graphql", json={"query": MARK, "variables": {"all": True}})
    assert response.json()["data"]["notificationsMarkRead"]["count"] == 1
    # then his socket on process B hears that the unread count is now 0
    message = await bob.recv()
    assert message["payload"]["data"]["myNotifications"] == {"kind": "read", "unreadCount": 0, "notification": None}


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
async def test_it_pushes_within_one_process_on_the_in_memory_layer(
    server_memory: Any, ws_factory: Any, bob_volunteer_north: Any
) -> None:
    import httpx

    await database_sync_to_async(services.notify)(user=bob_volunteer_north, kind="k", title="t")
    cookie = await make_cookie_async(bob_volunteer_north)
    bob = await ws_factory(server_memory, cookie=cookie)
    await bob.init()
    await bob.subscribe("n", LIVE)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server_memory.port}",
                                 cookies={"sessionid": cookie}) as c:
        await c.post("/graphql", json={"query": MARK, "variables": {"all": True}})
    message = await bob.recv()
    assert message["payload"]["data"]["myNotifications"]["unreadCount"] == 0
