"""ASGI entry: HTTP through Django, websockets (/graphql, graphql-transport-ws) through Channels."""

import os
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huzhu.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from huzhu.realtime.routing import websocket_urlpatterns  # noqa: E402


def websocket_stack(inner: Any) -> Any:
    """Websockets get the same Django session as HTTP: AuthMiddlewareStack reads the session cookie and puts the
    user in scope["user"]; a page of another origin (not in ALLOWED_HOSTS) cannot open one with that cookie."""
    return AllowedHostsOriginValidator(AuthMiddlewareStack(inner))


application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": websocket_stack(URLRouter(websocket_urlpatterns)),
    }
)
