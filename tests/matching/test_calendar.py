"""Calendars (events/ical.py) read back with vobject, a parser independent of the icalendar
library that writes them: the private feed of a participant's day, a meeting's own .ics and the
public programme. UIDs stay across a move and a cancellation, SEQUENCE goes up with each, a
cancelled meeting stays as STATUS:CANCELLED, every TZID has its VTIMEZONE, 304 on If-None-Match,
and a new feed address kills the old one."""

import datetime as dt

import pytest
import vobject
from django.urls import reverse
from django.utils import translation

from events import services as event_services
from events.enums import SessionKind
from events.models import Event
from matching.services import requests as request_services
from matching.services import schedule as services
from tests.factories import PARIS, RoomFactory, SessionFactory
from tests.matching.schedule_world import accepted, eager_tasks, ess, make_world  # noqa: F401
from tests.queries import growing


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def world(event, organiser, django_capture_on_commit_callbacks):
    """One buyer↔ESS meeting placed at 14:00 at T01 and published (version 1). The event's last
    day is moved far ahead: cancelled meetings stay in calendars only until the event is over."""
    Event.objects.filter(pk=event.pk).update(end_date=dt.date(2100, 1, 1))
    event.refresh_from_db()
    world = make_world(event, pairs=1)
    world.request = world.requests[0]
    world.buyer = world.buyers[0]
    request_services.book_meeting(
        request=world.request, slot=world.slots[0], table=world.tables[0], by=organiser
    )
    publish(world, organiser, django_capture_on_commit_callbacks)
    return world


def publish(world, by, capture):
    with capture(execute=True):
        return services.publish_schedule(event=world.event, by=by)


def feed_url(registration):
    registration.refresh_from_db()
    return reverse("events:calendar_feed", args=[registration.ical_token])


def read(response):
    """The calendar of a response, parsed by vobject, after the checks every output must pass."""
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith("inline; filename=")
    assert response["Content-Disposition"].endswith('.ics"')
    body = response.content
    lines = body.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75  # folded (RFC 5545 3.1)
    raw = vobject.readOne(body.decode("utf-8"), transform=False)
    zones = {tz.tzid.value for tz in raw.contents.get("vtimezone", [])}
    for vevent in raw.contents.get("vevent", []):
        for prop in ("dtstart", "dtend"):  # in the event's zone, with a VTIMEZONE for it
            assert getattr(vevent, prop).params["TZID"] == ["Europe/Paris"]
            assert "Europe/Paris" in zones
    calendar = vobject.readOne(body.decode("utf-8"))
    for vevent in calendar.contents.get("vevent", []):
        for prop in ("uid", "dtstamp", "last_modified", "sequence", "status"):
            assert vevent.contents.get(prop.replace("_", "-")), prop
    return calendar


def meetings(calendar):
    events = calendar.contents.get("vevent", [])
    return {v.uid.value: v for v in events if v.summary.value.startswith("Meeting")}


def test_feed_uid_stable_and_sequence_raised_across_a_move_and_a_cancellation(
    client, world, organiser, django_capture_on_commit_callbacks
):
    uid = str(world.request.ical_uid)
    before = meetings(read(client.get(feed_url(world.buyer))))[uid]
    meeting = world.request.meeting
    services.move_meeting(meeting=meeting, slot=world.slots[1], table=None, by=organiser)
    publish(world, organiser, django_capture_on_commit_callbacks)

    moved = meetings(read(client.get(feed_url(world.buyer))))[uid]
    request_services.cancel_request(request=world.request, by=world.buyer.user)
    cancelled = meetings(read(client.get(feed_url(world.buyer))))

    assert before.dtstart.value == dt.datetime(2019, 11, 26, 14, 0, tzinfo=PARIS)
    assert moved.dtstart.value == dt.datetime(2019, 11, 26, 14, 20, tzinfo=PARIS)
    assert list(cancelled) == [uid]
    assert cancelled[uid].status.value == "CANCELLED"
    assert cancelled[uid].dtstart.value == moved.dtstart.value
    assert before.status.value == moved.status.value == "CONFIRMED"
    assert int(before.sequence.value) < int(moved.sequence.value)
    assert int(moved.sequence.value) < int(cancelled[uid].sequence.value)


def test_feed_meeting_tells_partner_table_and_time_zone(client, world):
    response = client.get(feed_url(world.buyer))
    calendar = read(response)

    vevent = meetings(calendar)[str(world.request.ical_uid)]
    partner = world.ess[0]
    assert vevent.summary.value == f"Meeting · {partner.organisation} ({partner.user})"
    assert vevent.location.value.startswith("Table T01")
    assert [tz.tzid.value for tz in calendar.vtimezone_list] == ["Europe/Paris"]
    raw = vobject.readOne(response.content.decode(), transform=False)
    assert raw.contents["refresh-interval"][0].value == "PT1H"
    assert raw.contents["refresh-interval"][0].params["VALUE"] == ["DURATION"]
    assert raw.contents["x-published-ttl"][0].value == "PT1H"


