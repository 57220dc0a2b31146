"""'My agenda' is the participant's whole day (events/day.py): booked meetings, workshop seats,
programme sessions, the pitch session for those who pitch and unavailability, all at once, each
with its day and time in the event's zone, before any schedule version is published."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from events.enums import Phase, SessionKind
from events.models import Unavailability
from matching.models import MatchingSettings
from tests.factories import PARIS, PitchFactory, SessionFactory, WorkshopPlanFactory
from tests.matching.schedule_world import make_world
from tests.workshops.conftest import make_workshop
from workshops.services import take_seat


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def at(hour, minute=0):
    return dt.datetime(2019, 11, 26, hour, minute, tzinfo=PARIS)


@pytest.fixture
def world(event, client):
    """A self-service event in its requests phase; the first buyer booked 14:20 with the first
    structure through the page; nothing is published."""
    world = make_world(event, slots=3, tables=1, pairs=1)
    MatchingSettings.objects.create(event=event, booking_mode="self_service")
    event.phase = Phase.REQUESTS
    event.save(update_fields=["phase"])
    client.force_login(world.buyers[0].user)
    response = client.post(
        reverse("matching:request_book", args=[event.slug, world.requests[0].pk]),
        {"slot": world.slots[1].pk},
    )
    assert response.status_code == 302
    return world


def agenda(client, person, event):
    client.force_login(person.user)
    return client.get(reverse("matching:agenda", args=[event.slug]))


def test_agenda_shows_a_self_booked_meeting_before_any_publication(client, world):
    response = agenda(client, world.ess[0], world.event)

    content = response.content.decode()
    assert response.context["version"] is None
    assert "14:20\u201314:40" in content and str(world.buyers[0].organisation) in content
    assert "Table T01" in content
    assert "November 26, 2019" in content or "26 November 2019" in content


def test_agenda_shows_the_whole_day_at_once_in_time_order(client, world):
    person = world.buyers[0]
    event = world.event
    SessionFactory(event=event, title="Table ronde", starts_at=at(9, 30), ends_at=at(10, 30))
    PitchFactory(event=event, buyer=person.organisation)
    SessionFactory(
        event=event, kind=SessionKind.PITCHES, title="Pitchs", starts_at=at(11), ends_at=at(12)
    )
    workshop = make_workshop(event, "Atelier mobilité", start=(15, 15), end=(16, 45))
    WorkshopPlanFactory(event=event, applied=True)  # seats are open (workshops.rules)
    take_seat(registration=person, workshop=workshop, by=person.user)
    make_workshop(event, "Atelier sans moi", start=(15, 15), end=(16, 45))
    Unavailability.objects.create(
        registration=person, starts_at=at(17), ends_at=at(18), reason="Train de retour"
    )

    response = agenda(client, person, event)

    [(day, items)] = response.context["days"]
    assert day == dt.date(2019, 11, 26)
    assert [(item.kind, item.start) for item in items] == [
        ("session", at(9, 30)),
        ("pitches", at(11)),
        ("meeting", at(14, 20)),
        ("workshop", at(15, 15)),
        ("unavailable", at(17)),
    ]
    content = response.content.decode()
    for text in (
        "Table ronde",
        "Pitchs",
        "Atelier mobilité",
        "Train de retour",
        "11:00\u201312:00",
    ):
        assert text in content
    assert "Atelier sans moi" not in content


def test_agenda_groups_a_two_day_event_by_day(client, world):
    SessionFactory(
        event=world.event,
        title="Restitution",
        starts_at=dt.datetime(2019, 11, 27, 9, 0, tzinfo=PARIS),
        ends_at=dt.datetime(2019, 11, 27, 10, 0, tzinfo=PARIS),
    )

    response = agenda(client, world.ess[0], world.event)

    assert [day for day, _items in response.context["days"]] == [
        dt.date(2019, 11, 26),
        dt.date(2019, 11, 27),
    ]


def test_agenda_query_count_does_not_grow_with_items(client, world):
    person = world.buyers[0]

    def count():
        client.force_login(person.user)
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("matching:agenda", args=[world.event.slug]))
        return len(captured)

    one = count()
    for hour in (9, 10, 11):
        SessionFactory(event=world.event, starts_at=at(hour), ends_at=at(hour, 30))
        Unavailability.objects.create(
            registration=person, starts_at=at(hour + 8), ends_at=at(hour + 8, 30)
        )

    assert count() == one


def test_the_agenda_fetches_itself_again_when_the_clock_changes_it(event):
    """Start, start + no-show minutes, end: the next of them, in seconds (and None after)."""
    import datetime as dt
    from types import SimpleNamespace

    from matching import rules
    from matching.schedule_queries import next_change_in

    start = dt.datetime(2019, 11, 26, 10, 0, tzinfo=dt.UTC)
    line = SimpleNamespace(
        slot=SimpleNamespace(starts_at=start, ends_at=start + dt.timedelta(minutes=20))
    )
    minutes = rules.no_show_minutes(event)

    assert next_change_in(event, [line], start - dt.timedelta(minutes=1)) == 61
    assert next_change_in(event, [line], start) == minutes * 60 + 1
    assert next_change_in(event, [line], start + dt.timedelta(minutes=minutes)) == (
        (20 - minutes) * 60 + 1
    )
    assert next_change_in(event, [line], start + dt.timedelta(minutes=20)) is None
    assert next_change_in(event, [], start) is None


def test_the_agenda_page_lists_the_venue_s_tables_by_zone_and_rooms(client, event):
    """Kept offline with the page (static/js/sw.js): where every table and room is."""
    from django.urls import reverse

    from tests.factories import RegistrationFactory, RoomFactory, TableFactory

    registration = RegistrationFactory(event=event)
    TableFactory(event=event, name="T01", zone="Atrium")
    TableFactory(event=event, name="T02", zone="Atrium", accessible=False)
    TableFactory(event=event, name="T09", zone="Mezzanine")
    RoomFactory(event=event, name="Salle Jean Jaurès")
    client.force_login(registration.user)

    page = client.get(reverse("matching:agenda", args=[event.slug])).content.decode()

    venue = page[page.index('class="card agenda-venue"') :]
    assert (
        venue.index("Atrium")
        < venue.index("T01")
        < venue.index("T02")
        < venue.index("Mezzanine")
        < venue.index("T09")
    )
    assert "Salle Jean Jaurès" in venue
