"""The per-process fan-out hub, and a per-process cache of users' role grants, invalidated by access events.

Why a hub and not one channel-layer channel per websocket: with channels-redis every group_send costs a
Redis call per member channel, and large groups dropped messages in older versions. Here each ASGI process
has ONE channel on the layer, added to the groups its local subscribers need, so a group has one member per
process whatever the number of subscribers; an event crosses Redis once per process and is dispatched to the
local subscriptions in memory. The event arrives once per group the hub is in (a district subscriber and a
street subscriber in the same process mean two groups): the hub dispatches each event id once.

The execution result of an event is shared by every local subscription with the same document and variables
(ResultCache), so the payload is built once per topic and scope, not once per subscriber. That is sound
because realtime event types resolve from the event payload only, never from the viewer.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from channels.layers import get_channel_layer

log = logging.getLogger(__name__)

# s: grants older than this are never used (the bound for access changes that were not announced, see GrantCache)
GRANT_MAX_AGE = float(os.environ.get("HUZHU_RT_GRANT_MAX_AGE", "5.0"))
REFRESH_EVERY = float(os.environ.get("HUZHU_RT_GRANT_REFRESH", "1.0"))  # s between background checks of grants
GROUP_REFRESH = 3600.0  # channels-redis forgets group members after group_expiry (1 day): re-add hourly
QUEUE_LIMIT = 1000  # events waiting for one slow subscription before it is stopped


# Counters of this process, logged at exit (a server's log then says where its time went).
STATS: dict[str, float] = {"events": 0, "grant_waits": 0, "invalidations": 0, "refreshes": 0, "full_reads": 0,
                           "refresh_seconds": 0.0}


STATS_EVERY = float(os.environ.get("HUZHU_RT_STATS_EVERY", "0"))  # s; >0: log STATS that often (benchmark)

# Where an event's time goes, in ms (recorded only with STATS_EVERY > 0, logged with STATS as percentiles):
# "hub" commit → dispatch by this process's hub, "sent" commit → written to a subscriber's socket,
# "grant_wait" an event waiting for a grant read, "loop" the event loop's lateness (a 10 ms timer), "gc" / "gc2"
# pauses of the young / full collections.
LAGS: dict[str, list[float]] = {"hub": [], "sent": [], "grant_wait": [], "loop": [], "gc": [], "gc2": []}


def lag(kind: str, ms: float) -> None:
    if STATS_EVERY:
        LAGS[kind].append(ms)


def lag_summary() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind, values in LAGS.items():
        if values:
            ordered = sorted(values)
            n = len(ordered)
            out[kind] = {"n": n, "p50": round(ordered[n // 2], 1), "p99": round(ordered[min(n - 1, int(n * 0.99))], 1),
                         "max": round(ordered[-1], 1)}
    return out


async def _watch_loop() -> None:
    """Records how late a 10 ms timer fires (a blocked or starved event loop) and GC pause lengths."""
    import gc

    started: list[float] = []

    def on_gc(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            started[:] = [time.perf_counter()]
        elif started:
            lag("gc2" if info.get("generation") == 2 else "gc", (time.perf_counter() - started[0]) * 1000)

    gc.callbacks.append(on_gc)
    while True:
        before = time.perf_counter()
        await asyncio.sleep(0.01)
        lag("loop", (time.perf_counter() - before - 0.01) * 1000)


class SlowConsumer(Exception):
    """The client did not read its events fast enough; its subscription is stopped."""


@dataclass(eq=False)
class Listener:
    """One subscription's place in the hub: the groups it needs and the queue events are put into."""

    groups: list[str]
    queue: asyncio.Queue = field(default_factory=lambda: asyncio.Queue(maxsize=QUEUE_LIMIT))
    overflowed: bool = False

    def push(self, message: dict[str, Any]) -> None:
        try:
            self.queue.put_nowait(message)
        except asyncio.QueueFull:
            self.overflowed = True


