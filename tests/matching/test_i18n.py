"""zh-Hans first, English second: matching's typed errors and the explanation of a score come back in the request's
language, and the English catalog the app ships is complete and compiled."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from huzhu.matching.models import MatchProposal
from huzhu.matching.services import propose_for_need
from tests.conftest import gid
from tests.matching.conftest import make_need

PO = Path(__file__).resolve().parents[2] / "platform/huzhu/matching/locale/en/LC_MESSAGES/django.po"
ACCEPT = """mutation($id: ID!) { matchProposalAccept(proposalId: $id) { proposal { status }
  errors { field code message } } }"""
QUEUE = """{ matchProposals(first: 10) { edges { node { score explanation components { code points label } } } } }"""
CJK = re.compile(r"[\u4e00-\u9fff]")


def _post(query: str, variables: dict[str, Any], user: Any, **headers: str) -> Any:
    client = Client(**headers)
    client.force_login(user)
    return client.post("/graphql", json.dumps({"query": query, "variables": variables}),
                       content_type="application/json").json()


def test_it_answers_a_typed_error_in_english_when_asked(regions: Any, workstations: Any, north_stock: Any,
                                                       alice_staff_north: Any) -> None:
    # given a proposal alice, staff of the north street, has accepted already
    proposal = propose_for_need(need_id=make_need(regions["north_c1"], workstations["north"], goods_item="棉被").pk)
    variables = {"id": gid(proposal, "MatchProposal")}
    assert _post(ACCEPT, variables, alice_staff_north)["data"]["matchProposalAccept"]["errors"] == []
    # when she accepts it again, her browser asking for English
    body = _post(ACCEPT, variables, alice_staff_north, HTTP_ACCEPT_LANGUAGE="en")
    # then the typed error says so in English, and the proposal stays as it was
    assert body["data"]["matchProposalAccept"] == {"proposal": None, "errors": [
        {"field": None, "code": "NOT_PROPOSED",
         "message": "This match has been decided already and cannot be reviewed again."}]}
    assert MatchProposal.objects.get(pk=proposal.pk).status == "accepted"
    # and in Chinese without the header
    zh = _post(ACCEPT, variables, alice_staff_north)["data"]["matchProposalAccept"]["errors"][0]
    assert zh["message"] == "该匹配已被处理,不能再次审核。"


def test_it_explains_a_score_in_the_request_language(regions: Any, workstations: Any, north_stock: Any,
                                                     alice_staff_north: Any) -> None:
    # given an urgent need that waited three weeks, proposed the north street's stock
    need = make_need(regions["north_c1"], workstations["north"], goods_item="棉被", urgent=True, days_waiting=21)
    propose_for_need(need_id=need.pk)
    # when alice reads the queue in English and in Chinese
    en = _post(QUEUE, {}, alice_staff_north, HTTP_ACCEPT_LANGUAGE="en")["data"]["matchProposals"]["edges"][0]["node"]
    zh = _post(QUEUE, {}, alice_staff_north)["data"]["matchProposals"]["edges"][0]["node"]
    # then the same components explain the same score, each in its language
    assert en["score"] == zh["score"] == sum(c["points"] for c in en["components"])
    assert en["explanation"].startswith("Urgent +40, ") and "Waited 21 days +12" in en["explanation"]
    assert not CJK.search(en["explanation"]) and not any(CJK.search(c["label"]) for c in en["components"])
    assert zh["explanation"].startswith("救急难 +40") and "已等待 21 天 +12" in zh["explanation"]


def test_it_ships_a_complete_english_catalog_compiled_from_its_po(tmp_path: Path) -> None:
    entries = PO.read_text().split("\n\n")[1:]  # the first block is the header
    assert [e for e in entries if e.rstrip().endswith('msgstr ""')] == []
    if not shutil.which("msgfmt"):
        pytest.skip("msgfmt (gettext) is not installed; `make` installs it")
    subprocess.run(["msgfmt", "--check-format", "-o", str(tmp_path / "django.mo"), str(PO)], check=True)
    assert (tmp_path / "django.mo").read_bytes() == PO.with_suffix(".mo").read_bytes(), "run `make messages`"
