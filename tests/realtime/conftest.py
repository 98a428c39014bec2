"""Real servers for the realtime tests: uvicorn subprocesses on free loopback ports, on the test database.

pytest-django's test database is visible to another process only for committed data, so the websocket tests
use `@pytest.mark.django_db(transaction=True)`; the servers get DATABASE_URL pointing at the test database.
Two servers share Redis (REDIS_URL, database 11) so that cross-process delivery is tested; the test process
itself publishes through the same Redis (fixture `redis_layer`), as a service in another process would.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import websockets

REDIS_URL = os.environ.get("HUZHU_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")
# Redis pub/sub is global across database numbers: each test session publishes under its own prefix, so two
# runs at once (a developer and CI) never hear each other's events.
CHANNEL_PREFIX = f"huzhu-test-{os.getpid()}"
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    from django.db import connection

    d = connection.settings_dict
    auth = quote(d["USER"] or "") + (":" + quote(d["PASSWORD"]) if d["PASSWORD"] else "")
    host = d["HOST"] or ""
    if host.startswith("/"):
        port = f"&port={d['PORT']}" if d["PORT"] else ""
        return f"postgresql://{auth}@/{d['NAME']}?host={quote(host)}{port}"
    return f"postgresql://{auth}@{host}:{d['PORT'] or 5432}/{d['NAME']}"


@dataclass
class Server:
    port: int
    proc: subprocess.Popen
    log: Path

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql"

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def alive(self) -> bool:
        return self.proc.poll() is None


def start_server(name: str, env_extra: dict[str, str], tmp: Path) -> Server:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "HUZHU_WS_INIT_TIMEOUT": "1",
        "HUZHU_WS_MAX_SUBSCRIPTIONS": "5",
        "HUZHU_INPROCESS_WORKER": "0",
        "HUZHU_CHANNEL_PREFIX": CHANNEL_PREFIX,
        "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
        **env_extra,
    }
    env.pop("HUZHU_TEST_DB", None)
    log = tmp / f"{name}.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "huzhu.asgi:application", "--host", "127.0.0.1", "--port", str(port),
         "--ws-max-size", str(512 * 1024), "--log-level", "warning", "--lifespan", "off"],
        env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, cwd=str(ROOT),
    )
    deadline = time.monotonic() + 180  # a loaded 2-core machine has taken over a minute to import Django
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server {name} exited:\n{log.read_text()[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return Server(port, proc, log)
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"server {name} did not start:\n{log.read_text()[-3000:]}")


def stop_server(server: Server) -> None:
    server.proc.terminate()
    try:
        server.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.proc.kill()


@pytest.fixture(scope="session")
def servers(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Any:
    """Two uvicorn processes sharing Redis, and one on the in-memory channel layer."""
    tmp = tmp_path_factory.mktemp("servers")
    with django_db_blocker.unblock():
        started = {
            # a 1 s init timeout (the 4408 test, on "memory") also hit tests that open a socket and then make
            # another user's login session before sending connection_init, on a loaded machine
            "a": start_server("a", {"REDIS_URL": REDIS_URL, "HUZHU_WS_INIT_TIMEOUT": "10"}, tmp),
            "b": start_server("b", {"REDIS_URL": REDIS_URL, "HUZHU_WS_INIT_TIMEOUT": "10"}, tmp),
            "memory": start_server("memory", {"REDIS_URL": ""}, tmp),
        }
    yield started
    for server in started.values():
        stop_server(server)


@pytest.fixture
def server_a(servers: dict[str, Server]) -> Server:
    return servers["a"]


@pytest.fixture
def server_b(servers: dict[str, Server]) -> Server:
    return servers["b"]


@pytest.fixture
def server_memory(servers: dict[str, Server]) -> Server:
    return servers["memory"]


@pytest.fixture
def redis_layer(settings: Any) -> None:
    """Publish from this test process through the servers' Redis, like a service in another process."""
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {  # what huzhu.settings chooses with REDIS_URL set
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 15}], "prefix": CHANNEL_PREFIX},
        }
    }
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def session_cookie(user: Any) -> str:
    """A committed login session for `user`: its key is the session cookie and the allauth session token."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


async def make_cookie_async(user: Any) -> str:
    from channels.db import database_sync_to_async

    return await database_sync_to_async(session_cookie)(user)


def region_id(region: Any) -> str:
    from graphql_relay import to_global_id

    return to_global_id("Region", str(region.pk))


NODE_DIR = Path(__file__).resolve().parent / "node"


@pytest.fixture(scope="session")
def node_modules() -> Path:
    """`npm ci` once (from the lockfile) unless node_modules is already up to date."""
    import shutil

    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.fail("node and npm are needed for the graphql-ws interoperability test")
    stamp = NODE_DIR / "node_modules" / ".package-lock.json"
    lock = NODE_DIR / "package-lock.json"
    if not stamp.exists() or stamp.stat().st_mtime < lock.stat().st_mtime:
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=NODE_DIR, check=True,
                       timeout=300)
    return NODE_DIR / "node_modules"


@pytest.fixture
def node_client(node_modules: Path) -> Any:
    """Start node tests/realtime/node/client.mjs (graphql-ws's createClient) against a server."""

    async def start(server: Server, cookie: str, query: str, variables: dict, events_wanted: int = 1) -> Any:
        env = {
            **os.environ, "HUZHU_WS_URL": server.ws_url, "HUZHU_ORIGIN": server.origin, "HUZHU_COOKIE": cookie,
            "HUZHU_QUERY": query, "HUZHU_VARIABLES": json.dumps(variables), "HUZHU_EVENTS": str(events_wanted),
        }
        return await asyncio.create_subprocess_exec(
            "node", str(NODE_DIR / "client.mjs"), env=env, cwd=str(NODE_DIR),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )

    return start


class WS:
    """A graphql-transport-ws client over the `websockets` package, for asserting the protocol exactly."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    @classmethod
    async def open(cls, server: Server, *, cookie: str | None = None, subprotocol: bool = True) -> WS:
        headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
        conn = await websockets.connect(
            server.ws_url, subprotocols=["graphql-transport-ws"] if subprotocol else None,
            origin=server.origin, additional_headers=headers, max_size=None, open_timeout=10,
        )
        return cls(conn)

    async def send(self, message: Any) -> None:
        await self.conn.send(message if isinstance(message, str) else json.dumps(message))

    async def recv(self, timeout: float = 10.0) -> dict[str, Any]:
        return json.loads(await asyncio.wait_for(self.conn.recv(), timeout))

    async def init(self, payload: dict | None = None) -> None:
        await self.send({"type": "connection_init", **({"payload": payload} if payload is not None else {})})
        assert await self.recv() == {"type": "connection_ack"}

    async def subscribe(self, op_id: str, query: str, variables: dict | None = None) -> None:
        """Subscribe, then ping: the pong proves the server has registered the subscription."""
        await self.send({"id": op_id, "type": "subscribe", "payload": {"query": query, "variables": variables or {}}})
        await self.send({"type": "ping"})
        message = await self.recv(timeout=30)  # a first subscription on a loaded CI machine can take seconds
        assert message == {"type": "pong"}, message

    async def closed_with(self, timeout: float = 5.0) -> tuple[int | None, str]:
        try:
            while True:
                await asyncio.wait_for(self.conn.recv(), timeout)
        except websockets.ConnectionClosed as exc:
            return (exc.rcvd.code if exc.rcvd else None), (exc.rcvd.reason if exc.rcvd else "")

    async def nothing_within(self, seconds: float) -> bool:
        try:
            message = await asyncio.wait_for(self.conn.recv(), seconds)
        except TimeoutError:
            return True
        raise AssertionError(f"unexpected message {message}")

    async def close(self) -> None:
        await self.conn.close()


@pytest.fixture
async def ws_factory() -> Any:
    """Open graphql-transport-ws clients; all are closed after the test, so that the servers drop their
    subscriptions (and stop reading those users' grants) before the test database is flushed."""
    opened: list[WS] = []

    async def factory(server: Server, **kwargs: Any) -> WS:
        client = await WS.open(server, **kwargs)
        opened.append(client)
        return client

    yield factory
    for client in opened:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.close(), 5)
    if opened:
        await asyncio.sleep(0.3)
