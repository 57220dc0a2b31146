"""The notification centre's list, live (notifications/consumers.py CentreConsumer): a message
reaching the person makes the open centre fetch its list, which marks it read and brings the
header's badge along."""

import html
import re

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.db import connections
from django.test import Client
from django.urls import reverse

from config.routing import websocket_urlpatterns
from notifications.models import OutboxMessage
from notifications.tasks import send
from pitches import services as pitch_services
from pitches.emails import QUESTION_ANSWERED

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

PATH = "/ws/notifications/centre/"


async def test_anonymous_is_refused():
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), PATH)
    communicator.scope["user"] = AnonymousUser()
    accepted, _ = await communicator.connect()
    await communicator.disconnect()
    assert accepted is False


@pytest.fixture
def answered(question, buyer):
    pitch_services.answer_question(question=question, actor=buyer, answer="Deux tonnes")
    return OutboxMessage.objects.get(
        recipient__registrations__event=question.pitch.event_id, kind=QUESTION_ANSWERED
    )


async def test_a_message_sent_makes_the_open_centre_fetch_its_list_and_badge(ess_member, answered):
    user = ess_member
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), PATH)
    communicator.scope["user"] = user
    try:
        accepted, _ = await communicator.connect()
        assert accepted
        on_connect = await communicator.receive_from(timeout=10)
        assert reverse("notifications:centre") in on_connect

        await sync_to_async(send)(answered.pk)  # the outbox sends it: "notified"
        frame = await communicator.receive_from(timeout=10)
    finally:
        await communicator.disconnect()

    url = html.unescape(re.search(r'hx-get="([^"]+)"', frame).group(1))
    assert 'hx-target="#notification-list"' in frame

    def fetch() -> str:
        client = Client()
        client.force_login(user)
        response = client.get(url, headers={"HX-Request": "true"})
        connections.close_all()
        assert response.status_code == 200
        return response.content.decode()

    fragment = await sync_to_async(fetch)()
    assert fragment.startswith('<div id="notification-list">')
    assert 'id="notification-badge"' in fragment and 'hx-swap-oob="true"' in fragment
    assert "<html" not in fragment
    assert "Nouvelle réponse sur" in fragment and "Nouveau" in fragment  # new, this once
    assert "non lue" not in fragment  # the badge: nothing unread any more
    await sync_to_async(answered.refresh_from_db)()
    assert answered.read_at is not None
