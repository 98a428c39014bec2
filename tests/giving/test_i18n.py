"""zh-Hans first, English second: giving's typed errors come back in the request's language, and the English
catalog the app ships is complete and compiled."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from huzhu.giving.models import Donation, DonationTraceEvent
from tests.conftest import gid

PO = Path(__file__).resolve().parents[2] / "platform/huzhu/giving/locale/en/LC_MESSAGES/django.po"
RECORD = """mutation($ws: ID!) { offlineDonationRecord(workstationId: $ws, amountFen: "100", idempotencyKey: "usd",
  channel: cash, currency: "USD") { donation { id } errors { field code message } } }"""


def _post(query: str, variables: dict[str, Any], user: Any, **headers: str) -> Any:
    client = Client(**headers)
    client.force_login(user)
    return client.post("/graphql", json.dumps({"query": query, "variables": variables}),
                       content_type="application/json").json()


def test_it_answers_a_typed_error_in_english_when_asked(alice_staff_north: Any, workstations: Any) -> None:
    # given alice, staff of the north workstation, whose browser asks for English
    # when she records a gift in US dollars
    body = _post(RECORD, {"ws": gid(workstations["north"], "Workstation")}, alice_staff_north,
                 HTTP_ACCEPT_LANGUAGE="en")
    # then the typed error says so in English, and nothing was written
    assert body["data"]["offlineDonationRecord"]["errors"] == [
        {"field": "currency", "code": "CURRENCY_NOT_SUPPORTED",
         "message": "Only donations in renminbi (CNY) are accepted."}]
    assert not Donation.objects.exists() and not DonationTraceEvent.objects.exists()


def test_it_answers_the_same_error_in_chinese_by_default(alice_staff_north: Any, workstations: Any) -> None:
    body = _post(RECORD, {"ws": gid(workstations["north"], "Workstation")}, alice_staff_north)
    assert body["data"]["offlineDonationRecord"]["errors"][0]["message"] == "仅支持人民币(CNY)捐赠。"


def test_it_ships_a_complete_english_catalog_compiled_from_its_po(tmp_path: Path) -> None:
    entries = PO.read_text().split("\n\n")[1:]  # the first block is the header
    assert [e for e in entries if e.rstrip().endswith('msgstr ""')] == []
    if not shutil.which("msgfmt"):
        pytest.skip("msgfmt (gettext) is not installed; `make` installs it")
    subprocess.run(["msgfmt", "--check-format", "-o", str(tmp_path / "django.mo"), str(PO)], check=True)
    assert (tmp_path / "django.mo").read_bytes() == PO.with_suffix(".mo").read_bytes(), "run `make messages`"
