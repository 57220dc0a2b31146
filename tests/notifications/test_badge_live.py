"""The header's unread count over a real websocket: sent on connect, again when a message reaches
the person; strangers are refused."""

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from config.routing import websocket_urlpatterns
from notifications.models import OutboxMessage
from notifications.tasks import send
from pitches import services as pitch_services

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def test_anonymous_is_refused():
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), "/ws/notifications/")
    communicator.scope["user"] = AnonymousUser()
    accepted, _ = await communicator.connect()
    assert accepted is False


async def test_badge_is_sent_on_connect_and_when_a_message_arrives(question, buyer, ess_member):
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), "/ws/notifications/")
    communicator.scope["user"] = ess_member
    try:
        accepted, _ = await communicator.connect()
        assert accepted
        first = await communicator.receive_from(timeout=10)
        assert 'id="notification-badge"' in first
        assert 'hx-swap-oob="true"' in first
        assert 'class="badge"' not in first

        await sync_to_async(pitch_services.answer_question)(
            question=question, actor=buyer, answer="Oui"
        )
        pk = await sync_to_async(lambda: OutboxMessage.objects.get(recipient=ess_member).pk)()
        await sync_to_async(send)(pk)

        update = await communicator.receive_from(timeout=10)
        assert 'class="badge"' in update and ">1<" in update
    finally:
        await communicator.disconnect()


async def test_badge_socket_closes_when_the_person_logs_out(ess_member):
    from django.test import Client

    def log_in_and_out():
        client = Client()
        client.force_login(ess_member)
        client.logout()

    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), "/ws/notifications/")
    communicator.scope["user"] = ess_member
    try:
        accepted, _ = await communicator.connect()
        await communicator.receive_from(timeout=10)
        await sync_to_async(log_in_and_out)()
        closed = await communicator.receive_output(timeout=5)
    finally:
        await communicator.disconnect()

    assert (accepted, closed) == (True, {"type": "websocket.close", "code": 4403})
