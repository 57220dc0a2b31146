"""Seats in workshops make their holders busy for meetings: workshops/day.py answers the day of
events/day.py, which the booking check in matching/services/requests.py asks."""

import pytest
from django.core.exceptions import ValidationError

from events.day import busy_stretches
from events.enums import SessionKind
from events.models import Slot
from matching.enums import RequestStatus
from matching.models import MeetingRequest
from matching.services.requests import book_meeting
from tests.factories import SessionFactory, TableFactory
from tests.workshops.conftest import at, make_workshop, participants
from workshops.services import take_seat

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seats_open")]


def test_busy_stretches_list_the_seats_of_each_person_in_time_order(event):
    late = make_workshop(event, "Tard", start=(16, 0), end=(17, 0))
    early = make_workshop(event, "Tôt", start=(10, 0), end=(11, 0))
    seated, free = participants(event, 2)
    take_seat(registration=seated, workshop=late, by=seated.user)
    take_seat(registration=seated, workshop=early, by=seated.user)

    busy = busy_stretches(event, [seated, free])

    assert {pk: [(s.start, s.end) for s in stretches] for pk, stretches in busy.items()} == {
        seated.pk: [(at(10), at(11)), (at(16), at(17))],
        free.pk: [],
    }


def test_busy_stretches_ignore_waiting_lists(event):
    workshop = make_workshop(event, capacity=1)
    holder, waiting = participants(event, 2)
    take_seat(registration=holder, workshop=workshop, by=holder.user)
    take_seat(registration=waiting, workshop=workshop, by=waiting.user)

    assert busy_stretches(event, [waiting]) == {waiting.pk: []}


def _slot(event, start, end):
    block = SessionFactory(
        event=event,
        kind=SessionKind.MEETINGS,
        starts_at=at(*start),
        ends_at=at(*end),
        slot_minutes=20,
    )
    return Slot.objects.create(session=block, starts_at=block.starts_at, ends_at=block.ends_at)


def test_book_meeting_in_a_slot_during_a_seated_workshop_is_refused(
    event, buyer, ess_member, buyer_org
):
    buyer_reg = buyer.registrations.get(event=event)
    ess_reg = ess_member.registrations.get(event=event)
    workshop = make_workshop(event, start=(15, 15), end=(16, 45))
    take_seat(registration=ess_reg, workshop=workshop, by=ess_member)
    TableFactory(event=event)
    during, after = _slot(event, (15, 40), (16, 0)), _slot(event, (16, 45), (17, 5))
    request = MeetingRequest.objects.create(
        event=event, sender=buyer_reg, recipient=ess_reg, status=RequestStatus.ACCEPTED
    )

    with pytest.raises(ValidationError, match="not available in this slot"):
        book_meeting(request=request, slot=during, by=buyer)
    meeting = book_meeting(request=request, slot=after, by=buyer)

    assert meeting.slot == after