class Hub:
    """One per event loop (an ASGI process has one). Created lazily by `hub()`."""

    def __init__(self) -> None:
        self.layer = get_channel_layer()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.channel: str | None = None
        self.members: dict[str, set[Listener]] = {}  # every group a local listener needs → its listeners
        self.joined: set[str] = set()  # the groups this hub's channel is in (see _rejoin)
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._task: asyncio.Task | None = None
        self._watcher: asyncio.Task | None = None
        self._lock = asyncio.Lock()
        self._db_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="huzhu-realtime-db")
        self.grants = GrantCache(self.db)
        self.results = ResultCache()
        self.received = 0  # events dispatched (after de-duplication), for tests and the benchmark

    async def db(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run an ORM read on the hub's own thread: its database connection stays open between calls (it is
        closed after an error and reopened), and realtime reads never queue behind HTTP views on the
        thread that serves them."""
        return await asyncio.get_running_loop().run_in_executor(self._db_thread, _db_call, fn, args)

    async def add(self, listener: Listener) -> None:
        async with self._lock:
            if self.channel is None:
                self.channel = await self.layer.new_channel("rt-hub.")
                self._task = asyncio.ensure_future(self._run())
                if STATS_EVERY:
                    self._watcher = asyncio.ensure_future(_watch_loop())
            for group in listener.groups:
                self.members.setdefault(group, set()).add(listener)
            await self._rejoin()

    async def remove(self, listener: Listener) -> None:
        async with self._lock:
            for group in listener.groups:
                members = self.members.get(group)
                if members is None:
                    continue
                members.discard(listener)
                if not members:
                    del self.members[group]
            await self._rejoin()

    async def _rejoin(self) -> None:
        """Be in the fewest groups that still bring every wanted event: for region groups of a topic, only
        the topmost regions (a district group already carries its streets' and communities' events), so each
        event reaches this process once. New groups are joined before old ones are left (no gap; the
        overlap is de-duplicated by event id)."""
        from .events import ACCESS_GROUP

        wanted = cover(self.members) | {ACCESS_GROUP}  # access announcements (GrantCache.invalidate), always
        assert self.channel is not None
        for group in wanted - self.joined:
            await self.layer.group_add(group, self.channel)
        for group in self.joined - wanted:
            await self.layer.group_discard(group, self.channel)
        self.joined = wanted

    async def _run(self) -> None:
        assert self.channel is not None
        refreshed = time.monotonic()
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # Redis restarting: keep the hub alive, retry shortly
                log.exception("realtime hub: receive failed")
                await asyncio.sleep(0.5)
                continue
            self.dispatch(message)
            if time.monotonic() - refreshed > GROUP_REFRESH:
                refreshed = time.monotonic()
                for group in list(self.joined):
                    await self.layer.group_add(group, self.channel)

    def dispatch(self, message: dict[str, Any]) -> None:
        if message.get("type") != "rt.event":
            return
        event_id = message.get("id", "")
        if event_id in self._seen:
            return  # the same event through another of our groups
        self._seen[event_id] = None
        if len(self._seen) > 20000:
            self._seen.popitem(last=False)
        from . import events

        if message.get("topic") == events.ACCESS:
            user_id = (message.get("payload") or {}).get("user_id")
            if isinstance(user_id, int):
                self.grants.invalidate(user_id)
            return
        self.received += 1
        STATS["events"] += 1
        if STATS_EVERY and self.received == 1:  # these figures from the first event on, not the connecting
            for kind in ("loop", "gc", "gc2", "grant_wait"):
                LAGS[kind].clear()
        if STATS_EVERY and message.get("at"):
            lag("hub", (time.time() - message["at"]) * 1000)
        targets: set[Listener] = set()
        for group in events.groups_for(
            message["topic"],
            region_path=message.get("region_path"),
            object_key=message.get("object_key"),
            user_id=message.get("user_id"),
        ):
            targets |= self.members.get(group, set())
        for listener in targets:
            listener.push(message)


def cover(groups: Any) -> set[str]:
    """The groups to join so that every group in `groups` is served: a region group "rt.<topic>.r.<path>" is
    left out when the same topic's group of an ancestor region ("<path>" a proper prefix) is in."""
    regions: dict[str, list[str]] = {}
    out: set[str] = set()
    for group in groups:
        parts = group.split(".", 3)
        if len(parts) == 4 and parts[0] == "rt" and parts[2] == "r":
            regions.setdefault(parts[1], []).append(parts[3])
        else:
            out.add(group)
    for topic, paths in regions.items():
        kept: list[str] = []
        for path in sorted(paths):  # an ancestor sorts before its descendants
            if not any(path.startswith(k) for k in kept):
                kept.append(path)
        out |= {f"rt.{topic}.r.{path}" for path in kept}
    return out


_hubs: dict[int, Hub] = {}
_frozen = False


def _freeze_heap() -> None:
    """Once per process, when the first hub starts (Django, the apps and the GraphQL schema are loaded): move
    every object alive now out of the cyclic GC's reach (gc.freeze). They live as long as the process, and
    scanning them in every full collection paused the event loop for tens of milliseconds — a pause every
    subscriber of the process waits through."""
    global _frozen
    if not _frozen and os.environ.get("HUZHU_RT_GC_FREEZE", "1") == "1":
        import gc

        _frozen = True
        gc.collect()
        gc.freeze()


def hub() -> Hub:
    """The hub of the running event loop."""
    loop = asyncio.get_running_loop()
    found = _hubs.get(id(loop))
    if found is None or found.loop is not loop:
        _freeze_heap()
        found = _hubs[id(loop)] = Hub()
        found.loop = loop
    return found


