"""The event catalogue: services call these after (or inside) their transaction; subscribers receive them live.

Every function here registers `transaction.on_commit`, so a rolled-back transaction publishes nothing, and
outside a transaction the event goes out at once. The payload is built ONCE here, by the caller, and sent
to Channels groups; every subscriber's consumer only re-checks its permission and formats the same payload.

Groups (Channels group names allow ASCII letters, digits, "-", "_" and "." only):

    rt.<topic>.r.<path>     one per ancestor prefix of the event's region path ("1.", "1.4.", "1.4.9."),
                            so a subscriber at the district, the street or the community receives it
    rt.<topic>.o.<key>      per object, e.g. key "Donation.12", "Workstation.3"
    rt.<topic>.u.<user id>  per user (notifications, ledger balance, a donor's own donations)

A message on the channel layer is {"type": "rt.event", "topic", "payload", "region_path", "object_key",
"user_id", "at"} where `at` is the commit time (time.time()) — the benchmark measures receipt latency from it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import threading
import time
import uuid
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)

# Topics (one per subscription field family).
TASK_CHANGED = "task_changed"
MATCH_PROPOSED = "match_proposed"
MATCH_DECIDED = "match_decided"
DONATION_TRACE = "donation_trace"
LEDGER_BALANCE = "ledger_balance"
STOCK_CHANGED = "stock_changed"
NOTIFICATION = "notification"
# Internal: a user's access (role grants, active/superuser flags) changed; every hub drops its cached grants of
# that user at once (hub.GrantCache.invalidate), so a revoked role stops a stream at its next event.
ACCESS = "access"
ACCESS_GROUP = "rt.access.all"

TOPICS = (TASK_CHANGED, MATCH_PROPOSED, MATCH_DECIDED, DONATION_TRACE, LEDGER_BALANCE, STOCK_CHANGED, NOTIFICATION,
          ACCESS)

_UNSAFE = re.compile(r"[^A-Za-z0-9_.\-]")


def _safe(part: str) -> str:
    return _UNSAFE.sub("_", part)[:60]


def region_group(topic: str, path: str) -> str:
    return f"rt.{topic}.r.{_safe(path)}"


def object_group(topic: str, object_key: str) -> str:
    return f"rt.{topic}.o.{_safe(object_key)}"


def user_group(topic: str, user_id: int) -> str:
    return f"rt.{topic}.u.{int(user_id)}"


def path_prefixes(path: str) -> list[str]:
    """"1.4.9." → ["1.", "1.4.", "1.4.9."] — the region itself and each of its ancestors."""
    parts = [p for p in path.split(".") if p]
    return [".".join(parts[: i + 1]) + "." for i in range(len(parts))]


def groups_for(topic: str, *, region_path: str | None = None, object_key: str | None = None,
               user_id: int | None = None) -> list[str]:
    groups: list[str] = []
    if region_path:
        groups += [region_group(topic, prefix) for prefix in path_prefixes(region_path)]
    if object_key:
        groups.append(object_group(topic, object_key))
    if user_id is not None:
        groups.append(user_group(topic, user_id))
    return groups


def publish(topic: str, *, region_path: str | None = None, object_key: str | None = None,
            user_id: int | None = None, payload: dict, groups: list[str] | None = None) -> None:
    """Send `payload` to the topic's groups for the region (and its ancestors), the object and the user,
    once the current transaction commits (at once when there is none). A rollback publishes nothing.

    A failure of the channel layer (Redis down) is logged, never raised into the committed caller.
    """
    if topic not in TOPICS:
        raise ValueError(f"unknown realtime topic {topic!r}")
    if groups is None:
        groups = groups_for(topic, region_path=region_path, object_key=object_key, user_id=user_id)
    if not groups:
        return
    message: dict[str, Any] = {
        "type": "rt.event",
        "id": uuid.uuid4().hex,
        "topic": topic,
        "payload": payload,
        "region_path": region_path,
        "object_key": object_key,
        "user_id": user_id,
    }
    transaction.on_commit(lambda: _send(groups, message), robust=True)


def _send(groups: list[str], message: dict[str, Any]) -> None:
    from channels.layers import InMemoryChannelLayer, get_channel_layer

    layer = get_channel_layer()
    if layer is None:
        return
    message = {**message, "at": time.time()}
    try:
        if isinstance(layer, InMemoryChannelLayer):
            # Its queues belong to the serving event loop, where this process's hub listens: send there, from
            # a request thread or from the in-process job worker's own loop alike. No hub: nobody listens here.
            from .hub import hub_loops

            for loop in hub_loops():
                asyncio.run_coroutine_threadsafe(_send_all(layer, groups, message), loop).result(timeout=5)
        else:
            # Redis and other network layers: one long-lived publishing loop per process keeps its connection
            # pool, so a publish costs a round trip, not a new event loop and a new Redis connection.
            asyncio.run_coroutine_threadsafe(_send_all(layer, groups, message), _publisher_loop()).result(timeout=5)
    except Exception:  # the write is committed; a lost live update must not turn it into an error
        log.exception("realtime: publishing %s failed", message.get("topic"))
    for hook in _hooks:
        hook(groups, message)


async def _send_all(layer: Any, groups: list[str], message: dict[str, Any]) -> None:
    if _is_pubsub(layer):
        await _publish_pipelined(layer, groups, message)
    else:
        await asyncio.gather(*(layer.group_send(group, message) for group in groups))


def _is_pubsub(layer: Any) -> bool:
    try:
        from channels_redis.pubsub import RedisPubSubChannelLayer
    except ImportError:  # pragma: no cover - channels-redis is a dependency
        return False
    return isinstance(layer, RedisPubSubChannelLayer)


async def _publish_pipelined(layer: Any, groups: list[str], message: dict[str, Any]) -> None:
    """What the pub/sub layer's group_send does for each group (serialize, PUBLISH to the group's channel), as
    ONE pipelined round trip per Redis shard: the layer's own group_send holds a lock per round trip, and an
    event goes to four or five groups. Receivers are the layer's unchanged subscribers."""
    loop_layer = layer._get_layer()
    data = layer.serialize(message)
    by_shard: dict[Any, list[str]] = {}
    for group in groups:
        channel = loop_layer._get_group_channel_name(group)
        by_shard.setdefault(loop_layer._get_shard(channel), []).append(channel)
    for shard, channels in by_shard.items():
        async with shard._lock:
            shard._ensure_redis()
            redis = shard._redis
        pipe = redis.pipeline(transaction=False)
        for channel in channels:
            pipe.publish(channel, data)
        await pipe.execute()


