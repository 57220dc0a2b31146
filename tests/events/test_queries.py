"""Every list view: the number of queries does not grow with the number of items (1 vs 3)."""

import datetime as dt

import pytest
from django.urls import reverse

from events.enums import RegistrationStatus, SessionKind
from tests.factories import (
    PARIS,
    EventFactory,
    RegistrationFactory,
    RoomFactory,
    SessionFactory,
    TableFactory,
    UserFactory,
    WorkshopFactory,
)
from tests.queries import growing

pytestmark = pytest.mark.django_db


def add_session(event, n: int):
    """A workshop with a facilitator in its own room and a meeting block: the richest rows."""
    start = dt.datetime(2019, 11, 26, 8 + n, 0, tzinfo=PARIS)
    room = RoomFactory(event=event)
    workshop_session = SessionFactory(
        event=event,
        kind=SessionKind.WORKSHOP,
        room=room,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=30),
    )
    workshop = WorkshopFactory(session=workshop_session, capacity=20)
    workshop.facilitators.add(UserFactory())
    SessionFactory(
        event=event,
        kind=SessionKind.MEETINGS,
        slot_minutes=10,
        starts_at=start + dt.timedelta(minutes=30),
        ends_at=start + dt.timedelta(minutes=60),
    )


@pytest.fixture
def organiser_client(client, event, organiser):
    client.force_login(organiser)
    return client


def test_home_list_queries_do_not_grow(client, assert_queries_constant, db):
    assert_queries_constant(
        items=growing(lambda n: EventFactory()), run=lambda _: client.get(reverse("home"))
    )


def test_public_programme_queries_do_not_grow(client, assert_queries_constant, event):
    url = reverse("events:detail", kwargs={"slug": event.slug})
    assert_queries_constant(
        items=growing(lambda n: add_session(event, n)), run=lambda _: client.get(url)
    )


def test_console_programme_queries_do_not_grow(organiser_client, assert_queries_constant, event):
    url = reverse("events:programme", kwargs={"slug": event.slug})
    assert_queries_constant(
        items=growing(lambda n: add_session(event, n)), run=lambda _: organiser_client.get(url)
    )


def test_slot_grid_queries_do_not_grow(organiser_client, assert_queries_constant, event):
    url = reverse("events:slots", kwargs={"slug": event.slug})
    assert_queries_constant(
        items=growing(lambda n: add_session(event, n)), run=lambda _: organiser_client.get(url)
    )


def test_registrations_queries_do_not_grow(organiser_client, assert_queries_constant, event):
    url = reverse("events:registrations", kwargs={"slug": event.slug})
    assert_queries_constant(
        items=growing(
            lambda n: RegistrationFactory(event=event, status=RegistrationStatus.PENDING)
        ),
        run=lambda _: organiser_client.get(url),
    )


def test_tables_queries_do_not_grow(organiser_client, assert_queries_constant, event):
    url = reverse("events:tables", kwargs={"slug": event.slug})
    assert_queries_constant(
        items=growing(lambda n: TableFactory(event=event)), run=lambda _: organiser_client.get(url)
    )


def test_rooms_queries_do_not_grow(organiser_client, assert_queries_constant, event):
    url = reverse("events:rooms", kwargs={"slug": event.slug})
    assert_queries_constant(
        items=growing(lambda n: RoomFactory(event=event)), run=lambda _: organiser_client.get(url)
    )


def test_organisers_queries_do_not_grow(organiser_client, assert_queries_constant, event):
    url = reverse("events:organisers", kwargs={"slug": event.slug})
    assert_queries_constant(
        items=growing(lambda n: event.organisers.add(UserFactory())),
        run=lambda _: organiser_client.get(url),
    )
