"""Websocket test helpers: a consumer connected as a person (WebsocketCommunicator on the
project's routes), and what htmx does with a fetch frame (GET its URL with HX-Request)."""

import contextlib
import html
import re

from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.db import connections
from django.test import Client

from config.routing import websocket_urlpatterns


@contextlib.asynccontextmanager
async def connected(path: str, user):
    """Yield (communicator, accepted) for `path` opened by `user`; disconnect afterwards."""
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), path)
    communicator.scope["user"] = user
    try:
        accepted, _ = await communicator.connect()
        yield communicator, accepted
    finally:
        await communicator.disconnect()


def fetch_frame_as(user, frame: str, language: str = "fr", **headers) -> str:
    """GET the frame's hx-get URL as `user` in `language`, as htmx does (call through
    sync_to_async); the response must be 200. Closes this thread's database connection, which
    would otherwise outlive the test database."""
    url = html.unescape(re.search(r'hx-get="([^"]+)"', frame).group(1))
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url, headers={"HX-Request": "true", **headers})
    connections.close_all()
    assert response.status_code == 200, response.status_code
    return response.content.decode()
