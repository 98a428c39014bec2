"""The docker compose stack: postgres 16, redis 7, two web processes, one worker, nginx for HTTP and websockets."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

DOCKER = Path(__file__).resolve().parents[2] / "docker"
COMPOSE = DOCKER / "compose.yaml"


def _compose_cli() -> list[str] | None:
    """`docker compose` (v2 plugin) or `docker-compose` (standalone), if one of them works here and speaks the
    Compose Specification (v2 or later: v1.29 refuses the top-level `name`)."""
    candidates = []
    if shutil.which("docker"):
        candidates.append(["docker", "compose"])
    if shutil.which("docker-compose"):
        candidates.append(["docker-compose"])
    for cli in candidates:
        try:
            done = subprocess.run([*cli, "version"], capture_output=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            continue
        version = re.search(rb"(\d+)\.\d+", done.stdout)
        if done.returncode == 0 and version and int(version.group(1)) >= 2:
            return cli
    return None


def test_it_parses_with_docker_compose_config() -> None:
    cli = _compose_cli()
    if cli is None:
        pytest.skip("no working docker compose v2 CLI here (`docker compose version` failed or docker is absent)")
    # config only resolves and validates the file: no engine is needed
    done = subprocess.run([*cli, "-f", str(COMPOSE), "config", "--quiet"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def stack() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())


def test_it_runs_two_web_processes_one_worker_and_a_proxy(stack: dict[str, Any]) -> None:
    services = stack["services"]
    assert {"postgres", "redis", "web1", "web2", "worker", "proxy", "migrate"} <= set(services)
    assert services["postgres"]["image"] == "postgres:16"
    assert services["redis"]["image"].startswith("redis:7")
    for web in ("web1", "web2"):
        command = services[web]["command"]
        assert command[:2] == ["huzhu", "serve"] and "0.0.0.0" in command
    assert services["worker"]["command"] == ["huzhu", "procrastinate", "worker"]


def test_it_points_every_process_at_postgres_and_redis_without_an_inprocess_worker(stack: dict[str, Any]) -> None:
    for name in ("web1", "web2", "worker", "migrate"):
        env = stack["services"][name]["environment"]
        assert env["DATABASE_URL"].startswith("postgresql://") and "@postgres:5432/" in env["DATABASE_URL"]
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        assert env["HUZHU_INPROCESS_WORKER"] == "0"
        assert env["HUZHU_ENV"] == "production"


def test_it_proxies_http_and_websockets_to_both_web_processes(stack: dict[str, Any]) -> None:
    proxy = stack["services"]["proxy"]
    mounted = [v.split(":")[0] for v in proxy["volumes"]]
    conf = (DOCKER / mounted[0].removeprefix("./")).read_text()
    assert "server web1:8000" in conf and "server web2:8000" in conf
    assert "proxy_set_header Upgrade $http_upgrade" in conf
    assert "proxy_set_header Connection $connection_upgrade" in conf


def test_it_builds_the_image_from_the_repository_root() -> None:
    dockerfile = (DOCKER / "Dockerfile").read_text()
    assert "FROM python:3.11" in dockerfile
    assert "pip install" in dockerfile and "COPY platform/" in dockerfile and "COPY ledger/" in dockerfile
    assert "npm run build" in dockerfile
