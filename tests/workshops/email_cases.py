"""The workshops app's kinds of email, for tests/notifications/test_every_kind.py."""

from notifications.models import OutboxMessage
from tests.factories import RegistrationFactory, WorkshopPlanFactory
from tests.workshops.conftest import make_workshop
from workshops import emails
from workshops.services import leave_workshop, take_seat


def _open_seats(event):
    WorkshopPlanFactory(event=event, applied=True)


def seat_given(get) -> OutboxMessage:
    event = get("event")
    _open_seats(event)
    workshop = make_workshop(event, "Atelier circuits courts", capacity=5)
    registration = event.registrations.get(user=get("ess_member"))
    seat = take_seat(registration=registration, workshop=workshop, by=registration.user)
    return OutboxMessage.objects.get(kind=emails.SEAT_GIVEN, object_key=f"seat:{seat.pk}")


def seat_from_waitlist(get) -> OutboxMessage:
    event = get("event")
    _open_seats(event)
    workshop = make_workshop(event, "Atelier circuits courts", capacity=1)
    holder = RegistrationFactory(event=event)
    waiting = event.registrations.get(user=get("ess_member"))
    take_seat(registration=holder, workshop=workshop, by=holder.user)
    take_seat(registration=waiting, workshop=workshop, by=waiting.user)
    leave_workshop(registration=holder, workshop=workshop, by=holder.user)
    return OutboxMessage.objects.get(kind=emails.SEAT_FROM_WAITLIST, recipient=waiting.user)


CASES = {emails.SEAT_GIVEN: seat_given, emails.SEAT_FROM_WAITLIST: seat_from_waitlist}
