"""zh-Hans first, English second: volunteering's typed errors and status labels come back in the request's
language, and the English catalog the app ships is complete and compiled."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from huzhu.volunteering.models import ServiceTask, TaskStatusChange
from tests.conftest import gid

from .conftest import soon

PO = Path(__file__).resolve().parents[2] / "platform/huzhu/volunteering/locale/en/LC_MESSAGES/django.po"
CREATE = """mutation($input: ServiceTaskCreateInput!) { serviceTaskCreate(input: $input) {
  task { id } errors { field code message } } }"""


def _post(query: str, variables: dict[str, Any], user: Any, **headers: str) -> Any:
    client = Client(**headers)
    client.force_login(user)
    return client.post("/graphql", json.dumps({"query": query, "variables": variables}),
                       content_type="application/json").json()


def _started_yesterday(regions: dict, lead: Any) -> dict:
    start = soon(days=-1)
    return {"input": {"title": "助餐送餐", "serviceType": "meal_delivery", "slots": 2, "openNow": True,
                      "regionId": gid(regions["north_c1"], "Region"), "leadId": gid(lead, "User"),
                      "startsAt": start.isoformat(), "endsAt": (start + timedelta(hours=1)).isoformat()}}


def test_it_answers_a_typed_error_in_english_when_asked(regions: dict, alice_staff_north: Any,
                                                       sam_social_worker_north: Any) -> None:
    # given alice, staff of the north street, whose browser asks for English
    # when she creates a task that started yesterday
    body = _post(CREATE, _started_yesterday(regions, sam_social_worker_north), alice_staff_north,
                 HTTP_ACCEPT_LANGUAGE="en")
    # then the typed error says so in English, and nothing was written
    assert body["data"]["serviceTaskCreate"] == {"task": None, "errors": [
        {"field": "startsAt", "code": "TIME_IN_PAST", "message": "The start cannot be in the past."}]}
    assert not ServiceTask.objects.exists() and not TaskStatusChange.objects.exists()


def test_it_answers_the_same_error_in_chinese_by_default(regions: dict, alice_staff_north: Any,
                                                         sam_social_worker_north: Any) -> None:
    body = _post(CREATE, _started_yesterday(regions, sam_social_worker_north), alice_staff_north)
    assert body["data"]["serviceTaskCreate"]["errors"][0]["message"] == "开始时间不能早于现在。"


def test_it_translates_the_services_own_messages_too(regions: dict, alice_staff_north: Any,
                                                      sam_social_worker_north: Any) -> None:
    # given a task placed on the whole north street instead of a community
    variables = _started_yesterday(regions, sam_social_worker_north)
    variables["input"] |= {"regionId": gid(regions["north"], "Region"), "startsAt": soon(days=2).isoformat(),
                           "endsAt": soon(days=2, hours=1).isoformat()}
    # when alice creates it in English
    body = _post(CREATE, variables, alice_staff_north, HTTP_ACCEPT_LANGUAGE="en")
    # then the service's own message (not a code's label) is in English too
    assert body["data"]["serviceTaskCreate"]["errors"] == [
        {"field": "regionId", "code": "INVALID", "message": "The place of service must be a community."}]
    assert not ServiceTask.objects.exists()


def test_it_labels_a_task_in_progress_apart_from_an_active_monthly_gift() -> None:
    # the two share the words 进行中; giving's carries a context so each reads right in English
    from huzhu.giving.models import RecurringDonation

    with translation.override("en"):
        assert str(ServiceTask.Status.IN_PROGRESS.label) == "In progress"
        assert str(RecurringDonation.Status.ACTIVE.label) == "Active"
    with translation.override("zh-hans"):
        assert str(ServiceTask.Status.IN_PROGRESS.label) == str(RecurringDonation.Status.ACTIVE.label) == "进行中"


def test_it_ships_a_complete_english_catalog_compiled_from_its_po(tmp_path: Path) -> None:
    entries = PO.read_text().split("\n\n")[1:]  # the first block is the header
    assert [e for e in entries if e.rstrip().endswith('msgstr ""')] == []
    if not shutil.which("msgfmt"):
        pytest.skip("msgfmt (gettext) is not installed; `make` installs it")
    subprocess.run(["msgfmt", "--check-format", "-o", str(tmp_path / "django.mo"), str(PO)], check=True)
    assert (tmp_path / "django.mo").read_bytes() == PO.with_suffix(".mo").read_bytes(), "run `make messages`"