PUBLISHER_LOOPS = 4
_publishers: tuple[int, list[asyncio.AbstractEventLoop]] | None = None
_publisher_lock = threading.Lock()


def _publisher_loop() -> asyncio.AbstractEventLoop:
    """One of a few long-lived publishing loops of this process, chosen by thread: channels-redis sends one
    message at a time per loop and connection, so threads publishing at once (several request or job
    threads) use different loops instead of queueing behind one."""
    global _publishers
    with _publisher_lock:
        if _publishers is None or _publishers[0] != os.getpid():  # a forked worker needs its own
            loops = []
            for i in range(PUBLISHER_LOOPS):
                loop = asyncio.new_event_loop()
                threading.Thread(target=loop.run_forever, name=f"huzhu-realtime-publisher-{i}", daemon=True).start()
                loops.append(loop)
            _publishers = (os.getpid(), loops)
        return _publishers[1][threading.get_ident() % PUBLISHER_LOOPS]


# Observers of published messages in this process (tests, the benchmark); called after the send.
_hooks: list[Any] = []


def add_hook(hook: Any) -> None:
    _hooks.append(hook)


def remove_hook(hook: Any) -> None:
    if hook in _hooks:
        _hooks.remove(hook)


# --- the catalogue: one function per kind of event -----------------------------------------------------------


def task_changed(*, task_id: int, region_path: str, status: str, slots_left: int, kind: str = "changed") -> None:
    """A service task changed (created, claimed, withdrawn, full, started, completed, cancelled).

    `kind` says what happened: "created", "claimed", "withdrawn", "changed", "cancelled", ...
    Subscribers: taskChanged(regionId) at the task's community or any ancestor region.
    """
    publish(
        TASK_CHANGED,
        region_path=region_path,
        object_key=f"Task.{task_id}",
        payload={"task_id": task_id, "status": status, "slots_left": slots_left, "kind": kind},
    )


