"""Seats under concurrent requests on PostgreSQL: the workshop row lock keeps the capacity, and the
negative control (locks switched off by the test-only flag) shows the race it prevents."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from tests.workshops.conftest import make_workshop, participants
from workshops.models import Seat, WaitlistEntry
from workshops.services import take_seat

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (tests.stack)"
    ),
]

PEOPLE = 24


def _rush(workshop, people) -> list[BaseException]:
    barrier = threading.Barrier(len(people))
    errors: list[BaseException] = []

    def attempt(registration):
        from django.db import connection as thread_connection

        try:
            thread_connection.ensure_connection()
            barrier.wait()
            take_seat(registration=registration, workshop=workshop, by=registration.user)
        except ValidationError:
            pass
        except BaseException as error:
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=attempt, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_take_seat_concurrently_never_exceeds_capacity(event):
    workshop = make_workshop(event, capacity=3)
    people = participants(event, PEOPLE)

    errors = _rush(workshop, people)

    assert (errors, Seat.objects.count(), WaitlistEntry.objects.count()) == ([], 3, PEOPLE - 3)


def test_take_seat_concurrently_without_lock_overbooks(event, settings):
    settings.TEST_DISABLE_LOCKS = True
    workshop = make_workshop(event, capacity=3)
    people = participants(event, PEOPLE)

    _rush(workshop, people)

    assert Seat.objects.count() > 3
