"""A browser as the web app is one: a session cookie, the CSRF token from the csrftoken cookie, JSON bodies."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote

import pytest
from django.core.cache import cache
from django.test import Client

API = "/_allauth/browser/v1"


class Browser:
    def __init__(self, language: str = "en") -> None:
        self.client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE=language)

    def _csrf(self) -> str:
        if "csrftoken" not in self.client.cookies:
            self.client.get(f"{API}/auth/session")  # every headless browser view sets the CSRF cookie
        return self.client.cookies["csrftoken"].value

    def get(self, path: str) -> tuple[int, Any]:
        response = self.client.get(f"{API}{path}")
        return response.status_code, response.json()

    def post(self, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        response = self.client.post(
            f"{API}{path}", json.dumps(body), content_type="application/json", HTTP_X_CSRFTOKEN=self._csrf()
        )
        return response.status_code, response.json()

    def graphql(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        # /graphql needs no CSRF token: it takes only application/json bodies (see huzhu.graphql.view).
        response = self.client.post(
            "/graphql", json.dumps({"query": query, "variables": variables or {}}), content_type="application/json"
        )
        assert response.status_code == 200, response.content
        return response.json()


@pytest.fixture
def browser(db: Any) -> Any:
    return Browser


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Any:
    # allauth's rate limits count in the cache; each test starts from zero.
    cache.clear()
    yield
    cache.clear()


def key_from(body: str, kind: str) -> str:
    """The key in the link of a verification (kind="verify-email") or reset (kind="password/reset/key") email."""
    match = re.search(rf"/account/{kind}/(\S+)", body)
    assert match, body
    return unquote(match.group(1))
