"""The session that the web app gets from the headless login also authenticates its websocket."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.account.models import EmailAddress
from asgiref.sync import sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.testing import WebsocketCommunicator

from huzhu.asgi import websocket_stack
from huzhu.people.models import User

EMAIL = "ws.person@test.huzhu"
PASSWORD = "a-long-pass-phrase-2026"


class WhoAmI(AsyncJsonWebsocketConsumer):
    """Tells the client who the socket's scope says it is: what a GraphQL consumer reads for `me`."""

    async def connect(self) -> None:
        await self.accept()
        user = self.scope["user"]
        await self.send_json({"email": user.email if user.is_authenticated else None})


def _signed_in_cookie(browser: Any) -> str:
    user = User.objects.create_user(email=EMAIL, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=EMAIL, verified=True, primary=True)
    b = browser()
    status, body = b.post("/auth/login", {"email": EMAIL, "password": PASSWORD})
    assert status == 200, body
    return f"sessionid={b.client.cookies['sessionid'].value}"


async def _ask(cookie: str | None, origin: str = "http://127.0.0.1:8000") -> tuple[bool, Any]:
    headers = [(b"origin", origin.encode()), (b"host", b"127.0.0.1:8000")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    communicator = WebsocketCommunicator(websocket_stack(WhoAmI.as_asgi()), "/graphql", headers=headers)
    connected, _ = await communicator.connect()
    answer = await communicator.receive_json_from() if connected else None
    await communicator.disconnect()
    return connected, answer


@pytest.mark.django_db(transaction=True)
async def test_it_knows_the_user_of_the_session_cookie_on_the_websocket(browser: Any) -> None:
    # given a person signed in through the headless API
    cookie = await sync_to_async(_signed_in_cookie)(browser)
    # when the web app opens its websocket with the same cookie
    connected, answer = await _ask(cookie)
    # then the socket is that person
    assert connected
    assert answer == {"email": EMAIL}


@pytest.mark.django_db(transaction=True)
async def test_it_treats_a_websocket_without_a_session_as_anonymous() -> None:
    connected, answer = await _ask(None)
    assert connected
    assert answer == {"email": None}


@pytest.mark.django_db(transaction=True)
async def test_it_refuses_a_websocket_opened_from_another_site(browser: Any) -> None:
    # given a signed-in person who visits a page of another site, which opens a socket to us with their cookie
    cookie = await sync_to_async(_signed_in_cookie)(browser)
    connected, answer = await _ask(cookie, origin="https://evil.example")
    # then the socket is refused before anyone sees it
    assert not connected
    assert answer is None
