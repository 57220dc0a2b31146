"""core/locking.py: a lock held elsewhere makes a service say "busy, try again" after the lock
timeout, never a 500 nor an endless wait. Needs PostgreSQL (SQLite has no row locks)."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from core.locking import LOCK_TIMEOUT, Busy, lock, locked_transaction
from events.models import Event
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL: run through `python -m tests.stack`")


def _hold_lock(event_id: int, held: threading.Event, release: threading.Event) -> None:
    """Another connection locks the event row until told to let go."""
    try:
        with transaction.atomic():
            list(Event.objects.select_for_update().filter(pk=event_id))
            held.set()
            release.wait(10)
    finally:
        connections.close_all()


def test_locked_transaction_turns_a_lock_timeout_into_busy(postgres):
    event = EventFactory()
    held, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_lock, args=(event.pk, held, release))
    holder.start()
    held.wait(5)
    started = time.monotonic()
    try:
        with pytest.raises(Busy) as refusal, locked_transaction("Réessayez dans un instant."):
            lock(Event.objects.filter(pk=event.pk)).get()
    finally:
        release.set()
        holder.join()

    assert refusal.value.messages == ["Réessayez dans un instant."]
    assert refusal.value.code == "busy"
    assert time.monotonic() - started < int(LOCK_TIMEOUT.rstrip("s")) + 2


def test_locked_transaction_rolls_back_what_it_wrote_before_busy(postgres):
    event = EventFactory(title="Avant")
    held, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_lock, args=(event.pk, held, release))
    other = EventFactory()
    holder.start()
    held.wait(5)
    try:
        with pytest.raises(Busy), locked_transaction():
            Event.objects.filter(pk=other.pk).update(title="Écrit puis annulé")
            lock(Event.objects.filter(pk=event.pk)).get()
    finally:
        release.set()
        holder.join()

    other.refresh_from_db()
    assert other.title != "Écrit puis annulé"
