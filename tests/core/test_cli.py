"""The `huzhu` command: createadmin, and the procrastinate worker behind `huzhu procrastinate worker`."""

from __future__ import annotations

import json
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from huzhu.cli import main
from huzhu.people.models import User


def test_it_creates_an_administrator_who_can_log_in_at_once(db: Any) -> None:
    # when an administrator is created from the command line
    call_command("createadmin", email="root@test.huzhu", password="a-long-admin-phrase")
    # then she is a superuser with a verified email, so the web app's login works without a verification mail
    user = User.objects.get(email="root@test.huzhu")
    assert user.is_superuser and user.is_staff and user.username == "root@test.huzhu"
    assert EmailAddress.objects.filter(user=user, verified=True, primary=True).exists()
    response = Client().post(
        "/_allauth/browser/v1/auth/login",
        json.dumps({"email": "root@test.huzhu", "password": "a-long-admin-phrase"}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content


def test_it_refuses_a_second_administrator_with_the_same_email(db: Any) -> None:
    call_command("createadmin", email="root@test.huzhu", password="a-long-admin-phrase")
    with pytest.raises(CommandError):
        call_command("createadmin", email="root@test.huzhu", password="another-phrase-123")
    assert User.objects.filter(email="root@test.huzhu").count() == 1


def test_it_prints_its_usage_without_arguments(capsys: Any) -> None:
    main([])
    out = capsys.readouterr().out
    assert "huzhu serve" in out and "huzhu demo" in out and "huzhu createadmin" in out
