"""The embedded PostgreSQL 16 (from the pgserver wheel) used when DATABASE_URL is not set.

pgserver ships real PostgreSQL binaries inside a wheel, so a fresh machine needs nothing but pip to run the
platform and its tests on a real database. The server listens on a Unix socket under .data/pg and keeps
running after the process that started it exits (cleanup_mode=None), so `make run`, `make test` and the
benchmark share one server and start in about a second after the first time.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from urllib.parse import parse_qs, urlparse


def embedded_database_url(data_dir: Path) -> str:
    """Start (or reuse) the embedded server and return a libpq URL for it."""
    warnings.filterwarnings("ignore", module="platformdirs")
    os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp")
    import pgserver  # imported lazily: only the embedded default needs it

    data_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(str(data_dir), cleanup_mode=None)
    if _tune_once(server, data_dir):
        server.ensure_postgres_running()  # start again with the new settings
    return str(server.get_uri())


# initdb's defaults (100 connections, 128 MB shared buffers) are too small for concurrency tests with 50
# threads beside a running dev server and for the ledger benchmark; set once, then restart the server.
TUNING = {"max_connections": "400", "shared_buffers": "512MB", "max_wal_size": "2GB"}


def _tune_once(server: object, data_dir: Path) -> bool:
    marker = data_dir / ".huzhu-tuned"
    if marker.exists():
        return False
    from pgserver._commands import pg_ctl  # type: ignore[attr-defined]

    for name, value in TUNING.items():
        server.psql(f"ALTER SYSTEM SET {name} = '{value}';")  # type: ignore[attr-defined]
    pg_ctl(["-w", "stop", "-m", "fast"], pgdata=data_dir.resolve(), user=server.system_user)  # type: ignore[attr-defined]
    marker.write_text("tuned\n")
    return True


def stop_embedded(data_dir: Path) -> bool:
    """Stop the embedded server of `data_dir` if it runs (it outlives the commands that use it). True if stopped."""
    import subprocess

    pid_file = data_dir / "postmaster.pid"
    if not pid_file.exists():
        return False
    os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp")
    from pgserver._commands import pg_ctl  # type: ignore[attr-defined]

    # pgserver runs the server as the system user "pgserver" when started by root
    user = "pgserver" if hasattr(os, "geteuid") and os.geteuid() == 0 else None
    try:
        pg_ctl(["-w", "stop", "-m", "fast"], pgdata=data_dir.resolve(), user=user, timeout=60)
    except subprocess.CalledProcessError:
        return False  # not running (a stale pid file)
    return True


def parse_database_url(url: str) -> dict[str, object]:
    """A Django DATABASES entry from postgresql://user:pass@host:port/name?host=/socket/dir."""
    parts = urlparse(url)
    query = parse_qs(parts.query)
    host = query.get("host", [parts.hostname or ""])[0]
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": (parts.path or "/postgres").lstrip("/") or "postgres",
        "USER": parts.username or "",
        "PASSWORD": parts.password or "",
        "HOST": host,
        "PORT": str(parts.port or ""),
    }
