"""`huzhu demo` loads the deterministic demo once; running it again changes nothing."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client

from huzhu.cli import translate
from huzhu.core.demo import DEMO_PASSWORD
from huzhu.core.models import DemoLoad


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.app_label != "sessions"
    }


@pytest.mark.slow
@pytest.mark.django_db
def test_it_loads_the_demo_once_and_the_second_run_is_a_no_op() -> None:
    # when the demo is loaded
    first = io.StringIO()
    call_command("demo", stdout=first)
    counts = _row_counts()
    # then it holds one district with 3 streets and 12 communities, 300 volunteers, 20 social workers
    assert counts["regions.Region"] >= 1 + 3 + 12
    assert counts["people.User"] >= 300 + 20
    assert DemoLoad.objects.count() == 1

    # when it runs again
    second = io.StringIO()
    call_command("demo", stdout=second)
    # then not a row changed anywhere
    assert _row_counts() == counts
    assert DemoLoad.objects.count() == 1


@pytest.mark.slow
@pytest.mark.django_db
def test_it_prints_demo_logins_that_work_in_the_web_app(capsys: Any) -> None:
    call_command("demo")
    out = capsys.readouterr().out
    assert "admin@huzhu.demo" in out and DEMO_PASSWORD in out
    # the printed accounts log in through allauth's headless API (verified emails), as the web app does
    client = Client()
    for email in ("admin@huzhu.demo", "vol1@huzhu.demo", "staff.jiangchuan@huzhu.demo"):
        response = client.post(
            "/_allauth/browser/v1/auth/login", json.dumps({"email": email, "password": DEMO_PASSWORD}),
            content_type="application/json",
        )
        assert response.status_code == 200, (email, response.content)
        client.logout()


def test_it_translates_the_two_word_commands() -> None:
    assert translate(["ledger", "verify", "--all"]) == ["ledger_verify", "--all"]
    assert translate(["match", "round", "--region", "gumei"]) == ["match_round", "--region", "gumei"]
    assert translate(["serve", "--port", "9000"]) == ["serve", "--port", "9000"]
