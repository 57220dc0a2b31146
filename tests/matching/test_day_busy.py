"""Busy times have one home (events/day.py): a buyer whose organisation pitches at the event is busy
during the pitch session for self-service booking, the free-slot list, the console's hand
placement and the engine's problem alike."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from events import day
from events.enums import DayKind, SessionKind
from events.models import Unavailability
from matching import bridge
from matching.models import Meeting
from matching.services import requests as services
from tests.factories import PARIS, PitchFactory, RegistrationFactory, SessionFactory
from tests.matching.schedule_world import eager_tasks, make_world  # noqa: F401

pytestmark = pytest.mark.usefixtures("requests_phase")


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def pitch_session(event):
    """The pitch session, 14:20–14:40: the second slot of the `slots` fixture (14:00–15:00)."""
    return SessionFactory(
        event=event,
        kind=SessionKind.PITCHES,
        title="Pitchs des acheteurs",
        starts_at=dt.datetime(2019, 11, 26, 14, 20, tzinfo=PARIS),
        ends_at=dt.datetime(2019, 11, 26, 14, 40, tzinfo=PARIS),
    )


@pytest.fixture
def pitching(event, buyer_org):
    """The buyer's organisation has a published pitch; the event a pitch session at 14:20."""
    PitchFactory(event=event, buyer=buyer_org)
    return pitch_session(event)


@pytest.fixture
def accepted(buyer, buyer_reg, ess_reg, ess_member):
    return services.accept_request(
        request=services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer),
        by=ess_member,
    )


def test_free_slots_leave_out_the_buyers_own_pitch_session(
    client, event, self_service, slots, tables, pitching, accepted, buyer
):
    client.force_login(buyer)

    page = client.get(reverse("matching:request_book", args=[event.slug, accepted.pk]))

    offered = [choice[0] for choice in page.context["form"].fields["slot"].choices]
    assert offered == [slots[0].pk, slots[2].pk]


def test_self_service_booking_during_the_buyers_own_pitch_is_refused(
    client, event, self_service, slots, tables, pitching, accepted, buyer
):
    client.force_login(buyer)

    response = client.post(
        reverse("matching:request_book", args=[event.slug, accepted.pk]), {"slot": slots[1].pk}
    )

    assert (response.status_code, Meeting.objects.count()) == (400, 0)
    assert "is not available in this slot (Pitchs des acheteurs)" in response.content.decode()


def test_pitch_session_of_another_buyer_leaves_this_buyer_free(
    client, event, self_service, slots, tables, accepted, buyer
):
    PitchFactory(event=event)  # another organisation pitches
    pitch_session(event)
    client.force_login(buyer)

    response = client.post(
        reverse("matching:request_book", args=[event.slug, accepted.pk]), {"slot": slots[1].pk}
    )

    assert response.status_code == 302
    assert Meeting.objects.get().slot == slots[1]


def test_console_hand_placement_during_the_buyers_own_pitch_is_refused(client, event, organiser):
    world = make_world(event)
    PitchFactory(event=event, buyer=world.buyers[0].organisation)
    pitch_session(event)
    client.force_login(organiser)

    response = client.post(
        reverse("matching:request_place", args=[event.slug, world.requests[0].pk]),
        {"slot": world.slots[1].pk, "table": ""},
    )

    assert (response.status_code, Meeting.objects.count()) == (200, 0)
    assert "is not available in this slot" in str(response.context["form"].non_field_errors())


def test_console_moving_a_meeting_into_the_buyers_own_pitch_is_refused(client, event, organiser):
    world = make_world(event)
    PitchFactory(event=event, buyer=world.buyers[0].organisation)
    pitch_session(event)
    meeting = services.book_meeting(request=world.requests[0], slot=world.slots[0], by=organiser)
    client.force_login(organiser)

    response = client.post(
        reverse("matching:meeting", args=[event.slug, meeting.pk]),
        {"slot": world.slots[1].pk, "table": ""},
    )

    assert response.status_code == 200
    assert Meeting.objects.get().slot == world.slots[0]


def test_engine_problem_marks_the_pitch_session_unavailable_for_the_pitching_buyer(event):
    world = make_world(event)
    PitchFactory(event=event, buyer=world.buyers[0].organisation)
    pitch_session(event)

    built = bridge.build(event)

    by_id = built.problem.participant_by_id
    assert by_id[str(world.buyers[0].pk)].unavailable == frozenset({str(world.slots[1].pk)})
    assert by_id[str(world.buyers[1].pk)].unavailable == frozenset()
    assert built.unavailable[world.buyers[0].pk] == {str(world.slots[1].pk): "Pitchs des acheteurs"}


def test_engine_problem_leaves_meetings_out_of_busy_times(event, organiser):
    world = make_world(event)
    services.book_meeting(request=world.requests[0], slot=world.slots[0], by=organiser)

    problem = bridge.build_problem(event)

    assert problem.participant_by_id[str(world.buyers[0].pk)].unavailable == frozenset()


def test_busy_stretches_gather_every_kind(event, organiser):
    from tests.factories import WorkshopPlanFactory
    from tests.workshops.conftest import make_workshop
    from workshops.services import take_seat

    WorkshopPlanFactory(event=event, applied=True)  # seats are open (workshops.rules)
    world = make_world(event)
    person = world.buyers[0]
    PitchFactory(event=event, buyer=person.organisation)
    pitch_session(event)
    take_seat(registration=person, workshop=make_workshop(event, "Atelier"), by=person.user)
    Unavailability.objects.create(
        registration=person,
        starts_at=dt.datetime(2019, 11, 26, 17, 0, tzinfo=PARIS),
        ends_at=dt.datetime(2019, 11, 26, 18, 0, tzinfo=PARIS),
        reason="Train",
    )
    services.book_meeting(request=world.requests[0], slot=world.slots[0], by=organiser)

    busy = day.busy_stretches(event, [person, world.buyers[1]])

    assert [(s.kind, s.label) for s in busy[person.pk]] == [
        (DayKind.MEETING, "a meeting"),
        (DayKind.PITCHES, "Pitchs des acheteurs"),
        (DayKind.WORKSHOP, "Atelier"),
        (DayKind.UNAVAILABLE, "Train"),
    ]
    assert busy[world.buyers[1].pk] == []


def test_busy_stretches_query_count_does_not_grow(event, organiser):
    def count(n):
        people = [RegistrationFactory(event=event) for _ in range(n)]
        with CaptureQueriesContext(connection) as captured:
            day.busy_stretches(event, people)
        return len(captured)

    PitchFactory(event=event)
    pitch_session(event)

    assert count(1) == count(3)
