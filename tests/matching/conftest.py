import datetime as dt

import pytest

from events.enums import SessionKind
from tests.factories import PARIS, SessionFactory, TableFactory


@pytest.fixture
def block(event):
    """A meeting block of three 20-minute slots, 14:00–15:00, with its slots generated."""
    from events.models import Slot

    session = SessionFactory(
        event=event,
        kind=SessionKind.MEETINGS,
        title="Rendez-vous d'affaires",
        starts_at=dt.datetime(2019, 11, 26, 14, 0, tzinfo=PARIS),
        ends_at=dt.datetime(2019, 11, 26, 15, 0, tzinfo=PARIS),
        slot_minutes=20,
    )
    for i in range(3):
        start = session.starts_at + dt.timedelta(minutes=20 * i)
        Slot.objects.create(
            session=session, starts_at=start, ends_at=start + dt.timedelta(minutes=20)
        )
    return session


@pytest.fixture
def slots(block):
    return list(block.slots.all())


@pytest.fixture
def tables(event):
    return [
        TableFactory(event=event, name="T01"),
        TableFactory(event=event, name="T02", accessible=False),
    ]
