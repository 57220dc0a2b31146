"""A badge scanned at two desks at once counts once: eight organisers check the SAME person in at
the same instant, on PostgreSQL, each thread with its own connection. With the row lock
(events.services.check_in: `lock()` on the registration, then re-read), exactly one is the
check-in and the seven others are told "already checked in".

Negative control: the same race with the locks switched off (settings.TEST_DISABLE_LOCKS, the
test-only flag). Several threads then read "not checked in" before any of them commits, and
several desks say "checked in" (each would broadcast it): the race the lock prevents is real. It
is tried for a few rounds, so that a round whose threads happened to run one after the other does
not make the test flaky.

    .venv/bin/python -m tests.stack -- .venv/bin/python -m pytest tests/events/test_checkin_race.py
"""

import threading

import pytest
from django.db import connection

from events import services
from events.models import Registration
from tests.factories import EventFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

DESKS = 8
ROUNDS = 5


@pytest.fixture
def desks():
    if connection.vendor != "postgresql":
        pytest.skip("the check-in race needs PostgreSQL: run it through `python -m tests.stack`")
    event = EventFactory()
    organisers = UserFactory.create_batch(DESKS)
    event.organisers.add(*organisers)
    return RegistrationFactory(event=event), organisers


def first_check_ins(registration: Registration, organisers) -> int:
    """Every desk checks the person in at once; how many were told it was the first time."""
    barrier = threading.Barrier(len(organisers))
    answers: list[bool] = []

    def desk(organiser):
        try:
            barrier.wait()
            answers.append(services.check_in(registration=registration, by=organiser).already)
        finally:
            connection.close()

    threads = [threading.Thread(target=desk, args=(organiser,)) for organiser in organisers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == len(organisers)
    return answers.count(False)


def test_simultaneous_check_ins_count_once(desks):
    registration, organisers = desks

    firsts = [first_check_ins(registration, organisers)]
    for _round in range(ROUNDS - 1):
        services.undo_check_in(registration=registration, by=organisers[0])
        firsts.append(first_check_ins(registration, organisers))

    assert firsts == [1] * ROUNDS


def test_without_the_lock_several_desks_say_checked_in(desks, settings):
    registration, organisers = desks
    settings.TEST_DISABLE_LOCKS = True

    firsts = []
    for _round in range(ROUNDS):
        firsts.append(first_check_ins(registration, organisers))
        if firsts[-1] > 1:
            break
        services.undo_check_in(registration=registration, by=organisers[0])

    assert max(firsts) > 1, f"no race shown in {len(firsts)} rounds: {firsts}"
