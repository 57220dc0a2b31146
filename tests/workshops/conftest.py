import datetime as dt

import pytest

from accounts.models import Theme
from events.enums import SessionKind
from tests.factories import (
    PARIS,
    RegistrationFactory,
    RoomFactory,
    SessionFactory,
    WorkshopPlanFactory,
)
from workshops.services import save_workshop


@pytest.fixture(autouse=True)
def _english(settings):
    """Assertions read the English msgids; French pages are checked by the screenshots."""
    settings.LANGUAGE_CODE = "en"


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2019, 11, 26, hour, minute, tzinfo=PARIS)


def make_workshop(event, title="Atelier", start=(15, 15), end=(16, 45), capacity=30, room=None):
    """A programme session of kind workshop with its Workshop row."""
    session = SessionFactory(
        event=event,
        kind=SessionKind.WORKSHOP,
        title=title,
        room=room,
        starts_at=at(*start),
        ends_at=at(*end),
    )
    return save_workshop(session=session, theme=Theme.objects.get(code="food"), capacity=capacity)


@pytest.fixture
def seats_open(event):
    """The organisers applied a seat assignment: participants take free seats themselves."""
    return WorkshopPlanFactory(event=event, applied=True)


def participants(event, n):
    return [RegistrationFactory(event=event) for _ in range(n)]


@pytest.fixture
def world(world):
    """Adds a workshop in a room, the ESS member's registration and an unapplied proposal."""
    from workshops.services import propose_seats

    event = world.event
    world.room = RoomFactory(event=event, name="Salle Europe", capacity=40)
    world.workshop = make_workshop(event, "Atelier Alimentation", capacity=30, room=world.room)
    world.registration = event.registrations.get(user=world.users["ess_member"])
    world.proposal = propose_seats(event=event, by=world.users["organiser"])
    return world


# --- Idea boards ----------------------------------------------------------------------------------


@pytest.fixture
def board_world(event):
    """A live event with a workshop, its facilitator, two seated participants, someone registered
    without a seat, and an organiser."""
    from types import SimpleNamespace

    from events.enums import Phase
    from tests.factories import SeatFactory, UserFactory

    event.phase = Phase.LIVE
    event.save(update_fields=["phase"])
    workshop = make_workshop(event, "Atelier Alimentation")
    facilitator = UserFactory(first_name="Fanny", last_name="Animatrice")
    workshop.facilitators.add(facilitator)
    organiser = UserFactory()
    event.organisers.add(organiser)
    alice, bob, outsider = (RegistrationFactory(event=event) for _ in range(3))
    for person, name in ((alice, "Alice"), (bob, "Bob")):
        person.user.first_name, person.user.last_name = name, "Participante"
        person.user.save()
        SeatFactory(workshop=workshop, registration=person)
    return SimpleNamespace(
        event=event,
        workshop=workshop,
        facilitator=facilitator,
        organiser=organiser,
        alice=alice.user,
        bob=bob.user,
        outsider=outsider.user,
    )
