"""Self-service: when an organiser's run moved a meeting the participants booked, the open agendas
of its two people hear it when the result is published."""

import pytest
from asgiref.sync import sync_to_async

from events.models import Unavailability
from matching.models import MatchingSettings
from matching.services import schedule as services
from matching.services.requests import book_meeting
from tests.factories import EventFactory
from tests.matching.schedule_world import eager_tasks, make_world  # noqa: F401
from tests.sockets import connected, fetch_frame_as

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def test_moved_booked_meeting_reaches_the_open_agenda_on_publication(organiser):
    def arrange():
        event = EventFactory()
        world = make_world(event, slots=2, tables=1, pairs=2)
        MatchingSettings.objects.create(event=event, booking_mode="self_service")
        book_meeting(request=world.requests[0], slot=world.slots[0], by=organiser, self_booked=True)
        Unavailability.objects.create(
            registration=world.ess[1],
            starts_at=world.slots[1].starts_at,
            ends_at=world.slots[1].ends_at,
        )
        services.start_run(event=event, by=organiser, keep_booked=False)
        return world

    world = await sync_to_async(arrange)()
    person = world.ess[0].user
    async with connected(f"/ws/e/{world.event.slug}/agenda/", person) as (communicator, accepted):
        first = await communicator.receive_from(timeout=10)
        await sync_to_async(services.publish_schedule)(event=world.event, by=organiser)
        hint = await communicator.receive_from(timeout=10)
    update = await sync_to_async(fetch_frame_as)(person, hint)

    assert accepted is True
    assert "14:00\u201314:20" in first
    assert 'role="status"' in update and "14:20\u201314:40" in update
