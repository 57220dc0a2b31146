import datetime as dt

import pytest

from events.enums import SessionKind
from tests.factories import PARIS, RoomFactory, SessionFactory, TableFactory


@pytest.fixture
def world(world):
    """Adds a room, a plenary session in it, a meeting block, a table and the buyer's registration."""
    event = world.event
    world.room = RoomFactory(event=event, name="Salle du Conseil", capacity=150)
    world.session = SessionFactory(event=event, room=world.room, title="Table ronde")
    world.block = SessionFactory(
        event=event,
        kind=SessionKind.MEETINGS,
        title="Rendez-vous",
        starts_at=dt.datetime(2019, 11, 26, 14, 0, tzinfo=PARIS),
        ends_at=dt.datetime(2019, 11, 26, 16, 0, tzinfo=PARIS),
        slot_minutes=20,
        gap_minutes=5,
    )
    world.table = TableFactory(event=event, name="T01")
    world.registration = event.registrations.get(user=world.users["buyer"])
    return world


@pytest.fixture(autouse=True)
def _english(settings):
    """Assertions read the English msgids; French pages are checked by the screenshots."""
    settings.LANGUAGE_CODE = "en"
