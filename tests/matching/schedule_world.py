"""Builders for the scheduling console's tests: a small event with slots, tables, people and
accepted requests, made straight in the database (the request services are tested elsewhere)."""

import datetime as dt
from types import SimpleNamespace

import pytest

from events.enums import Phase, RegistrationRole, SessionKind
from events.models import Slot
from matching.enums import RequestStatus
from matching.models import MeetingRequest
from tests.factories import (
    PARIS,
    BuyerOrganisationFactory,
    OrganisationFactory,
    RegistrationFactory,
    SessionFactory,
    TableFactory,
)


def make_block(event, *, slots: int = 3, hour: int = 14):
    session = SessionFactory(
        event=event,
        kind=SessionKind.MEETINGS,
        title="Rendez-vous d'affaires",
        starts_at=dt.datetime(2019, 11, 26, hour, 0, tzinfo=PARIS),
        ends_at=dt.datetime(2019, 11, 26, hour, 0, tzinfo=PARIS) + dt.timedelta(minutes=20 * slots),
        slot_minutes=20,
    )
    return [
        Slot.objects.create(
            session=session,
            starts_at=session.starts_at + dt.timedelta(minutes=20 * i),
            ends_at=session.starts_at + dt.timedelta(minutes=20 * (i + 1)),
        )
        for i in range(slots)
    ]


def buyer(event, **kwargs):
    return RegistrationFactory(
        event=event, organisation=BuyerOrganisationFactory(), role=RegistrationRole.BUYER, **kwargs
    )


def ess(event, **kwargs):
    return RegistrationFactory(
        event=event, organisation=OrganisationFactory(), role=RegistrationRole.ESS, **kwargs
    )


def accepted(a, b, **kwargs) -> MeetingRequest:
    return MeetingRequest.objects.create(
        event=a.event, sender=a, recipient=b, status=RequestStatus.ACCEPTED, **kwargs
    )


def make_world(event, *, slots: int = 3, tables: int = 2, pairs: int = 2) -> SimpleNamespace:
    """An event in the scheduling phase with `pairs` buyer↔ESS accepted requests."""
    event.phase = Phase.SCHEDULING
    event.save(update_fields=["phase"])
    world = SimpleNamespace(event=event)
    world.slots = make_block(event, slots=slots)
    world.tables = [TableFactory(event=event, name=f"T{i + 1:02d}") for i in range(tables)]
    world.buyers = [buyer(event) for _ in range(pairs)]
    world.ess = [ess(event) for _ in range(pairs)]
    world.requests = [accepted(b, e) for b, e in zip(world.buyers, world.ess, strict=True)]
    return world


@pytest.fixture(autouse=True)
def eager_tasks():
    """Tasks run in the process, also on the real stack where REDIS_URL would send them to a
    worker (import this fixture into a test module to use it)."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous
