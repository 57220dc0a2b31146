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


# --- meeting requests (tests/matching/test_requests*.py, test_access_requests.py) ---------------


@pytest.fixture
def requests_phase(event):
    """`event` in its "interest and meeting requests" phase, where requests are sent and answered."""
    event.phase = "requests"
    event.save(update_fields=["phase"])
    return event


@pytest.fixture
def buyer_reg(buyer, event):
    """The buyer's registration for `event` (validated, buyer_org)."""
    return buyer.registrations.get(event=event)


@pytest.fixture
def ess_reg(ess_member, event):
    """The ESS member's registration for `event` (validated, ess_org)."""
    return ess_member.registrations.get(event=event)


@pytest.fixture
def self_service(event):
    """`event` lets participants pick a free slot when they accept."""
    from matching.models import MatchingSettings

    MatchingSettings.objects.update_or_create(
        event=event, defaults={"booking_mode": "self_service"}
    )
    return event
