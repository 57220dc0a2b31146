"""Workshop seats through the outbox: a seat taken or assigned, a seat from the waiting list."""

import pytest

from notifications.enums import MessageState
from notifications.models import OutboxMessage
from notifications.services import send_message
from tests.workshops.conftest import make_workshop, participants
from workshops import emails
from workshops.services import apply_plan, leave_workshop, propose_seats, save_wishes, take_seat

pytestmark = pytest.mark.django_db


def _kinds_for(registration):
    return sorted(
        OutboxMessage.objects.filter(recipient=registration.user).values_list("kind", flat=True)
    )


@pytest.mark.usefixtures("seats_open")
def test_take_seat_confirms_the_seat_and_a_waiting_place_gets_nothing(event):
    workshop = make_workshop(event, capacity=1)
    seated, waiting = participants(event, 2)

    take_seat(registration=seated, workshop=workshop, by=seated.user)
    take_seat(registration=waiting, workshop=workshop, by=waiting.user)

    assert (_kinds_for(seated), _kinds_for(waiting)) == ([emails.SEAT_GIVEN], [])


@pytest.mark.usefixtures("seats_open")
def test_leaving_gives_the_seat_and_its_email_to_the_first_waiting(event):
    workshop = make_workshop(event, capacity=1)
    seated, waiting = participants(event, 2)
    take_seat(registration=seated, workshop=workshop, by=seated.user)
    take_seat(registration=waiting, workshop=workshop, by=waiting.user)

    leave_workshop(registration=seated, workshop=workshop, by=seated.user)

    assert _kinds_for(waiting) == [emails.SEAT_FROM_WAITLIST]


@pytest.mark.usefixtures("seats_open")
def test_a_seat_given_up_before_sending_is_withheld(event):
    workshop = make_workshop(event, capacity=3)
    [person] = participants(event, 1)
    take_seat(registration=person, workshop=workshop, by=person.user)
    leave_workshop(registration=person, workshop=workshop, by=person.user)
    message = OutboxMessage.objects.get(kind=emails.SEAT_GIVEN)

    assert send_message(message_id=message.pk) == MessageState.WITHHELD


def test_applying_a_seat_plan_emails_each_newly_seated_person_once(event, organiser):
    workshop = make_workshop(event, "Atelier A", capacity=5)
    people = participants(event, 3)
    for person in people:
        save_wishes(registration=person, workshop_ids=[workshop.pk], wants=1, by=person.user)

    apply_plan(proposal=propose_seats(event=event, by=organiser), by=organiser)
    apply_plan(proposal=propose_seats(event=event, by=organiser), by=organiser)

    seated = OutboxMessage.objects.filter(kind=emails.SEAT_GIVEN)
    assert sorted(m.recipient_id for m in seated) == sorted(p.user_id for p in people)
    assert workshop.seats.count() == 3
