"""The notification centre's list, live (notifications/consumers.py CentreConsumer): a message
reaching the person makes the open centre fetch its list, which marks it read (the badge follows:
mark_read tells the person's pages, but not the centre again)."""

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.db import connections
from django.urls import reverse

from config.routing import websocket_urlpatterns
from notifications.models import OutboxMessage
from notifications.tasks import send
from pitches import services as pitch_services
from pitches.emails import QUESTION_ANSWERED
from tests.sockets import fetch_frame_as

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


async def test_a_message_sent_makes_the_open_centre_fetch_its_list(ess_member, answered):
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), PATH)
    communicator.scope["user"] = ess_member
    try:
        accepted, _ = await communicator.connect()
        assert accepted
        on_connect = await communicator.receive_from(timeout=10)
        assert reverse("notifications:centre") in on_connect

        await sync_to_async(send)(answered.pk)  # the outbox sends it: "notified"
        frame = await communicator.receive_from(timeout=10)
        assert 'hx-target="#notification-list"' in frame
        fragment = await sync_to_async(fetch_frame_as)(ess_member, frame)
        # The fetch marked it read, which tells the badge but not the centre again.
        no_refetch = await communicator.receive_nothing(timeout=1)
    finally:
        await communicator.disconnect()

    assert fragment.startswith('<div id="notification-list">')
    assert "<html" not in fragment
    assert "Nouvelle réponse sur" in fragment and "Nouveau" in fragment  # new, this once

    def read_at():
        answered.refresh_from_db()
        connections.close_all()  # this thread's connection would outlive the test database
        return answered.read_at

    assert await sync_to_async(read_at)() is not None
    assert no_refetch
