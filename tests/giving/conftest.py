"""Fixtures of the giving tests: localstripe on loopback, our server as a subprocess, households with needs.

localstripe (a fake Stripe API) runs from tests/giving/localstripe_runner.py: the same aiohttp app as the
`localstripe` command, but bound to 127.0.0.1 only and without its pickle file in /tmp (which parallel runs
would share). Our webhook receiver is `huzhu serve` on a free port against THIS run's test database, so
localstripe's signed webhooks really arrive over HTTP; tests that use it are transaction=True so that both
processes see committed rows.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

WEBHOOK_SECRET = "whsec_test_huzhu_giving"
STRIPE_KEY = "sk_test_huzhu"
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, *, timeout: float = 30.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{proc.args} exited with {proc.returncode}")
        try:
            httpx.get(url, timeout=1.0)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up in {timeout}s")


def sign(payload: str, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """Stripe's signature scheme: t=<unix>,v1=HMAC-SHA256(secret, "<t>.<payload>")."""
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def event_json(event_id: str, event_type: str, obj: dict[str, Any]) -> str:
    return json.dumps({"id": event_id, "object": "event", "type": event_type, "created": int(time.time()),
                       "api_version": "2017-08-15", "livemode": False, "data": {"object": obj}})


def intent_object(donation: Any, *, amount: int | None = None, currency: str = "cny") -> dict[str, Any]:
    return {"id": donation.stripe_payment_intent_id, "object": "payment_intent",
            "amount": donation.amount_fen if amount is None else amount, "currency": currency, "status": "succeeded",
            "metadata": {"donation_id": str(donation.pk)}, "latest_charge": "ch_test_" + str(donation.pk)}


def charge_object(donation: Any, *, amount_refunded: int) -> dict[str, Any]:
    return {"id": "ch_test_" + str(donation.pk), "object": "charge", "amount": donation.amount_fen,
            "amount_refunded": amount_refunded, "currency": "cny", "payment_intent": donation.stripe_payment_intent_id,
            "refunded": amount_refunded >= donation.amount_fen}


@pytest.fixture(scope="session")
def localstripe_url(tmp_path_factory: Any) -> Iterator[str]:
    port = free_port()
    log = (tmp_path_factory.mktemp("localstripe") / "localstripe.log").open("w")
    proc = subprocess.Popen([sys.executable, str(Path(__file__).with_name("localstripe_runner.py")), str(port)],
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url + "/v1/balance", proc=proc)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture
def stripe_on(settings: Any, localstripe_url: str) -> str:
    """Online payment on, against localstripe."""
    settings.STRIPE_SECRET_KEY = STRIPE_KEY
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_huzhu"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = localstripe_url
    return localstripe_url


@pytest.fixture
def stripe_off(settings: Any) -> None:
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_PUBLISHABLE_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""


def _database_url() -> str:
    from django.db import connection

    s = connection.settings_dict
    host = s["HOST"]
    netloc = f"{s['USER']}:{s['PASSWORD']}@" if s["PASSWORD"] else f"{s['USER']}@"
    if host.startswith("/"):
        return f"postgresql://{netloc}/{s['NAME']}?host={host}"
    return f"postgresql://{netloc}{host}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture(scope="session")
def webhook_server(django_db_setup: Any, django_db_blocker: Any, localstripe_url: str,
                   tmp_path_factory: Any) -> Iterator[str]:
    """`huzhu serve` on a free port against this run's test database; localstripe delivers webhooks to it."""
    with django_db_blocker.unblock():
        database_url = _database_url()
    port = free_port()
    log = (tmp_path_factory.mktemp("server") / "server.log").open("w")
    env = {k: v for k, v in os.environ.items() if k not in ("HUZHU_TEST_DB", "PYTEST_CURRENT_TEST")}
    env.update(DATABASE_URL=database_url, STRIPE_SECRET_KEY=STRIPE_KEY, STRIPE_PUBLISHABLE_KEY="pk_test_huzhu",
               STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET, STRIPE_API_BASE=localstripe_url, HUZHU_INPROCESS_WORKER="0",
               EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", HUZHU_FAST_HASHER="1",
               LOG_LEVEL="INFO")
    proc = subprocess.Popen([str(Path(sys.executable).with_name("huzhu")), "serve", "--host", "127.0.0.1",
                             "--port", str(port), "--no-worker"], env=env, cwd=str(ROOT),
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url + "/healthz", proc=proc, timeout=60)
        response = httpx.post(f"{localstripe_url}/_config/webhooks/huzhu", json={
            "url": f"{url}/stripe/webhook", "secret": WEBHOOK_SECRET,
            "events": ["payment_intent.succeeded", "payment_intent.payment_failed", "payment_intent.canceled",
                       "charge.refunded"],
        })
        assert response.status_code == 200, response.text
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def wait_until(predicate: Any, *, timeout: float = 15.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


# --- households and needs (created directly: these tests are about giving) ---------------------------------


def make_need(region: Any, workstation: Any, *, kind: str = "money", amount_fen: int | None = 50_000,
              tags: list[str] | None = None, goods_category: str = "", goods_item: str = "",
              quantity: int | None = None, category: str = "minimum_living") -> Any:
    from django.utils import timezone

    from huzhu.households.models import Household, HouseholdMember, Need

    household = Household.objects.create(region=region, category=category, tags=tags or [],
                                         registered_by=workstation)
    HouseholdMember.objects.create(household=household, position=0, relation="head", age_band="age_70_79")
    return Need.objects.create(
        household=household, kind=kind, amount_fen=amount_fen if kind == "money" else None,
        goods_category=goods_category, goods_item=goods_item, quantity=quantity if kind == "goods" else None,
        opened_at=timezone.now(),
    )


@pytest.fixture
def need_north(regions: Any, workstations: Any) -> Any:
    return make_need(regions["north_c1"], workstations["north"], tags=["serious_illness"])


@pytest.fixture
def need_south(regions: Any, workstations: Any) -> Any:
    return make_need(regions["south_c1"], workstations["south"])


@pytest.fixture
def projects(monkeypatch: Any, regions: Any) -> dict[str, Any]:
    """Two charity projects, until the projects app has its model: giving reads them through project_info."""
    from huzhu.giving import targets

    table = {
        101: targets.ProjectInfo(id=101, name="助老午餐项目", region=regions["north"], accepts_donations=True),
        102: targets.ProjectInfo(id=102, name="困境儿童助学项目", region=regions["south"], accepts_donations=True),
    }
    monkeypatch.setattr(targets, "project_info", lambda pid: table.get(pid))
    from huzhu.giving.services import funds

    monkeypatch.setattr(funds, "project_info", lambda pid: table.get(pid))
    from huzhu.giving.services import donations

    monkeypatch.setattr(donations, "project_info", lambda pid: table.get(pid))
    from huzhu.giving import selectors

    monkeypatch.setattr(selectors, "project_names", lambda ids: {i: table[i].name for i in ids if i in table})
    return {"a": table[101], "b": table[102]}


def offline_gift(actor: Any, workstation: Any, amount_fen: int, *, key: str, earmark: Any = None, **kw: Any) -> Any:
    from huzhu.giving import services

    return services.offline_donation_record(actor=actor, workstation_id=workstation.pk, channel="cash",
                                            amount_fen=amount_fen, earmark=earmark, idempotency_key=key, **kw)


def fund_balance(fund: Any) -> int:
    from ledger import api

    return int(api.balance(fund.ledger_account_id).posted)