def hub_loops() -> list[asyncio.AbstractEventLoop]:
    """The running loops that have a hub (the serving loop of an ASGI process; none in a worker process)."""
    return [h.loop for h in list(_hubs.values()) if h.loop is not None and h.loop.is_running()]


@dataclass
class Access:
    """What the permission layer needs of a user, read at `at` (time.monotonic())."""

    user_id: int
    is_active: bool
    is_superuser: bool
    grants: list[tuple[str, str]]
    at: float
    generation: int = -1  # the background full read that produced it (-1: read on demand, never extended)
    _user: Any = field(default=None, repr=False, compare=False)

    def as_user(self) -> Any:
        """An unsaved User carrying these grants, for huzhu.people.access (no query is made through it). Built
        once per entry, not once per event: every subscriber's check of every event goes through it."""
        if self._user is None:
            from huzhu.people import access
            from huzhu.people.models import User

            user = User(id=self.user_id, is_active=self.is_active, is_superuser=self.is_superuser)
            setattr(user, access._CACHE_ATTR, list(self.grants))
            self._user = user
        return self._user


class GrantCache:
    """Users' grants, kept off the event path.

    An access change made through the ORM (a RoleGrant saved or deleted, a User's is_active/is_superuser saved)
    is announced on commit (events.access_changed, connected in apps.py); the hub then drops that user's entry
    at once (`invalidate`), so the user's next event waits for a fresh read of that one user: a revoked role
    stops the stream at the first event after the commit. Reads that started before the announcement are not
    trusted for that user.

    Changes the ORM does not announce (raw SQL, queryset.update, a Redis outage eating the announcement) are
    caught by the background refresh: the grants of every user with a live subscription in this process are
    checked by ONE fingerprint query every REFRESH_EVERY seconds (re-read when it changed), and an entry is never
    used older than GRANT_MAX_AGE — if the refresh falls that far behind (a stuck database), events wait for a
    read instead. Misses in the same loop tick are read in one query.
    """

    def __init__(self, db: Callable[..., Any]) -> None:
        self._db = db
        self._entries: dict[int, Access] = {}
        self._in_use: dict[int, int] = {}
        self._pending: dict[int, asyncio.Future] = {}
        self._invalidated: dict[int, float] = {}  # user → time.monotonic() of the last access announcement
        self._scheduled = False
        self._refresher: asyncio.Task | None = None

    def hold(self, user_id: int) -> None:
        self._in_use[user_id] = self._in_use.get(user_id, 0) + 1
        if self._refresher is None:
            self._refresher = asyncio.ensure_future(self._refresh_loop())

    def release(self, user_id: int) -> None:
        left = self._in_use.get(user_id, 0) - 1
        if left > 0:
            self._in_use[user_id] = left
        else:
            self._in_use.pop(user_id, None)
            self._entries.pop(user_id, None)
            self._invalidated.pop(user_id, None)

    def invalidate(self, user_id: int) -> None:
        """The user's access changed (announced after the commit): forget the cached grants, and read them again
        now, so that the user's next event usually finds them fresh."""
        if user_id not in self._in_use:
            return
        STATS["invalidations"] += 1
        self._invalidated[user_id] = time.monotonic()
        self._entries.pop(user_id, None)
        asyncio.ensure_future(self._prefetch(user_id))

    async def _prefetch(self, user_id: int) -> None:
        try:
            await self.get(user_id)
        except Exception:  # the next event retries the read (and reports its failure)
            log.warning("realtime: re-reading the grants of user %s failed", user_id)

    def _usable(self, entry: Access | None) -> bool:
        return (entry is not None and entry.at >= self._invalidated.get(entry.user_id, -1.0)
                and time.monotonic() - entry.at <= GRANT_MAX_AGE)

    async def get(self, user_id: int) -> Access:
        entry = self._entries.get(user_id)
        if self._usable(entry):
            assert entry is not None
            return entry
        STATS["grant_waits"] += 1
        waited = time.perf_counter()
        try:
            while True:
                future = self._pending.get(user_id)
                if future is None:
                    future = asyncio.get_running_loop().create_future()
                    self._pending[user_id] = future
                    if not self._scheduled:
                        self._scheduled = True
                        asyncio.ensure_future(self._flush())
                fresh: Access = await asyncio.shield(future)
                if fresh.at >= self._invalidated.get(user_id, -1.0):
                    return fresh
                # read before the latest announcement for this user (it may miss the change): read again
        finally:
            lag("grant_wait", (time.perf_counter() - waited) * 1000)

    async def _read(self, user_ids: list[int]) -> dict[int, Access]:
        started = time.monotonic()  # the grants are as old as the moment the query started
        rows = await self._db(_load_access, user_ids)
        out = {}
        for user_id in user_ids:
            is_active, is_superuser, grants = rows.get(user_id, (False, False, []))
            out[user_id] = Access(user_id, is_active, is_superuser, grants, started)
        return out

    async def _flush(self) -> None:
        await asyncio.sleep(0)  # let every subscription woken by the same event join this batch
        pending, self._pending, self._scheduled = self._pending, {}, False
        try:
            fresh = await self._read(list(pending))
        except Exception as exc:
            for future in pending.values():
                if not future.done():
                    future.set_exception(exc)
            return
        for user_id, future in pending.items():
            self._store(fresh[user_id])
            if not future.done():
                future.set_result(fresh[user_id])

    def _store(self, entry: Access) -> None:
        current = self._entries.get(entry.user_id)
        if entry.at < self._invalidated.get(entry.user_id, -1.0):
            return  # started before an announced change of this user's access
        if (current is None or current.at <= entry.at) and entry.user_id in self._in_use:
            self._entries[entry.user_id] = entry

    async def _refresh_loop(self) -> None:
        fingerprint: Any = None
        known: set[int] = set()
        generation = 0
        logged = time.monotonic()
        while True:
            await asyncio.sleep(REFRESH_EVERY)
            if STATS_EVERY and time.monotonic() - logged > STATS_EVERY:
                logged = time.monotonic()
                log.warning("realtime stats: %s", {k: round(v, 3) for k, v in STATS.items()})
                log.warning("realtime lags: %s", json.dumps(lag_summary()))
            user_ids = list(self._in_use)
            if not user_ids:
                continue
            try:
                # One row tells whether anything about these users' access changed; only then re-read it all.
                started = time.monotonic()
                now = await self._db(_access_fingerprint, user_ids)
                STATS["refreshes"] += 1
                STATS["refresh_seconds"] += time.monotonic() - started
                if now == fingerprint and known.issuperset(user_ids):
                    # Unchanged since the last full read: what that read produced is still true now.
                    for user_id in user_ids:
                        entry = self._entries.get(user_id)
                        if entry is not None and entry.generation == generation and entry.at < started:
                            entry.at = started
                    continue
                generation += 1
                STATS["full_reads"] += 1
                for chunk in range(0, len(user_ids), 5000):
                    for entry in (await self._read(user_ids[chunk:chunk + 5000])).values():
                        entry.generation = generation
                        self._store(entry)
                fingerprint, known = now, set(user_ids)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("realtime: refreshing grants failed")