def test_cancelled_meeting_leaves_the_feed_once_the_event_is_over(client, world):
    request_services.cancel_request(request=world.request, by=world.buyer.user)
    Event.objects.filter(pk=world.event.pk).update(end_date=dt.date(2019, 11, 26))

    calendar = read(client.get(feed_url(world.buyer)))

    assert meetings(calendar) == {}


def test_feed_answers_304_on_if_none_match_until_something_changes(client, world, organiser):
    url = feed_url(world.buyer)
    first = client.get(url)

    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    services.move_meeting(
        meeting=world.request.meeting, slot=world.slots[1], table=None, by=organiser
    )
    request_services.cancel_request(request=world.request, by=world.buyer.user)
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert again.content == b""
    assert "Last-Modified" in first
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]


def test_new_feed_address_kills_the_old_one(client, world):
    old = feed_url(world.buyer)
    client.force_login(world.buyer.user)

    response = client.post(
        reverse("events:calendar_regenerate", args=[world.event.slug]),
        {"next": reverse("matching:agenda", args=[world.event.slug])},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("matching:agenda", args=[world.event.slug])
    assert client.get(old).status_code == 404
    assert client.get(feed_url(world.buyer)).status_code == 200


def test_feed_of_a_registration_no_longer_validated_not_found(client, world):
    url = feed_url(world.buyer)
    world.buyer.status = "cancelled"
    world.buyer.save(update_fields=["status"])

    assert client.get(url).status_code == 404


def test_meeting_ics_has_the_feed_uid_and_sequence(client, world):
    client.force_login(world.buyer.user)
    feed = meetings(read(client.get(feed_url(world.buyer))))

    response = client.get(
        reverse("matching:meeting_ics", args=[world.event.slug, world.request.pk])
    )

    single = read(response)
    assert [v.uid.value for v in single.vevent_list] == list(feed)
    uid = str(world.request.ical_uid)
    assert single.vevent.sequence.value == feed[uid].sequence.value
    assert response["Content-Disposition"].endswith(f'meeting-{world.request.pk}.ics"')


def test_agenda_and_my_meetings_offer_the_subscription(client, world, settings):
    settings.SITE_URL = "https://osez.example.org"
    client.force_login(world.buyer.user)
    world.buyer.refresh_from_db()

    pages = [
        client.get(reverse(name, args=[world.event.slug]))
        for name in ("matching:agenda", "matching:requests")
    ]

    for page in pages:
        content = page.content.decode()
        assert f"webcal://osez.example.org/calendar/{world.buyer.ical_token}.ics" in content
        assert f"https://osez.example.org/calendar/{world.buyer.ical_token}.ics" in content
        assert "refresh subscribed calendars slowly" in content


def test_programme_feed_escapes_text_and_raises_sequence_on_a_move(client, event):
    room = RoomFactory(event=event, name="Salle A")
    title = "Plénière; ouverture, accueil \\ café"
    description = "Mot d'accueil " * 20
    session = SessionFactory(event=event, title=title, description=description, room=room)
    url = reverse("events:programme_feed", args=[event.slug])
    before = read(client.get(url))
    event_services.save_session(
        event=event,
        kind=SessionKind.PLENARY,
        title=title,
        description=description,
        room=room,
        starts_at=session.starts_at + dt.timedelta(hours=1),
        ends_at=session.ends_at + dt.timedelta(hours=1),
        session=session,
    )

    after = read(client.get(url))

    assert before.vevent.uid.value == after.vevent.uid.value == str(session.ical_uid)
    assert before.vevent.summary.value == title
    assert before.vevent.description.value == description
    assert before.vevent.location.value.startswith("Salle A · ")
    assert (int(before.vevent.sequence.value), int(after.vevent.sequence.value)) == (0, 1)
    assert after.vevent.dtstart.value == dt.datetime(2019, 11, 26, 10, 30, tzinfo=PARIS)


def test_feed_queries_do_not_grow_with_meetings(assert_queries_constant, client, event, organiser):
    world = make_world(event, slots=3, tables=1, pairs=1)
    person = world.buyers[0]

    def add_meeting(n):
        partner = ess(event)
        request_services.book_meeting(
            request=accepted(person, partner),
            slot=world.slots[n],
            table=world.tables[0],
            by=organiser,
            self_booked=True,
        )
        SessionFactory(event=event, room=RoomFactory(event=event), title=f"Plénière {n}")

    assert_queries_constant(items=growing(add_meeting), run=lambda _: client.get(feed_url(person)))


def test_programme_feed_queries_do_not_grow(assert_queries_constant, client, event):
    url = reverse("events:programme_feed", args=[event.slug])

    assert_queries_constant(
        items=growing(lambda n: SessionFactory(event=event, room=RoomFactory(event=event))),
        run=lambda _: client.get(url),
    )


def test_agenda_offers_the_subscription_in_french(client, world, settings):
    settings.LANGUAGE_CODE = "fr"
    client.force_login(world.buyer.user)

    with translation.override("fr"):
        content = client.get(reverse("matching:agenda", args=[world.event.slug])).content.decode()
        feed = client.get(feed_url(world.buyer)).content.decode()

    assert "Dans votre agenda" in content
    assert "actualisent lentement" in content
    assert "Rendez-vous · " in feed
