"""The slot grid and tables cannot be changed under existing meetings."""

import pytest
from django.core.exceptions import ValidationError

from events import services as event_services
from matching.models import Meeting
from matching.services import requests as services


@pytest.fixture
def meeting(event, slots, tables, buyer, ess_member):
    event.phase = "requests"  # participants send and answer requests in this phase only
    event.save()
    sender = buyer.registrations.get(event=event)
    recipient = ess_member.registrations.get(event=event)
    request = services.send_request(sender=sender, recipient=recipient, by=buyer)
    services.answer_request(request=request, accept=True, by=ess_member)
    return services.book_meeting(request=request, slot=slots[1], by=buyer)


def test_generate_slots_unchanged_grid_keeps_meetings(block, meeting):
    event_services.generate_slots(session=block)

    meeting.refresh_from_db()
    assert (block.slots.count(), meeting.slot.starts_at) == (3, meeting.slot.starts_at)


def test_generate_slots_dropping_a_booked_slot_refused(block, meeting):
    block.slot_minutes = 30
    block.save()

    with pytest.raises(ValidationError, match="contiennent déjà des rendez-vous"):
        event_services.generate_slots(session=block)
    assert (block.slots.count(), Meeting.objects.count()) == (3, 1)


def test_delete_table_with_meeting_refused(meeting):
    with pytest.raises(ValidationError, match="Cette table accueille des rendez-vous"):
        event_services.delete_table(table=meeting.table)
    assert Meeting.objects.count() == 1


def test_delete_block_with_meeting_refused(block, meeting):
    with pytest.raises(ValidationError, match="Cette plage contient des rendez-vous"):
        event_services.delete_session(session=block)
    assert Meeting.objects.count() == 1
