"""Re-pairing on the day: the person left alone meets someone free instead, at the freed table,
through the one locked booking path (book_meeting); who is offered, in which order, and what is
refused (matching/day_queries.py, matching/services/presence.py)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from events.models import Unavailability
from matching import day_queries, emails
from matching.enums import RequestStatus
from matching.models import Attendance, Meeting, MeetingPresence, MeetingRequest
from matching.rules import request_refusal
from matching.services import presence
from matching.services.requests import book_meeting
from notifications.models import OutboxMessage
from tests.factories import RegistrationFactory
from tests.matching.day_world import live_day, meet
from tests.matching.schedule_world import accepted, buyer, ess


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def colleague(registration):
    return RegistrationFactory(
        event=registration.event, organisation=registration.organisation, role=registration.role
    )


@pytest.fixture
def day(event):
    """The structure waits alone at T01: the buyer has been reported absent."""
    world = live_day(event)
    world.buyer, world.ess = buyer(event), ess(event)
    world.request = meet(world.buyer, world.ess, world.current, world.tables[0])
    presence.report_absent(request=world.request, by=world.ess.user)
    return world


def _names(candidates):
    return [c.registration for c in candidates]


def test_repair_books_the_partner_at_the_freed_table(day):
    other = buyer(day.event)

    meeting = presence.repair(request=day.request, partner=other, by=day.ess.user)

    day.request.refresh_from_db()
    assert (meeting.slot, meeting.table) == (day.current, day.tables[0])
    assert {meeting.request.sender, meeting.request.recipient} == {day.ess, other}
    assert meeting.request.status == RequestStatus.ACCEPTED
    assert day.request.status == RequestStatus.CANCELLED
    assert not Meeting.objects.filter(request=day.request).exists()
    assert set(
        Attendance.objects.filter(slot=day.current).values_list("registration", flat=True)
    ) == {day.ess.pk, other.pk}
    record = MeetingPresence.objects.get(request=day.request)
    assert (record.absent, record.replaced_by) == (day.buyer, meeting.request)


def test_repair_emails_the_booking_to_both_and_the_cancellation_to_the_absent(day):
    other = buyer(day.event)
    OutboxMessage.objects.all().delete()

    meeting = presence.repair(request=day.request, partner=other, by=day.ess.user)

    sent = sorted(
        (m.kind, m.recipient_id) for m in OutboxMessage.objects.filter(event_id=day.event.pk)
    )
    assert sent == sorted(
        [
            (emails.BOOKED, day.ess.user_id),
            (emails.BOOKED, other.user_id),
            (emails.CANCELLED, day.buyer.user_id),
        ]
    )
    assert meeting.request.booked_slot == day.current


def test_repair_uses_the_accepted_request_never_placed(day):
    other = buyer(day.event)
    waiting = accepted(other, day.ess)

    meeting = presence.repair(request=day.request, partner=other, by=day.ess.user)

    assert meeting.request == waiting
    assert MeetingRequest.objects.filter(event=day.event).count() == 2


def test_repair_refused_when_the_partner_is_not_absent(event):
    world = live_day(event)
    a, b = buyer(event), ess(event)
    request = meet(a, b, world.current, world.tables[0])

    with pytest.raises(ValidationError, match="not marked absent"):
        presence.repair(request=request, partner=buyer(event), by=b.user)


def test_repair_refused_to_the_side_marked_absent(day):
    with pytest.raises(ValidationError, match="marked absent"):
        presence.repair(request=day.request, partner=ess(day.event), by=day.buyer.user)


def test_repair_refused_with_someone_booked_meanwhile_changes_nothing(day):
    other = buyer(day.event)
    meet(other, ess(day.event), day.current, day.tables[1])

    with pytest.raises(ValidationError, match="already has a meeting"):
        presence.repair(request=day.request, partner=other, by=day.ess.user)

    day.request.refresh_from_db()
    assert day.request.status == RequestStatus.ACCEPTED
    assert Meeting.objects.get(request=day.request).table == day.tables[0]
    assert MeetingPresence.objects.get(request=day.request).replaced_by is None


def test_repair_refused_within_one_organisation(day):
    with pytest.raises(ValidationError, match="same organisation"):
        presence.repair(request=day.request, partner=colleague(day.ess), by=day.ess.user)


def test_repair_refused_for_someone_not_checked_in(day):
    other = buyer(day.event)
    day.ess.checked_in_at = timezone.now()
    day.ess.save(update_fields=["checked_in_at"])

    with pytest.raises(ValidationError, match="has not checked in"):
        presence.repair(request=day.request, partner=other, by=day.ess.user)


def test_second_repair_with_the_same_person_is_refused(day):
    other = buyer(day.event)
    alone = ess(day.event)
    second = meet(buyer(day.event), alone, day.current, day.tables[1])
    presence.report_absent(request=second, by=alone.user)
    presence.repair(request=day.request, partner=other, by=day.ess.user)

    with pytest.raises(ValidationError, match="already has a meeting"):
        presence.repair(request=second, partner=other, by=alone.user)


def test_request_refusal_repairing_skips_the_phase_and_the_cap_only(day):
    other = buyer(day.event)

    assert request_refusal(day.ess, other) == (
        "Meeting requests are not open for this event at the moment."
    )
    assert request_refusal(day.ess, other, repairing=True) is None
    assert request_refusal(day.ess, colleague(day.ess), repairing=True) == (
        "You belong to the same organisation."
    )


def test_candidates_are_free_allowed_people_requests_first(day):
    asked = buyer(day.event)
    accepted(asked, day.ess)  # accepted, never placed
    free = buyer(day.event)
    busy = buyer(day.event)
    meet(busy, ess(day.event), day.current, day.tables[1])
    away = buyer(day.event)
    Unavailability.objects.create(
        registration=away, starts_at=day.current.starts_at, ends_at=day.current.ends_at
    )
    ess(day.event)  # ESS ↔ ESS may meet too
    same = colleague(day.ess)

    found = day_queries.repair_candidates(day.event, day.ess, day.current)

    people = _names(found)
    assert people[0] == asked and found[0].requested
    assert free in people
    assert busy not in people and away not in people and same not in people
    assert day.buyer not in people and day.ess not in people


def test_candidates_only_checked_in_people_once_check_in_is_used(day):
    here, absent = buyer(day.event), buyer(day.event)
    here.checked_in_at = timezone.now()
    here.save(update_fields=["checked_in_at"])

    people = _names(day_queries.repair_candidates(day.event, day.ess, day.current))

    assert here in people and absent not in people


def test_book_meeting_still_refuses_a_busy_partner_after_a_repair(day):
    other = buyer(day.event)
    presence.repair(request=day.request, partner=other, by=day.ess.user)
    late = accepted(other, ess(day.event))

    with pytest.raises(ValidationError, match="already has a meeting"):
        book_meeting(request=late, slot=day.current, by=other.user, self_booked=True)
