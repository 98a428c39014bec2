"""Sign-up, verification, login and password reset through allauth's headless API, as the web app does it;
then the same session authenticates /graphql."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from huzhu.people.models import User
from tests.people.conftest import key_from

ME = "{ me { email roles { role } } }"
EMAIL = "new.volunteer@test.huzhu"
PASSWORD = "a-long-pass-phrase-2026"


def _sign_up(browser: Any, email: str = EMAIL, password: str = PASSWORD) -> tuple[int, Any]:
    return browser().post("/auth/signup", {"email": email, "password": password})


def test_it_signs_up_verifies_logs_in_and_answers_me_over_graphql(browser: Any, regions: dict[str, Any]) -> None:
    # given a visitor who signs up with an email and a password
    status, body = _sign_up(browser)
    # then the account exists but is not signed in: the email must be verified first
    assert status == 401, body
    assert {"id": "verify_email", "is_pending": True} in [
        {"id": f["id"], "is_pending": f.get("is_pending", False)} for f in body["data"]["flows"]
    ]
    assert User.objects.filter(email=EMAIL).exists()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [EMAIL]
    key = key_from(mail.outbox[0].body, "verify-email")

    # when the person tries to log in from another browser before verifying
    other = browser()
    status, body = other.post("/auth/login", {"email": EMAIL, "password": PASSWORD})
    # then the login is refused (pending verification), and /graphql does not know them
    assert status == 401, body
    assert [f["id"] for f in body["data"]["flows"] if f.get("is_pending")] == ["verify_email"]
    assert other.graphql(ME)["data"]["me"] is None

    # when they open the link of the email (the web app posts its key)
    status, body = other.post("/auth/email/verify", {"key": key})
    assert status == 200, body
    assert body["meta"]["is_authenticated"] is True

    # then a third browser logs in with the password, and /graphql answers `me` with that session
    third = browser()
    status, body = third.post("/auth/login", {"email": EMAIL, "password": PASSWORD})
    assert status == 200, body
    assert body["data"]["user"]["email"] == EMAIL
    assert third.graphql(ME)["data"]["me"] == {"email": EMAIL, "roles": []}
    assert User.objects.get(email=EMAIL).username == EMAIL


def test_it_refuses_a_wrong_verification_key(browser: Any) -> None:
    # given a signed-up, unverified account
    _sign_up(browser)
    # when someone posts a made-up key
    status, body = browser().post("/auth/email/verify", {"key": "not-a-key"})
    # then it is refused with an error on the key, and the email stays unverified
    assert status == 400, body
    assert body["errors"][0]["param"] == "key"
    from allauth.account.models import EmailAddress

    assert not EmailAddress.objects.filter(email=EMAIL, verified=True).exists()


def test_it_answers_a_wrong_password_with_a_clear_error(browser: Any) -> None:
    # given a verified account
    status, _ = _sign_up(browser)
    key = key_from(mail.outbox[0].body, "verify-email")
    browser().post("/auth/email/verify", {"key": key})
    # when someone logs in with the wrong password
    b = browser()
    status, body = b.post("/auth/login", {"email": EMAIL, "password": "wrong-password"})
    # then it is refused with a message that says what is wrong, and nobody is signed in
    assert status == 400, body
    assert body["errors"][0]["code"] == "email_password_mismatch"
    assert "password" in body["errors"][0]["message"].lower()
    assert b.graphql(ME)["data"]["me"] is None


def test_it_answers_a_wrong_password_in_chinese_by_default(browser: Any) -> None:
    _sign_up(browser)
    browser().post("/auth/email/verify", {"key": key_from(mail.outbox[0].body, "verify-email")})
    status, body = browser(language="zh-hans").post("/auth/login", {"email": EMAIL, "password": "wrong-password"})
    assert status == 400
    assert "密码" in body["errors"][0]["message"]


def test_it_refuses_a_short_password_at_sign_up(browser: Any) -> None:
    # when a visitor signs up with a password that is too short
    status, body = _sign_up(browser, password="short")
    # then a typed error names the password field, and no account was created
    assert status == 400, body
    assert body["errors"][0]["param"] == "password"
    assert not User.objects.filter(email=EMAIL).exists()
    assert mail.outbox == []


def test_it_refuses_a_second_account_for_the_same_email(browser: Any) -> None:
    _sign_up(browser)
    status, body = _sign_up(browser, password="another-long-pass-2026")
    # allauth prevents account enumeration: the answer looks like a sign-up, but no second user exists
    assert User.objects.filter(email=EMAIL).count() == 1
    assert status in (400, 401), body


def test_it_resets_a_forgotten_password(browser: Any) -> None:
    # given a verified account
    _sign_up(browser)
    browser().post("/auth/email/verify", {"key": key_from(mail.outbox[0].body, "verify-email")})
    mail.outbox.clear()
    # when the person asks for a reset
    b = browser()
    status, body = b.post("/auth/password/request", {"email": EMAIL})
    assert status == 200, body
    # then an email with a reset link arrives
    assert len(mail.outbox) == 1
    key = key_from(mail.outbox[0].body, "password/reset/key")
    # the web app first checks the key (allauth takes it in a header on GET) and shows whose password it is
    response = b.client.get("/_allauth/browser/v1/auth/password/reset", HTTP_X_PASSWORD_RESET_KEY=key)
    assert response.status_code == 200, response.content
    assert response.json()["data"]["user"]["email"] == EMAIL
    # and posting the key with a new password changes it
    status, body = b.post("/auth/password/reset", {"key": key, "password": "a-brand-new-phrase-2026"})
    assert status == 401, body  # reset, but not signed in (ACCOUNT_LOGIN_ON_PASSWORD_RESET is off)
    assert body["meta"]["is_authenticated"] is False
    # the old password no longer works, the new one does
    status, _ = browser().post("/auth/login", {"email": EMAIL, "password": PASSWORD})
    assert status == 400
    fresh = browser()
    status, body = fresh.post("/auth/login", {"email": EMAIL, "password": "a-brand-new-phrase-2026"})
    assert status == 200, body
    assert fresh.graphql(ME)["data"]["me"]["email"] == EMAIL


def test_it_refuses_a_used_or_forged_reset_key(browser: Any) -> None:
    _sign_up(browser)
    status, body = browser().post("/auth/password/reset", {"key": "abc-forged", "password": "a-brand-new-phrase"})
    assert status == 400, body
    assert body["errors"][0]["param"] == "key"
    assert User.objects.get(email=EMAIL).check_password(PASSWORD)


def test_it_logs_out(browser: Any) -> None:
    _sign_up(browser)
    browser().post("/auth/email/verify", {"key": key_from(mail.outbox[0].body, "verify-email")})
    b = browser()
    assert b.post("/auth/login", {"email": EMAIL, "password": PASSWORD})[0] == 200
    response = b.client.delete("/_allauth/browser/v1/auth/session", HTTP_X_CSRFTOKEN=b._csrf())
    assert response.status_code == 401
    assert b.graphql(ME)["data"]["me"] is None


@pytest.mark.parametrize("path", ["/auth/login", "/auth/signup"])
def test_it_refuses_a_post_without_the_csrf_token(browser: Any, path: str) -> None:
    # the headless browser API is cookie-based, so a cross-site form post must not work
    b = browser()
    response = b.client.post(
        f"/_allauth/browser/v1{path}", {"email": EMAIL, "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not User.objects.filter(email=EMAIL).exists()
