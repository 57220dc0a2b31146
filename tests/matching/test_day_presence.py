"""On the day, at the table: "we are here", "my partner is not here", no-shows (marked, or not
checked in after the organisers' minutes) and the rules that open them (matching/rules.py)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from events.enums import Phase
from matching import day_queries
from matching.enums import AbsenceReason, PresenceState
from matching.models import MeetingPresence
from matching.schedule_queries import agenda_context
from matching.services import presence
from matching.services.requests import update_settings
from tests.matching.day_world import live_day, meet
from tests.matching.schedule_world import buyer, ess


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def day(event):
    world = live_day(event)
    world.buyer, world.ess = buyer(event), ess(event)
    world.request = meet(world.buyer, world.ess, world.current, world.tables[0])
    return world


def _state(day, registration, now=None):
    lines = agenda_context(day.event, registration, now=now)["now_lines"]
    return [(line.state, line.left_alone) for line in lines]


def test_meeting_under_way_is_waiting_with_both_buttons(day, client):
    client.force_login(day.buyer.user)

    page = client.get(f"/e/{day.event.slug}/agenda/").content.decode()

    assert _state(day, day.buyer) == [(PresenceState.WAITING, False)]
    assert f"/agenda/meetings/{day.request.pk}/here/" in page
    assert f"/agenda/meetings/{day.request.pk}/absent/" in page


def test_confirm_started_is_written_once(day):
    first = presence.confirm_started(request=day.request, by=day.buyer.user)
    again = presence.confirm_started(request=day.request, by=day.ess.user)

    assert (again.pk, again.started_at, again.started_by_id) == (
        first.pk,
        first.started_at,
        day.buyer.pk,
    )
    assert MeetingPresence.objects.count() == 1
    assert _state(day, day.ess) == [(PresenceState.STARTED, False)]


def test_report_absent_marks_the_partner_and_leaves_the_reporter_alone(day):
    row = presence.report_absent(request=day.request, by=day.buyer.user)

    assert (row.absent_id, row.absent_reported_by_id) == (day.ess.pk, day.buyer.pk)
    assert _state(day, day.buyer) == [(PresenceState.PARTNER_ABSENT, True)]
    assert _state(day, day.ess) == [(PresenceState.PARTNER_ABSENT, False)]


def test_report_absent_twice_by_the_same_side_is_one_mark(day):
    first = presence.report_absent(request=day.request, by=day.buyer.user)
    again = presence.report_absent(request=day.request, by=day.buyer.user)

    assert again.absent_at == first.absent_at


def test_report_absent_by_the_side_marked_absent_is_refused(day):
    presence.report_absent(request=day.request, by=day.buyer.user)

    with pytest.raises(ValidationError, match="reported you absent"):
        presence.report_absent(request=day.request, by=day.ess.user)


def test_absent_then_started_clears_the_absence(day):
    presence.report_absent(request=day.request, by=day.buyer.user)

    row = presence.confirm_started(request=day.request, by=day.ess.user)

    assert (row.absent_at, row.absent_id, row.started_by_id) == (None, None, day.ess.pk)
    assert _state(day, day.buyer) == [(PresenceState.STARTED, False)]
    assert day_queries.no_shows(day.event, timezone.now()) == []


def test_absent_after_started_is_refused(day):
    presence.confirm_started(request=day.request, by=day.buyer.user)

    with pytest.raises(ValidationError, match="already started"):
        presence.report_absent(request=day.request, by=day.ess.user)


def test_presence_refused_to_someone_else(day, organiser):
    with pytest.raises(ValidationError, match="not part of this meeting"):
        presence.confirm_started(request=day.request, by=organiser)


@pytest.mark.parametrize(
    ("shift", "message"),
    [(-30, "not started yet"), (30, "is over")],
)
def test_presence_refused_outside_the_slot(day, shift, message):
    now = timezone.now() + dt.timedelta(minutes=shift)

    with pytest.raises(ValidationError, match=message):
        presence.confirm_started(request=day.request, by=day.buyer.user, now=now)


def test_presence_refused_when_the_event_is_not_live(day):
    day.event.phase = Phase.PUBLISHED
    day.event.save(update_fields=["phase"])

    with pytest.raises(ValidationError, match="during the event only"):
        presence.report_absent(request=day.request, by=day.buyer.user)
    assert _state(day, day.buyer) == []


def test_not_checked_in_is_no_show_only_after_the_organisers_minutes(day, organiser):
    update_settings(
        event=day.event,
        by=organiser,
        booking_mode="self_service",
        max_requests_per_participant=None,
        no_show_minutes=10,
    )
    day.buyer.checked_in_at = timezone.now()
    day.buyer.save(update_fields=["checked_in_at"])
    slot_start = day.current.starts_at

    before = _state(day, day.buyer, now=slot_start + dt.timedelta(minutes=9))
    after = _state(day, day.buyer, now=slot_start + dt.timedelta(minutes=10))

    assert before == [(PresenceState.WAITING, False)]
    assert after == [(PresenceState.PARTNER_ABSENT, True)]
    shows = day_queries.no_shows(day.event, slot_start + dt.timedelta(minutes=10))
    assert [(n.absent, n.present, n.reason) for n in shows] == [
        (day.ess, day.buyer, AbsenceReason.NOT_CHECKED_IN)
    ]


def test_nobody_is_a_no_show_while_nobody_is_checked_in(day):
    assert _state(day, day.buyer, now=day.current.ends_at - dt.timedelta(minutes=1)) == [
        (PresenceState.WAITING, False)
    ]
    assert day_queries.no_shows(day.event, day.current.ends_at) == []


def test_no_shows_lists_the_marked_absence(day):
    presence.report_absent(request=day.request, by=day.ess.user)

    shows = day_queries.no_shows(day.event, timezone.now())

    assert [(n.request, n.absent, n.present, n.reason, n.table) for n in shows] == [
        (day.request, day.buyer, day.ess, AbsenceReason.MARKED, day.tables[0])
    ]


def test_meeting_states_for_the_dashboard(day):
    other = meet(buyer(day.event), ess(day.event), day.current, day.tables[1])
    presence.confirm_started(request=other, by=other.sender.user)
    presence.report_absent(request=day.request, by=day.buyer.user)

    states = day_queries.meeting_states(day.event, timezone.now())

    assert states == {
        day.request.meeting.pk: PresenceState.PARTNER_ABSENT,
        other.meeting.pk: PresenceState.STARTED,
    }
