"""The README's first command works on a fresh clone: `make run` migrates an embedded PostgreSQL of its own,
loads the demo, and serves /healthz, /graphql, /admin and the web app on a free port.

To stay quick it reuses the virtualenv this test runs in (VENV=..., which the Makefile honours by running the
clone's code with it instead of installing) and skips the web-app build (HUZHU_SKIP_FRONTEND=1; `make e2e`
builds and tests it). Everything else is what a person gets from `git clone` and `make run`.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from huzhu.core.demo import DEMO_PASSWORD

REPO = Path(__file__).resolve().parents[2]
HEALTHY_WITHIN = 240  # seconds from `make run` to a healthy /healthz (measured: 18 s idle, 92 s on a busy machine)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop make and everything it started (its process group): SIGINT like Ctrl-C, then harder."""
    for sig, wait in ((signal.SIGINT, 15), (signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        if process.poll() is not None:
            break
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(wait)
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    # one fresh clone served for the tests of this module
    tmp_path = tmp_path_factory.mktemp("run")
    clone = tmp_path / "huzhu"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True, timeout=120)
    port = _free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "REDIS_URL", "HUZHU_DATA_DIR", "HUZHU_TEST_DB", "HUZHU_ROOT",
                        "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "DJANGO_SETTINGS_MODULE", "PYTHONPATH"}}
    log_path = tmp_path / "make-run.log"
    started = time.monotonic()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            ["make", "run", f"PORT={port}", f"VENV={sys.prefix}", "HUZHU_SKIP_FRONTEND=1"],
            cwd=clone, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        healthy_after = None
        while time.monotonic() - started < HEALTHY_WITHIN:
            if process.poll() is not None:
                pytest.fail(f"make run exited with {process.returncode}:\n{log_path.read_text()[-5000:]}")
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    healthy_after = time.monotonic() - started
                    break
            except httpx.TransportError:
                pass
            time.sleep(1)
        if healthy_after is None:
            pytest.fail(f"/healthz not healthy within {HEALTHY_WITHIN}s:\n{log_path.read_text()[-5000:]}")
        print(f"make run on a fresh clone: healthy after {healthy_after:.1f}s")
        yield {"base": base, "clone": clone, "log": log_path, "healthy_after": healthy_after}
    finally:
        _stop(process)
        from huzhu.embedded_pg import stop_embedded

        stop_embedded(clone / ".data" / "pg")


@pytest.mark.slow
def test_it_serves_the_platform_from_a_fresh_clone(served: dict[str, Any]) -> None:
    base = served["base"]
    with httpx.Client(base_url=base, timeout=30) as client:
        # /healthz says the database answers
        assert client.get("/healthz").json() == {"status": "ok", "database": True}

        # /graphql answers a POSTed query, and shows GraphiQL to a browser
        response = client.post("/graphql", json={"query": "{ me { email } }"})
        assert response.status_code == 200, response.text
        assert response.json() == {"data": {"me": None}}
        graphiql = client.get("/graphql", headers={"Accept": "text/html"})
        assert graphiql.status_code == 200 and "graphiql" in graphiql.text.lower()

        # the web app's root, Django admin and allauth's pages are served
        root = client.get("/")
        assert root.status_code == 200 and "互助" in root.text
        assert client.get("/admin/login/").status_code == 200
        assert client.get("/accounts/login/").status_code == 200

        # the demo was loaded: its administrator logs in through the headless API, and /graphql knows her
        client.get("/_allauth/browser/v1/auth/session")
        login = client.post(
            "/_allauth/browser/v1/auth/login",
            json={"email": "admin@huzhu.demo", "password": DEMO_PASSWORD},
            headers={"X-CSRFToken": client.cookies["csrftoken"]},
        )
        assert login.status_code == 200, login.text
        data = client.post("/graphql", json={"query": "{ me { email } regions(level: street) { name } }"}).json()
        assert data["data"]["me"] == {"email": "admin@huzhu.demo"}
        assert len(data["data"]["regions"]) == 3

    # and the log says the demo was loaded (a second `make run` would say nothing changed)
    assert "demo data loaded" in served["log"].read_text()


@pytest.mark.slow
def test_it_runs_the_demo_step_of_make_run_again_as_a_no_op(served: dict[str, Any]) -> None:
    # given a clone that `make run` has set up and is serving
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "HUZHU_DATA_DIR", "HUZHU_TEST_DB", "MAKEFLAGS", "MAKELEVEL", "PYTHONPATH"}}
    # when `make demo` runs again beside it
    done = subprocess.run(["make", "demo", f"VENV={sys.prefix}"], cwd=served["clone"], env=env,
                          capture_output=True, text=True, timeout=300)
    # then it changes nothing, and says so
    assert done.returncode == 0, done.stdout + done.stderr
    assert "already loaded: nothing changed" in done.stdout


@pytest.mark.slow
def test_it_runs_jobs_in_the_serving_process(served: dict[str, Any]) -> None:
    # given the clone being served by `make run` (with the job worker inside `huzhu serve`)
    clone = served["clone"]
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "HUZHU_DATA_DIR", "HUZHU_TEST_DB", "DJANGO_SETTINGS_MODULE"}}
    env["PYTHONPATH"] = f"{clone / 'platform'}:{clone}"
    huzhu = str(Path(sys.prefix) / "bin" / "huzhu")
    # when a job is deferred from another process
    done = subprocess.run([huzhu, "procrastinate", "defer", "huzhu.core.ping", '{"note": "from the test"}'],
                          cwd=clone, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    # then the worker inside the server runs it
    status = ""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        check = subprocess.run(
            [huzhu, "shell", "-v", "0", "-c", "from procrastinate.contrib.django.models import ProcrastinateJob as J; "
             "print(*J.objects.filter(args__note='from the test').values_list('status', flat=True))"],
            cwd=clone, env=env, capture_output=True, text=True, timeout=120,
        )
        status = (check.stdout.strip().splitlines() or [""])[-1]
        if status == "succeeded":
            break
        time.sleep(1)
    assert status == "succeeded", check.stdout + check.stderr
