import pytest
from django.core.exceptions import ValidationError

from events.enums import RegistrationStatus
from tests.factories import EventFactory, RegistrationFactory, RoomFactory, SeatFactory
from tests.workshops.conftest import make_workshop, participants
from workshops.models import Seat, WaitlistEntry
from workshops.services import leave_workshop, take_seat

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seats_open")]


def _seated(workshop):
    return sorted(workshop.seats.values_list("registration_id", flat=True))


def _waiting(workshop):
    return list(workshop.waitlist.values_list("registration_id", flat=True))


def test_take_seat_within_capacity_then_waiting_list_in_order(event):
    workshop = make_workshop(event, capacity=2)
    first, second, third, fourth = participants(event, 4)

    results = [
        take_seat(registration=r, workshop=workshop, by=r.user)
        for r in (first, second, third, fourth)
    ]

    assert [type(result) for result in results] == [Seat, Seat, WaitlistEntry, WaitlistEntry]
    assert (_seated(workshop), _waiting(workshop)) == (
        sorted([first.pk, second.pk]),
        [third.pk, fourth.pk],
    )


def test_take_seat_capacity_is_capped_by_a_smaller_room(event):
    room = RoomFactory(event=event, capacity=1)
    workshop = make_workshop(event, capacity=30, room=room)
    first, second = participants(event, 2)

    take_seat(registration=first, workshop=workshop, by=first.user)
    second_result = take_seat(registration=second, workshop=workshop, by=second.user)

    assert (type(second_result), _seated(workshop)) == (WaitlistEntry, [first.pk])


def test_take_seat_twice_is_refused(event):
    workshop = make_workshop(event)
    (person,) = participants(event, 1)
    take_seat(registration=person, workshop=workshop, by=person.user)

    with pytest.raises(ValidationError, match="already have a seat in this workshop"):
        take_seat(registration=person, workshop=workshop, by=person.user)
    assert Seat.objects.count() == 1


def test_take_seat_at_the_same_time_as_another_seat_is_refused(event):
    food = make_workshop(event, "Alimentation", start=(15, 0), end=(16, 30))
    waste = make_workshop(event, "Déchets", start=(16, 0), end=(17, 0))
    (person,) = participants(event, 1)
    take_seat(registration=person, workshop=food, by=person.user)

    with pytest.raises(ValidationError, match="already have a seat in “Alimentation” at the same"):
        take_seat(registration=person, workshop=waste, by=person.user)
    assert (Seat.objects.count(), WaitlistEntry.objects.count()) == (1, 0)


def test_take_seat_in_workshops_one_after_the_other_is_allowed(event):
    morning = make_workshop(event, "Matin", start=(10, 0), end=(11, 0))
    afternoon = make_workshop(event, "Après-midi", start=(11, 0), end=(12, 0))
    (person,) = participants(event, 1)

    take_seat(registration=person, workshop=morning, by=person.user)
    take_seat(registration=person, workshop=afternoon, by=person.user)

    assert Seat.objects.filter(registration=person).count() == 2


def test_take_seat_refuses_pending_registration_and_other_event(event):
    workshop = make_workshop(event)
    pending = RegistrationFactory(event=event, status=RegistrationStatus.PENDING)
    stranger = RegistrationFactory(event=EventFactory())

    with pytest.raises(ValidationError, match="Only validated participants"):
        take_seat(registration=pending, workshop=workshop, by=pending.user)
    with pytest.raises(ValidationError, match="another event"):
        take_seat(registration=stranger, workshop=workshop, by=stranger.user)
    assert Seat.objects.count() == 0


def test_leave_workshop_gives_the_seat_to_the_first_waiting(event):
    workshop = make_workshop(event, capacity=1)
    holder, first, second = participants(event, 3)
    for person in (holder, first, second):
        take_seat(registration=person, workshop=workshop, by=person.user)

    promoted = leave_workshop(registration=holder, workshop=workshop, by=holder.user)

    assert ([s.registration_id for s in promoted], _seated(workshop), _waiting(workshop)) == (
        [first.pk],
        [first.pk],
        [second.pk],
    )


def test_leave_workshop_skips_a_waiting_person_busy_at_that_time(event):
    workshop = make_workshop(event, "Alimentation", capacity=1)
    other = make_workshop(event, "Déchets")
    holder, busy, free = participants(event, 3)
    take_seat(registration=holder, workshop=workshop, by=holder.user)
    take_seat(registration=busy, workshop=workshop, by=busy.user)
    take_seat(registration=free, workshop=workshop, by=free.user)
    # `busy` meanwhile took a seat elsewhere at the same time (waiting, then seated elsewhere).
    SeatFactory(workshop=other, registration=busy)

    leave_workshop(registration=holder, workshop=workshop, by=holder.user)

    assert (_seated(workshop), _waiting(workshop)) == ([free.pk], [busy.pk])


def test_leave_waiting_list_keeps_the_seats(event):
    workshop = make_workshop(event, capacity=1)
    holder, waiting = participants(event, 2)
    take_seat(registration=holder, workshop=workshop, by=holder.user)
    take_seat(registration=waiting, workshop=workshop, by=waiting.user)

    promoted = leave_workshop(registration=waiting, workshop=workshop, by=waiting.user)

    assert (promoted, _seated(workshop), _waiting(workshop)) == ([], [holder.pk], [])


def test_leave_workshop_without_seat_is_refused(event):
    workshop = make_workshop(event)
    (person,) = participants(event, 1)

    with pytest.raises(ValidationError, match="neither a seat nor a place"):
        leave_workshop(registration=person, workshop=workshop, by=person.user)