def _access_fingerprint(user_ids: list[int]) -> tuple[Any, ...]:
    """Counts and order-independent hash sums of the users' active/superuser flags and of their grants (role and
    region path): equal before and after means their access did not change."""
    from django.db import connection

    from huzhu.people.models import RoleGrant, User
    from huzhu.regions.models import Region

    users, grants, regions = User._meta.db_table, RoleGrant._meta.db_table, Region._meta.db_table
    sql = (
        f"SELECT (SELECT count(*)::text || ':' || coalesce(sum(hashtext(u.id::text || ':' || u.is_active::text"
        f" || ':' || u.is_superuser::text)::bigint), 0)::text FROM {users} u WHERE u.id = ANY(%s)),"
        f" (SELECT count(*)::text || ':' || coalesce(sum(hashtext(g.user_id::text || ':' || g.role || ':'"
        f" || r.path)::bigint), 0)::text FROM {grants} g JOIN {regions} r ON r.id = g.region_id"
        f" WHERE g.user_id = ANY(%s))"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_ids, user_ids])
        return tuple(cursor.fetchone())


def _db_call(fn: Callable[..., Any], args: tuple) -> Any:
    from django.db import connection

    try:
        return fn(*args)
    except Exception:
        connection.close()
        raise


def _load_access(user_ids: list[int]) -> dict[int, tuple[bool, bool, list[tuple[str, str]]]]:
    from huzhu.people.models import RoleGrant, User

    out: dict[int, tuple[bool, bool, list[tuple[str, str]]]] = {
        pk: (active, superuser, [])
        for pk, active, superuser in User.objects.filter(id__in=user_ids).values_list("id", "is_active", "is_superuser")
    }
    for user_id, role, path in RoleGrant.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "role", "region__path"
    ):
        out[user_id][2].append((role, path))
    return out


class ResultCache:
    """event id × (document, variables) → the serialized `payload` of a `next` message."""

    def __init__(self, size: int = 4096) -> None:
        self._items: OrderedDict[tuple, str] = OrderedDict()
        self._size = size
        self.hits = 0
        self.misses = 0

    def get_or_build(self, key: tuple, build: Callable[[], str]) -> str:
        found = self._items.get(key)
        if found is not None:
            self.hits += 1
            return found
        self.misses += 1
        value = build()
        self._items[key] = value
        if len(self._items) > self._size:
            self._items.popitem(last=False)
        return value