# What a match event is about (payload "kind"): a household need matched with a supply (matching.MatchProposal,
# for workstation staff), or a fund matched with a charity project (projects.ProjectFundProposal, for foundation
# reviewers). The ids in the payload are named for what they are: need_id or project_id.
MATCH_NEED = "need"
MATCH_PROJECT_FUND = "project_fund"


def match_proposed(*, proposal_id: int, region_path: str, need_id: int, score: int) -> None:
    """Matching proposed a supply → household need pair (a matching.MatchProposal) in the need's region."""
    publish(
        MATCH_PROPOSED,
        region_path=region_path,
        object_key=f"MatchProposal.{proposal_id}",
        payload={"kind": MATCH_NEED, "proposal_id": proposal_id, "need_id": need_id, "score": score,
                 "for_foundation": False},
    )


def fund_match_proposed(*, proposal_id: int, region_path: str, project_id: int, score: int) -> None:
    """Project matching proposed a fund for a charity project (a projects.ProjectFundProposal) in the project's
    region; foundation reviewers (and staff) of the region receive it."""
    publish(
        MATCH_PROPOSED,
        region_path=region_path,
        object_key=f"ProjectFundProposal.{proposal_id}",
        payload={"kind": MATCH_PROJECT_FUND, "proposal_id": proposal_id, "project_id": project_id, "score": score,
                 "for_foundation": True},
    )


def match_decided(*, proposal_id: int, region_path: str, decision: str) -> None:
    """A household-need proposal (MatchProposal) was decided (`decision`: "accepted" / "rejected" / ...)."""
    publish(
        MATCH_DECIDED,
        region_path=region_path,
        object_key=f"MatchProposal.{proposal_id}",
        payload={"kind": MATCH_NEED, "proposal_id": proposal_id, "decision": decision, "for_foundation": False},
    )


def fund_match_decided(*, proposal_id: int, region_path: str, project_id: int, decision: str) -> None:
    """A fund proposal for a charity project (ProjectFundProposal) was decided."""
    publish(
        MATCH_DECIDED,
        region_path=region_path,
        object_key=f"ProjectFundProposal.{proposal_id}",
        payload={"kind": MATCH_PROJECT_FUND, "proposal_id": proposal_id, "project_id": project_id,
                 "decision": decision, "for_foundation": True},
    )


def donation_trace(*, donation_id: int, donor_user_id: int, stage: str, at_iso: str, detail: str = "") -> None:
    """A donor's gift moved along its path (received, matched, dispatched, delivered, ...). Only the donor
    (and staff with a grant over the donation's region, via the object group) receives it."""
    publish(
        DONATION_TRACE,
        object_key=f"Donation.{donation_id}",
        user_id=donor_user_id,
        payload={"donation_id": donation_id, "stage": stage, "at": at_iso, "detail": detail},
    )


def ledger_balance(*, user_id: int, balance_minutes: int, available_minutes: int, earned_minutes: int,
                   stars: int) -> None:
    """A volunteer's time-bank balance changed; only that volunteer receives it."""
    publish(
        LEDGER_BALANCE,
        user_id=user_id,
        payload={
            "balance_minutes": balance_minutes,
            "available_minutes": available_minutes,
            "earned_minutes": earned_minutes,
            "stars": stars,
        },
    )


def access_changed(*, user_id: int) -> None:
    """The user's role grants or account flags changed (connected by apps.py to RoleGrant and User saves and
    deletes): every process's hub forgets the user's cached grants, and re-reads them before the user's next
    event. Not a subscription topic; hubs are always in its one group."""
    publish(ACCESS, groups=[ACCESS_GROUP], payload={"user_id": int(user_id)})


def stock_changed(*, workstation_id: int, region_path: str, item: str, on_hand: int) -> None:
    """A workstation's goods stock changed (`item` is the stock item's name or code, `on_hand` its count)."""
    publish(
        STOCK_CHANGED,
        region_path=region_path,
        object_key=f"Workstation.{workstation_id}",
        payload={"workstation_id": workstation_id, "region_path": region_path, "item": item, "on_hand": on_hand},
    )

