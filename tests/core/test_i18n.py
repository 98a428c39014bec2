"""zh-Hans first, English second: typed errors come back in the request's language."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from huzhu.regions.models import Region
from tests.conftest import gid

LOCALE = Path(__file__).resolve().parents[2] / "platform" / "huzhu" / "locale"
CREATE = """mutation($p: ID!) { regionCreate(name: "新社区", code: "t-i18n", level: community, parentId: $p) {
  region { name } errors { field code message } } }"""


def _post(query: str, variables: dict[str, Any], user: Any = None, **headers: str) -> Any:
    client = Client(**headers)
    if user is not None:
        client.force_login(user)
    response = client.post("/graphql", json.dumps({"query": query, "variables": variables}),
                           content_type="application/json")
    return response.json()


def test_it_answers_a_typed_error_in_chinese_by_default(regions: Any, alice_staff_north: Any) -> None:
    body = _post(CREATE, {"p": gid(regions["north"], "Region")}, alice_staff_north)
    error = body["data"]["regionCreate"]["errors"][0]
    assert error["code"] == "PERMISSION_DENIED"
    assert error["message"] == "您没有执行此操作的权限。"
    assert not Region.objects.filter(code="t-i18n").exists()


def test_it_answers_a_typed_error_in_english_when_asked(regions: Any, alice_staff_north: Any) -> None:
    body = _post(CREATE, {"p": gid(regions["north"], "Region")}, alice_staff_north, HTTP_ACCEPT_LANGUAGE="en")
    error = body["data"]["regionCreate"]["errors"][0]
    assert error["code"] == "PERMISSION_DENIED"
    assert error["message"] == "You do not have permission to do this."


def test_it_translates_messages_with_parameters(regions: Any, ada_admin: Any) -> None:
    query = """mutation($p: ID!, $n: String!) { regionCreate(name: $n, code: "t-long", level: community,
      parentId: $p) { errors { field code message } } }"""
    variables = {"p": gid(regions["north"], "Region"), "n": "长" * 101}
    en = _post(query, variables, ada_admin, HTTP_ACCEPT_LANGUAGE="en")["data"]["regionCreate"]["errors"][0]
    zh = _post(query, variables, ada_admin)["data"]["regionCreate"]["errors"][0]
    assert (en["field"], en["code"], en["message"]) == ("name", "TOO_LONG", "At most 100 characters.")
    assert zh["message"] == "最多 100 个字符。"


def test_it_asks_for_a_login_in_the_request_language(db: Any) -> None:
    query = "{ regions { name } }"
    assert _post(query, {}, HTTP_ACCEPT_LANGUAGE="en")["errors"][0]["message"] == "Please log in first."
    assert _post(query, {})["errors"][0]["message"] == "请先登录。"


def test_it_translates_every_message_of_the_catalog() -> None:
    po = (LOCALE / "en" / "LC_MESSAGES" / "django.po").read_text()
    entries = po.split("\n\n")[1:]  # the first block is the header
    untranslated = [e for e in entries if 'msgstr ""' in e and "msgstr \"\"\n\"" not in e and "#~" not in e]
    assert untranslated == []


def test_it_ships_a_compiled_catalog_that_matches_the_po(tmp_path: Path) -> None:
    if not shutil.which("msgfmt"):
        pytest.skip("msgfmt (gettext) is not installed; `make` installs it")
    po = LOCALE / "en" / "LC_MESSAGES" / "django.po"
    subprocess.run(["msgfmt", "--check-format", "-o", str(tmp_path / "django.mo"), str(po)], check=True)
    assert (tmp_path / "django.mo").read_bytes() == po.with_suffix(".mo").read_bytes(), "run `make messages`"
