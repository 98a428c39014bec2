"""Realtime benchmark: 1,000 websocket subscribers on two ASGI processes sharing Redis, beside a polling baseline.

    python -m tests.bench.bench_realtime [--clients 1000] [--rate 50] [--push-seconds 20] [--poll-seconds 10]

What runs (all on loopback, bounded: about 1.5–2.5 minutes on a 2-core machine):
1. Bench data in the configured database (codes/emails prefixed "bench-rt-", removed afterwards): a district,
   4 streets, 64 communities, N volunteers with a login session each.
2. Two uvicorn processes (REDIS_URL=redis://127.0.0.1:6379/12, channels-redis), N/2 websocket clients each:
   90 % follow taskChanged of their community, 9 % of their street, 1 % (administrators) the district.
3. Idle: server CPU with the N connections open and subscribed, no events.
4. Push: a producer process runs a service transaction per event (a notification row written, and
   events.task_changed on commit) at RATE events/s over random communities; every client records the receipt
   time of each event. Latency = receipt − the producer's clock just before COMMIT; lost = expected deliveries
   (from who follows which region) − received.
5. Polling baseline: the same N clients each POST /graphql `myNotifications(first: 1)` once a second; the
   producer notifies one random client's user per event at the same RATE; detection latency = the first poll
   response showing the new notification − commit. Server CPU over the same window.
Numbers on a shared 2-core machine are noisy (the client, the producer, Redis, PostgreSQL and both servers share
the cores): read them as an order of magnitude, and compare push and polling within one run.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import gc
import json
import os
import random
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("HUZHU_BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
PREFIX = "bench-rt"
QUERY = "subscription($r: ID!) { taskChanged(regionId: $r) { taskId status slotsLeft kind } }"
POLL = "{ myNotifications(first: 1) { edges { node { title } } } }"
COMMUNITIES_PER_STREET = 16  # 4 streets × 16 communities: a district of 64 communities


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huzhu.settings")
    import django

    django.setup()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url() -> str:
    from urllib.parse import quote

    from django.db import connection

    d = connection.settings_dict
    auth = quote(d["USER"] or "") + (":" + quote(d["PASSWORD"]) if d["PASSWORD"] else "")
    host = d["HOST"] or ""
    if host.startswith("/"):
        return f"postgresql://{auth}@/{d['NAME']}?host={quote(host)}" + (f"&port={d['PORT']}" if d["PORT"] else "")
    return f"postgresql://{auth}@{host}:{d['PORT'] or 5432}/{d['NAME']}"


# --- data ---------------------------------------------------------------------------------------------------------


def cleanup() -> None:
    from django.contrib.sessions.models import Session

    from huzhu.people.models import User
    from huzhu.regions.models import Region

    Session.objects.filter(session_key__startswith="benchrt").delete()
    User.objects.filter(email__startswith=f"{PREFIX}-").delete()
    for region in Region.objects.filter(code__startswith=f"{PREFIX}-").order_by("-depth"):
        region.delete()


def make_data(clients: int, seed: int) -> dict[str, Any]:
    from datetime import timedelta

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from graphql_relay import to_global_id

    from huzhu.people.models import RoleGrant, User
    from huzhu.regions.services import region_insert

    rng = random.Random(seed)
    district = region_insert(name="基准区", code=f"{PREFIX}-d", level="district", parent=None)
    streets, communities = [], []
    for s in range(4):
        street = region_insert(name=f"基准街道{s}", code=f"{PREFIX}-s{s}", level="street", parent=district)
        streets.append(street)
        for c in range(COMMUNITIES_PER_STREET):
            communities.append(region_insert(
                name=f"基准社区{s}-{c}", code=f"{PREFIX}-s{s}-c{c}", level="community", parent=street
            ))
    password = make_password(None)
    users = User.objects.bulk_create([
        User(email=f"{PREFIX}-{i}@bench.huzhu", username=f"{PREFIX}-{i}@bench.huzhu", password=password)
        for i in range(clients)
    ])
    plan, grants, sessions = [], [], []
    store = SessionStore()
    expire = timezone.now() + timedelta(days=1)
    for i, user in enumerate(users):
        roll = rng.random()
        if roll < 0.01:
            level, region, role, grant_at = "district", district, "administrator", district
        elif roll < 0.10:
            street = rng.choice(streets)
            level, region, role, grant_at = "street", street, "volunteer", street
        else:
            community = rng.choice(communities)
            level, region, role, grant_at = "community", community, "volunteer", community.parent
        grants.append(RoleGrant(user=user, role=role, region=grant_at))
        key = f"benchrt{i:06d}{rng.getrandbits(64):016x}"
        data = {SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                HASH_SESSION_KEY: user.get_session_auth_hash()}
        sessions.append(Session(session_key=key, session_data=store.encode(data), expire_date=expire))
        plan.append({"user_id": user.pk, "cookie": key, "level": level, "path": region.path,
                     "region_gid": to_global_id("Region", str(region.pk))})
    RoleGrant.objects.bulk_create(grants)
    Session.objects.bulk_create(sessions)
    return {"clients": plan, "communities": [c.path for c in communities], "admin_user_id": users[0].pk}


# --- servers --------------------------------------------------------------------------------------------------


def start_servers(n: int, log_dir: Path) -> list[tuple[int, subprocess.Popen]]:
    env = {**os.environ, "DATABASE_URL": _database_url(), "REDIS_URL": REDIS_URL, "HUZHU_INPROCESS_WORKER": "0",
           "HUZHU_DB_POOL": os.environ.get("HUZHU_DB_POOL", "1"), "HUZHU_CHANNEL_PREFIX": f"huzhu-bench-{os.getpid()}",
           "HUZHU_RT_STATS_EVERY": "5", "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
           "HUZHU_WS_INIT_TIMEOUT": "30"}
    servers = []
    for i in range(n):
        port = _free_port()
        log = (log_dir / f"server{i}.log").open("w")
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "huzhu.asgi:application", "--host", "127.0.0.1", "--port", str(port),
             "--log-level", "warning", "--lifespan", "off", "--backlog", "4096"],
            env=env, stdout=log, stderr=subprocess.STDOUT, cwd=str(ROOT),
        )
        servers.append((port, proc))
    deadline = time.monotonic() + 60
    for port, proc in servers:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server on {port} exited; see {log_dir}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("servers did not start") from None
                time.sleep(0.1)
    return servers


def cpu_seconds(procs: list[subprocess.Popen]) -> float:
    import psutil

    total = 0.0
    for proc in procs:
        times = psutil.Process(proc.pid).cpu_times()
        total += times.user + times.system
    return total


# --- clients ----------------------------------------------------------------------------------------------------


class Client:
    """One subscriber. aiohttp's websocket client (C frame parser) when installed, else `websockets`: the
    harness shares the two cores with the servers, so its cost per message matters."""

    session: Any = None  # one aiohttp ClientSession for all clients

    def __init__(self, spec: dict[str, Any], port: int) -> None:
        self.spec = spec
        self.port = port
        self.received: list[tuple[str, float]] = []
        self.conn: Any = None
        self.task: asyncio.Task | None = None

    async def connect(self) -> None:
        url = f"ws://127.0.0.1:{self.port}/graphql"
        origin = f"http://127.0.0.1:{self.port}"
        cookie = {"Cookie": f"sessionid={self.spec['cookie']}"}
        subscribe = json.dumps({"id": "1", "type": "subscribe",
                                "payload": {"query": QUERY, "variables": {"r": self.spec["region_gid"]}}})
        if Client.session is not None:
            self.conn = await Client.session.ws_connect(
                url, protocols=("graphql-transport-ws",), origin=origin, headers=cookie, autoping=True,
                heartbeat=None, max_msg_size=0,
            )
            await self.conn.send_str('{"type":"connection_init"}')
            assert json.loads(await self.conn.receive_str())["type"] == "connection_ack"
            await self.conn.send_str(subscribe)
            await self.conn.send_str('{"type":"ping"}')
            reply = json.loads(await self.conn.receive_str())
        else:
            import websockets

            self.conn = await websockets.connect(
                url, subprotocols=["graphql-transport-ws"], origin=origin, additional_headers=cookie,
                open_timeout=60, ping_interval=None, max_queue=None,
            )
            await self.conn.send('{"type":"connection_init"}')
            assert json.loads(await self.conn.recv())["type"] == "connection_ack"
            await self.conn.send(subscribe)
            await self.conn.send('{"type":"ping"}')
            reply = json.loads(await self.conn.recv())
        assert reply == {"type": "pong"}, reply  # the subscription is live (see consumer.py)
        self.task = asyncio.ensure_future(self.listen())

    async def listen(self) -> None:
        received = self.received
        try:
            async for message in self.conn:
                now = time.time()
                raw = message.data if Client.session is not None else message
                if not isinstance(raw, str):
                    continue
                # {"id":"1","type":"next","payload":{"data":{"taskChanged":{"taskId":"..."
                start = raw.find('"taskId":"')
                if start >= 0:
                    received.append((raw[start + 10:raw.index('"', start + 10)], now))
        except Exception:
            pass

    async def close(self) -> None:
        if self.conn is not None:
            await self.conn.close()


def _task_id(global_id: str) -> int:
    return int(base64.b64decode(global_id).decode().split(":")[1])


async def connect_all(clients: list[Client], concurrency: int = 100) -> float:
    started = time.monotonic()
    queue = list(clients)

    async def worker() -> None:
        while queue:
            client = queue.pop()
            for attempt in range(3):
                try:
                    await client.connect()
                    break
                except Exception:
                    if attempt == 2:
                        raise
                    await asyncio.sleep(0.5)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.monotonic() - started


# --- producer (a separate process: a service writing and publishing, as the platform does) ----------------------


def produce(mode: str, rate: float, seconds: float, plan_file: Path, out_file: Path, seed: int,
            threads: int = 8) -> None:
    """RATE events/s for SECONDS, from THREADS threads (as several request threads of a server would)."""
    import threading

    _django()
    from django.db import connection, transaction

    from huzhu.people.models import User
    from huzhu.realtime import events, services

    plan = json.loads(plan_file.read_text())
    targets = [c["user_id"] for c in plan["clients"]]
    base = plan["task_base"]
    sent: dict[str, Any] = {}
    interval = threads / rate
    start = time.monotonic() + 0.2
    counts = [0] * threads

    def run(k: int) -> None:
        rng = random.Random(seed * 100 + k)
        writer = User.objects.get(pk=plan["admin_user_id"])
        n = 0
        while True:
            due = start + n * interval + k * interval / threads
            if due - start >= seconds:
                break
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            n += 1
            task_id = base + n * threads + k
            if mode == "push":
                path = rng.choice(plan["communities"])
                with transaction.atomic():
                    services.notify(user=writer, kind="bench", title=f"bench {task_id}")  # a real write
                    events.task_changed(task_id=task_id, region_path=path, status="open", slots_left=n % 5,
                                        kind="claimed")
                    t0 = time.time()
                # t1: COMMIT done and the event PUBLISHed (on_commit runs inside the atomic block's exit)
                sent[str(task_id)] = {"t0": t0, "t1": time.time(), "path": path}
            else:
                user_id = rng.choice(targets)
                with transaction.atomic():
                    services.notify(user=User(pk=user_id), kind="bench", title=f"bench {task_id}")
                    t0 = time.time()
                sent[str(task_id)] = {"t0": t0, "user_id": user_id}
        counts[k] = n
        connection.close()

    workers = [threading.Thread(target=run, args=(k,)) for k in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.monotonic() - start
    out_file.write_text(json.dumps({"sent": sent, "achieved_rate": sum(counts) / elapsed}))


def run_producer(mode: str, rate: float, seconds: float, plan_file: Path, tmp: Path, seed: int) -> subprocess.Popen:
    out = tmp / f"produced-{mode}.json"
    env = {**os.environ, "REDIS_URL": REDIS_URL, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
           "HUZHU_CHANNEL_PREFIX": f"huzhu-bench-{os.getpid()}"}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.bench.bench_realtime", "--produce", mode, "--rate", str(rate),
         "--push-seconds", str(seconds), "--plan", str(plan_file), "--out", str(out), "--seed", str(seed)],
        env=env, cwd=str(ROOT),
    )


# --- polling baseline -------------------------------------------------------------------------------------------


async def poll_phase(plan: dict[str, Any], ports: list[int], seconds: float) -> dict[str, Any]:
    import httpx

    seen: dict[int, float] = {}  # task id → first time a poll showed it
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=len(plan["clients"]), max_keepalive_connections=len(plan["clients"]))
    https = [httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30, limits=limits) for port in ports]
    stop = time.monotonic() + seconds

    async def poller(spec: dict[str, Any], http: Any, offset: float) -> None:
        nonlocal errors
        headers = {"Cookie": f"sessionid={spec['cookie']}"}
        await asyncio.sleep(offset)
        while time.monotonic() < stop:
            tick = time.monotonic()
            try:
                response = await http.post("/graphql", json={"query": POLL}, headers=headers)
                latencies.append(time.monotonic() - tick)
                edges = response.json()["data"]["myNotifications"]["edges"]
                if edges and edges[0]["node"]["title"].startswith("bench "):
                    task_id = int(edges[0]["node"]["title"].split()[1])
                    seen.setdefault(task_id, time.time())
            except Exception:
                errors += 1
            await asyncio.sleep(max(0.0, 1.0 - (time.monotonic() - tick)))

    try:
        await asyncio.gather(*(
            poller(spec, https[i % len(https)], (i % 100) / 100) for i, spec in enumerate(plan["clients"])
        ))
    finally:
        for http in https:
            await http.aclose()
    return {"seen": seen, "latencies": latencies, "errors": errors}


async def _watch_harness_loop(lags: list[float]) -> None:
    while True:
        before = time.perf_counter()
        await asyncio.sleep(0.01)
        lags.append((time.perf_counter() - before - 0.01) * 1000)


def server_lags(log: Path) -> dict[str, Any]:
    """The last "realtime lags" line a server logged (hub.py, HUZHU_RT_STATS_EVERY): per-stage percentiles."""
    found: dict[str, Any] = {}
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("realtime lags: "):
            found = json.loads(line[len("realtime lags: "):])
    return found


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


# --- main -------------------------------------------------------------------------------------------------------


async def bench(args: argparse.Namespace) -> dict[str, Any]:
    from asgiref.sync import sync_to_async

    seed = args.seed
    tmp = Path(tempfile.mkdtemp(prefix="bench-rt-"))
    report: dict[str, Any] = {"clients": args.clients, "rate": args.rate, "processes": 2}
    await sync_to_async(cleanup)()
    plan = await sync_to_async(make_data)(args.clients, seed)
    plan["task_base"] = random.Random(seed).randrange(10**9, 2 * 10**9)
    plan_file = tmp / "plan.json"
    plan_file.write_text(json.dumps(plan))
    servers = start_servers(2, tmp)
    procs = [p for _, p in servers]
    clients = [Client(spec, servers[i % 2][0]) for i, spec in enumerate(plan["clients"])]
    try:
        import aiohttp

        Client.session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
    except ImportError:
        Client.session = None
    try:
        report["connect_seconds"] = round(await connect_all(clients), 1)
        # The harness stands for 1,000 separate browsers: its own full GC passes over 1,000 connections' objects
        # would stall every client at once and be counted as delivery latency. Freeze what exists now (the
        # connections live until the end), and report the harness's loop lateness beside the latencies.
        gc.collect()
        gc.freeze()
        harness_lags: list[float] = []
        watcher = asyncio.ensure_future(_watch_harness_loop(harness_lags))

        # idle: the connections open and subscribed, nothing happening
        await asyncio.sleep(2)
        c0, w0 = cpu_seconds(procs), time.monotonic()
        await asyncio.sleep(args.idle_seconds)
        report["idle_cpu_percent"] = round(100 * (cpu_seconds(procs) - c0) / (time.monotonic() - w0), 1)

        # push
        c0, w0, h0 = cpu_seconds(procs), time.monotonic(), time.process_time()
        producer = run_producer("push", args.rate, args.push_seconds, plan_file, tmp, seed)
        await asyncio.get_running_loop().run_in_executor(None, producer.wait)
        await asyncio.sleep(5)  # drain
        report["push_cpu_percent"] = round(100 * (cpu_seconds(procs) - c0) / (time.monotonic() - w0), 1)
        report["harness_cpu_percent"] = round(100 * (time.process_time() - h0) / (time.monotonic() - w0), 1)
        produced = json.loads((tmp / "produced-push.json").read_text())
        sent = {int(k): v for k, v in produced["sent"].items()}
        followers: dict[str, int] = {}
        for spec in plan["clients"]:
            followers[spec["path"]] = followers.get(spec["path"], 0) + 1
        expected = 0
        for event in sent.values():
            path = event["path"]
            expected += sum(n for p, n in followers.items() if path.startswith(p))
        latencies, received, stray = [], 0, 0
        for client in clients:
            got = set()
            for gid, t in client.received:
                task_id = _task_id(gid)
                event = sent.get(task_id)
                if event is None or not event["path"].startswith(client.spec["path"]) or task_id in got:
                    stray += 1
                    continue
                got.add(task_id)
                received += 1
                latencies.append((t - event["t0"]) * 1000)
        commit_publish = [(v["t1"] - v["t0"]) * 1000 for v in sent.values()]
        report["stages"] = {
            "commit_publish_ms": {"p50": round(pct(commit_publish, 50), 1), "p99": round(pct(commit_publish, 99), 1),
                                  "max": round(max(commit_publish), 1)},
            "servers": [server_lags(tmp / f"server{i}.log") for i in range(len(servers))],
        }
        watcher.cancel()
        report["stages"]["harness_loop_late_ms"] = {"p50": round(pct(harness_lags, 50), 1),
                                                   "p99": round(pct(harness_lags, 99), 1),
                                                   "max": round(max(harness_lags, default=0), 1)}
        report["push"] = {
            "events": len(sent), "achieved_rate": round(produced["achieved_rate"], 1),
            "expected_deliveries": expected, "received": received, "lost": expected - received,
            "stray_or_duplicate": stray,
            "p50_ms": round(pct(latencies, 50), 1), "p99_ms": round(pct(latencies, 99), 1),
            "max_ms": round(max(latencies), 1) if latencies else None,
        }
        await asyncio.gather(*(client.close() for client in clients))

        # polling baseline (--poll-seconds 0 skips it, for quick comparisons of push variants)
        if args.poll_seconds <= 0:
            return report
        c0, w0 = cpu_seconds(procs), time.monotonic()
        producer = run_producer("poll", args.rate, args.poll_seconds, plan_file, tmp, seed + 1)
        polled = await poll_phase(plan, [p for p, _ in servers], args.poll_seconds + 1)
        await asyncio.get_running_loop().run_in_executor(None, producer.wait)
        report_cpu = 100 * (cpu_seconds(procs) - c0) / (time.monotonic() - w0)
        produced = json.loads((tmp / "produced-poll.json").read_text())
        detect = [
            (polled["seen"][int(k)] - v["t0"]) * 1000 for k, v in produced["sent"].items() if int(k) in polled["seen"]
        ]
        report["poll"] = {
            "requests": len(polled["latencies"]),
            "requests_per_second": round(len(polled["latencies"]) / (args.poll_seconds + 1), 1),
            "errors": polled["errors"], "server_cpu_percent": round(report_cpu, 1),
            "response_p50_ms": round(pct([x * 1000 for x in polled["latencies"]], 50), 1),
            "response_p99_ms": round(pct([x * 1000 for x in polled["latencies"]], 99), 1),
            "events": len(produced["sent"]), "detected": len(detect),
            "detect_p50_ms": round(pct(detect, 50), 1), "detect_p99_ms": round(pct(detect, 99), 1),
        }
    finally:
        await asyncio.gather(*(client.close() for client in clients), return_exceptions=True)
        if Client.session is not None:
            await Client.session.close()
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        await sync_to_async(cleanup)()
    return report


def print_report(r: dict[str, Any], wall: float) -> None:
    push, poll = r["push"], r.get("poll")
    print(f"realtime: {r['clients']} websocket clients on {r['processes']} uvicorn processes + Redis "
          f"(connected in {r['connect_seconds']} s), {push['events']} events at {push['achieved_rate']}/s")
    print(f"  push    commit→receipt p50 {push['p50_ms']} ms  p99 {push['p99_ms']} ms  max {push['max_ms']} ms  "
          f"(goal p99 < 250 ms: {'met' if push['p99_ms'] < 250 else 'NOT met'})")
    print(f"          deliveries {push['received']}/{push['expected_deliveries']}  lost {push['lost']}  "
          f"stray/duplicate {push['stray_or_duplicate']}  server CPU {r['push_cpu_percent']} %  "
          f"(client harness {r['harness_cpu_percent']} %)")
    stages = r.get("stages", {})
    if stages:
        c = stages["commit_publish_ms"]
        h = stages.get("harness_loop_late_ms", {})
        print(f"  stages  producer COMMIT+PUBLISH p50 {c['p50']} ms  p99 {c['p99']} ms  max {c['max']} ms;  harness "
              f"loop late p50 {h.get('p50')} p99 {h.get('p99')} max {h.get('max')} ms")
        for i, lags in enumerate(stages["servers"]):
            parts = "  ".join(f"{k} p50 {v['p50']} p99 {v['p99']} max {v['max']} (n {v['n']})"
                              for k, v in lags.items())
            print(f"          server{i} (ms from commit; loop/gc/grant_wait as durations): {parts}")
    print(f"  idle    server CPU with {r['clients']} connections subscribed: {r['idle_cpu_percent']} % (of one core)")
    if poll is None:
        print(f"  (polling baseline skipped; total {wall:.0f} s)")
        return
    print(f"  polling {r['clients']} clients × 1/s: {poll['requests_per_second']} req/s served, "
          f"response p50 {poll['response_p50_ms']} ms p99 {poll['response_p99_ms']} ms, errors {poll['errors']}, "
          f"server CPU {poll['server_cpu_percent']} %")
    print(f"          change detected p50 {poll['detect_p50_ms']} ms  p99 {poll['detect_p99_ms']} ms "
          f"({poll['detected']}/{poll['events']} events seen)")
    print(f"  (2 shared cores: client, producer, Redis, PostgreSQL and both servers compete; numbers are noisy; "
          f"total {wall:.0f} s)")


def bench_database_url() -> str:
    """A database of its own on the configured server (created once, migrated on each run): the benchmark
    never writes into the development database."""
    from urllib.parse import urlparse, urlunparse

    import psycopg

    from huzhu import settings as huzhu_settings  # the module only: computes DATABASE_URL, starts embedded PG

    base = urlparse(huzhu_settings.DATABASE_URL)
    name = os.environ.get("HUZHU_BENCH_RT_DB", "huzhu_bench_realtime")
    admin = urlunparse(base._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return urlunparse(base._replace(path="/" + name))


def main(argv: list[str] | None = None) -> dict[str, Any] | None:
    parser = argparse.ArgumentParser(prog="bench_realtime")
    parser.add_argument("--clients", type=int, default=int(os.environ.get("HUZHU_BENCH_RT_CLIENTS", "1000")))
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--idle-seconds", type=float, default=8.0)
    parser.add_argument("--push-seconds", type=float, default=20.0)
    parser.add_argument("--poll-seconds", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="print the report as JSON too")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--produce", choices=["push", "poll"], help=argparse.SUPPRESS)
    parser.add_argument("--plan", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    argv = list(argv or [])
    args = parser.parse_args(argv)
    if args.produce:
        produce(args.produce, args.rate, args.push_seconds, Path(args.plan), Path(args.out), args.seed)
        return None
    if not args.inner:
        # Run in a process of its own, on the benchmark's own database.
        env = {**os.environ, "DATABASE_URL": bench_database_url(), "HUZHU_INPROCESS_WORKER": "0",
               "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        code = subprocess.run([sys.executable, "-m", "tests.bench.bench_realtime", "--inner", *argv], env=env,
                              cwd=str(ROOT), timeout=600).returncode
        if code:
            raise SystemExit(code)
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 8192)), hard))
    _django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.monotonic()
    report = asyncio.run(bench(args))
    print_report(report, time.monotonic() - started)
    if args.json:
        print(json.dumps(report))
    return report


if __name__ == "__main__":
    main(sys.argv[1:])
