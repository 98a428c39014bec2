"""zh-Hans first, English second: projects' typed errors in the request's language; the catalog is complete."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import gid

PO = Path(__file__).resolve().parents[2] / "platform/huzhu/projects/locale/en/LC_MESSAGES/django.po"
SUBMIT = "mutation($id: ID!) { applicationSubmit(projectId: $id) { errors { code message } } }"


@pytest.mark.parametrize("language,message", [
    ("en", "The project's current status does not allow this."),
    ("zh-hans", "项目当前状态不允许此操作。"),
])
def test_it_answers_typed_errors_in_the_requested_language(make_project, nina_applicant_north, language, message):
    import json

    from django.test import Client

    project = make_project("north")  # submitted already: submitting again is refused
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(nina_applicant_north)
    body = client.post("/graphql", json.dumps({"query": SUBMIT, "variables": {"id": gid(project, "CharityProject")}}),
                       content_type="application/json").json()
    assert body["data"]["applicationSubmit"]["errors"] == [{"code": "WRONG_STATE", "message": message}]


def test_it_ships_a_complete_english_catalog_compiled_from_its_po(tmp_path: Path) -> None:
    entries = PO.read_text(encoding="utf-8").split("\n\n")[1:]  # the first block is the header
    assert entries and [e for e in entries if e.rstrip().endswith('msgstr ""')] == []
    if not shutil.which("msgfmt"):
        pytest.skip("msgfmt (gettext) is not installed")
    subprocess.run(["msgfmt", "--check-format", "-o", str(tmp_path / "django.mo"), str(PO)], check=True)
    assert (tmp_path / "django.mo").read_bytes() == PO.with_suffix(".mo").read_bytes()
