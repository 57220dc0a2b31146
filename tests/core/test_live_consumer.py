"""The shared live consumer (core/consumers.py) survives a channel layer that fails for a while
(a Redis read timeout), closes with 1013 ("try again later": htmx reconnects) when it keeps
failing, and refuses the socket when it cannot join its groups. The layer is Channels' in-memory
one with failures switched on (Redis' own errors vary; the consumer treats them all alike)."""

import pytest
from channels.layers import InMemoryChannelLayer, get_channel_layer
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.test import override_settings

from config.routing import websocket_urlpatterns
from notifications import groups

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


class FlakyLayer(InMemoryChannelLayer):
    receive_failures = 0
    join_failures = 0

    async def receive(self, channel):
        if FlakyLayer.receive_failures:
            FlakyLayer.receive_failures -= 1
            raise TimeoutError("Timeout reading from redis (simulated)")
        return await super().receive(channel)

    async def group_add(self, group, channel):
        if FlakyLayer.join_failures:
            FlakyLayer.join_failures -= 1
            raise ConnectionError("Error connecting to redis (simulated)")
        return await super().group_add(group, channel)


@pytest.fixture(autouse=True)
def flaky_layer():
    with override_settings(
        CHANNEL_LAYERS={"default": {"BACKEND": "tests.core.test_live_consumer.FlakyLayer"}}
    ):
        yield
    FlakyLayer.receive_failures = FlakyLayer.join_failures = 0


def communicator_for(user) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), "/ws/notifications/")
    communicator.scope["user"] = user
    return communicator


async def test_consumer_survives_transient_layer_errors(ess_member):
    communicator = communicator_for(ess_member)
    try:
        accepted, _ = await communicator.connect()
        await communicator.receive_from(timeout=10)
        FlakyLayer.receive_failures = 2
        layer = get_channel_layer()
        # The read under way ends with this message; the next two reads fail, then it recovers.
        await layer.group_send(groups.person(ess_member.pk), {"type": "notified"})
        await communicator.receive_from(timeout=10)
        await layer.group_send(groups.person(ess_member.pk), {"type": "notified"})
        frame = await communicator.receive_from(timeout=10)
        failures_left = FlakyLayer.receive_failures
    finally:
        await communicator.disconnect()

    assert (accepted, failures_left) == (True, 0)
    assert 'id="notification-badge"' in frame


async def test_consumer_closes_for_a_reconnect_when_the_layer_stays_down(ess_member):
    communicator = communicator_for(ess_member)
    try:
        accepted, _ = await communicator.connect()
        await communicator.receive_from(timeout=10)
        FlakyLayer.receive_failures = 1000
        # The read under way when the layer fails still ends with this message; every next
        # one fails.
        await get_channel_layer().group_send(groups.person(ess_member.pk), {"type": "notified"})
        await communicator.receive_from(timeout=10)
        closed = await communicator.receive_output(timeout=15)
    finally:
        await communicator.disconnect()

    assert (accepted, closed) == (True, {"type": "websocket.close", "code": 1013})


async def test_socket_refused_when_its_groups_cannot_be_joined(ess_member):
    FlakyLayer.join_failures = 1
    communicator = communicator_for(ess_member)
    try:
        accepted, _ = await communicator.connect()
    finally:
        await communicator.disconnect()

    assert accepted is False
