"""zh-Hans first, English second: the time bank's typed errors (with their parameters) come back in the request's
language, and the English catalog the app ships is complete and compiled."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from huzhu.timebank.models import Gift, TimeBankRules
from huzhu.timebank.rules import rules_get
from huzhu.timebank.services import RULE_FIELDS
from tests.conftest import gid

PO = Path(__file__).resolve().parents[2] / "platform/huzhu/timebank/locale/en/LC_MESSAGES/django.po"
GIVE = """mutation($pool: ID) { timeBankGive(minutes: 5, idempotencyKey: "k", toPoolStreetId: $pool) {
  gift { id } errors { field code message } } }"""
RULES = """mutation { timeBankRulesUpdate(input: {redemptionAge: 200}) { rules { redemptionAge }
  errors { field code message } } }"""


def _post(query: str, variables: dict[str, Any], user: Any, **headers: str) -> Any:
    client = Client(**headers)
    client.force_login(user)
    return client.post("/graphql", json.dumps({"query": query, "variables": variables}),
                       content_type="application/json").json()


def test_it_answers_a_typed_error_in_english_when_asked(bob_volunteer_north: Any, regions: dict) -> None:
    # given bob, a volunteer without a time-bank account yet, whose browser asks for English
    # when he gives five minutes to the north street's pool
    body = _post(GIVE, {"pool": gid(regions["north"], "Region")}, bob_volunteer_north, HTTP_ACCEPT_LANGUAGE="en")
    # then he is told in English that he has no account, and nothing was written
    assert body["data"]["timeBankGive"] == {"gift": None, "errors": [
        {"field": None, "code": "NOT_A_MEMBER", "message": "You do not have a time bank account yet."}]}
    assert not Gift.objects.exists()


def test_it_answers_the_same_error_in_chinese_by_default(bob_volunteer_north: Any, regions: dict) -> None:
    body = _post(GIVE, {"pool": gid(regions["north"], "Region")}, bob_volunteer_north)
    assert body["data"]["timeBankGive"]["errors"][0]["message"] == "您还没有时间银行账户。"


def test_it_fills_the_parameters_into_the_english_message(ada_admin: Any) -> None:
    # given the rules as they are
    before = rules_get().redemption_age
    low, high = RULE_FIELDS["redemption_age"]
    # when the administrator sets a redemption age of 200, in English and in Chinese
    en = _post(RULES, {}, ada_admin, HTTP_ACCEPT_LANGUAGE="en")["data"]["timeBankRulesUpdate"]
    zh = _post(RULES, {}, ada_admin)["data"]["timeBankRulesUpdate"]
    # then both say the allowed range, and the rules did not change
    assert en["errors"] == [{"field": "redemptionAge", "code": "OUT_OF_RANGE",
                             "message": f"Must be between {low} and {high}."}]
    assert zh["errors"][0]["message"] == f"必须在 {low} 到 {high} 之间。"
    assert TimeBankRules.objects.get(pk=1).redemption_age == before


def test_it_ships_a_complete_english_catalog_compiled_from_its_po(tmp_path: Path) -> None:
    entries = PO.read_text().split("\n\n")[1:]  # the first block is the header
    assert [e for e in entries if e.rstrip().endswith('msgstr ""')] == []
    if not shutil.which("msgfmt"):
        pytest.skip("msgfmt (gettext) is not installed; `make` installs it")
    subprocess.run(["msgfmt", "--check-format", "-o", str(tmp_path / "django.mo"), str(PO)], check=True)
    assert (tmp_path / "django.mo").read_bytes() == PO.with_suffix(".mo").read_bytes(), "run `make messages`"
