"""Re-pairing under a real race on PostgreSQL: N people left alone in the same slot all choose the
same free person at the same instant, each in its own thread and connection. `repair` locks the
slot before re-counting (through book_meeting), so exactly one books; the others are told that
person already has a meeting (or to try again), and keep their table and meeting unchanged.

Negative control: the same race with row locks switched off (TEST_DISABLE_LOCKS). The re-counts
then pass together and only the database constraint (one seat per person and slot) stops the
extra bookings: the race the lock turns into a clean refusal is real.

    .venv/bin/python -m tests.stack -- .venv/bin/python -m pytest tests/matching/test_day_repair_race.py
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from matching.models import Meeting
from matching.services import presence
from matching.services.requests import BUSY, CONSTRAINT, TAKEN
from tests.matching.day_world import live_day, meet
from tests.matching.schedule_world import buyer, ess

pytestmark = pytest.mark.stack

N = 8
ROUNDS = 3


def _race(event):
    """N meetings under way whose buyer is absent, and one free buyer everyone wants."""
    day = live_day(event, tables=N)
    alone = []
    for table in day.tables:
        structure = ess(event)
        request = meet(buyer(event), structure, day.current, table)
        presence.report_absent(request=request, by=structure.user)
        alone.append((request, structure))
    return day, alone, buyer(event)


def _repair_all_at_once(alone, wanted) -> list[str]:
    """Each thread re-pairs at the same instant; what each got: "booked" or the refusal code."""
    barrier = threading.Barrier(len(alone))
    results = [""] * len(alone)

    def run(index, request, structure):
        try:
            barrier.wait()
            presence.repair(request=request, partner=wanted, by=structure.user)
            results[index] = "booked"
        except ValidationError as error:
            results[index] = error.code or "invalid"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(i, request, structure))
        for i, (request, structure) in enumerate(alone)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _event_like(event, index: int):
    return type(event).objects.create(
        slug=f"{event.slug}-{index}",
        title=event.title,
        start_date=event.start_date,
        end_date=event.end_date,
        venue=event.venue,
    )


@pytest.fixture
def postgres(transactional_db, django_db_serialized_rollback):
    if connection.vendor != "postgresql":
        pytest.skip("the re-pairing race needs PostgreSQL: run it through `python -m tests.stack`")


def test_one_repair_wins_the_others_are_refused_cleanly(postgres, event):
    for index in range(ROUNDS):
        day, alone, wanted = _race(_event_like(event, index))

        results = _repair_all_at_once(alone, wanted)

        assert results.count("booked") == 1
        assert set(results) - {"booked"} <= {TAKEN, BUSY}
        assert Meeting.objects.filter(slot=day.current).count() == N
        kept = [r for (r, _s), got in zip(alone, results, strict=True) if got != "booked"]
        assert Meeting.objects.filter(request__in=kept).count() == N - 1


def test_negative_control_without_locks_only_the_constraint_stops_them(postgres, settings, event):
    settings.TEST_DISABLE_LOCKS = True
    outcomes = []
    for index in range(ROUNDS):
        _day, alone, wanted = _race(_event_like(event, index))
        outcomes.extend(_repair_all_at_once(alone, wanted))

    assert outcomes.count("booked") == ROUNDS
    assert CONSTRAINT in outcomes
