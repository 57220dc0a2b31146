"""Builders for the day itself: an event live now, with a slot that has ended, one under way and
one to come, tables, and meetings booked the way participants book them (so agendas show them)."""

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from events.enums import Phase, SessionKind
from events.models import Slot
from matching.services.requests import book_meeting
from tests.factories import SessionFactory, TableFactory
from tests.matching.schedule_world import accepted


def live_day(event, *, ago: int = 7, tables: int = 4) -> SimpleNamespace:
    """`event` live now: 20-minute slots `past` (ended), `current` (started `ago` minutes ago)
    and `next`, and `tables` tables T01, T02..."""
    event.phase = Phase.LIVE
    event.save(update_fields=["phase"])
    current = (timezone.now() - dt.timedelta(minutes=ago)).replace(second=0, microsecond=0)
    start = current - dt.timedelta(minutes=20)
    session = SessionFactory(
        event=event,
        kind=SessionKind.MEETINGS,
        title="Rendez-vous d'affaires",
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=60),
        slot_minutes=20,
    )
    slots = [
        Slot.objects.create(
            session=session,
            starts_at=start + dt.timedelta(minutes=20 * i),
            ends_at=start + dt.timedelta(minutes=20 * (i + 1)),
        )
        for i in range(3)
    ]
    return SimpleNamespace(
        event=event,
        past=slots[0],
        current=slots[1],
        next=slots[2],
        tables=[TableFactory(event=event, name=f"T{i + 1:02d}") for i in range(tables)],
    )


def meet(a, b, slot, table=None):
    """An accepted request between `a` and `b`, booked by them in `slot` (at `table`)."""
    request = accepted(a, b)
    book_meeting(request=request, slot=slot, by=a.user, table=table, self_booked=True)
    return request
