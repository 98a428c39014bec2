"""The allauth adapter: email is the login, and User.username (which Django admin expects) mirrors it."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# User.username is a 150-character column and mirrors the email, so a longer email cannot sign up.
MAX_EMAIL_LENGTH = 150


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        if len(email) > MAX_EMAIL_LENGTH:
            raise ValidationError(_("邮箱地址过长(最多 %(max)s 个字符)。") % {"max": MAX_EMAIL_LENGTH})
        return email

    def populate_username(self, request: Any, user: Any) -> None:
        user.username = user.email
