"""The events app's kinds of email, for tests/notifications/test_every_kind.py (and the
behavioural tests of tests/events/test_emails.py, which share these set-ups)."""

import datetime as dt

from django.utils import timezone

from events import emails, services
from events.enums import Phase, RegistrationStatus
from notifications.models import OutboxMessage
from tests.factories import PARIS, EventFactory, RegistrationFactory, SessionFactory


def upcoming_event(days: int = 10, **fields):
    """An event `days` from today, in the scheduling phase, with a plenary at 9:30."""
    first = timezone.now().astimezone(PARIS).date() + dt.timedelta(days=days)
    event = EventFactory(start_date=first, end_date=first, phase=Phase.SCHEDULING, **fields)
    SessionFactory(
        event=event,
        title="Plénière d'ouverture",
        starts_at=dt.datetime.combine(first, dt.time(9, 30), tzinfo=PARIS),
        ends_at=dt.datetime.combine(first, dt.time(10, 30), tzinfo=PARIS),
    )
    return event


def published_with(get, days: int = 10):
    """An upcoming event with the ESS member validated, moved to the published phase."""
    event = upcoming_event(days)
    organiser = get("organiser")
    event.organisers.add(organiser)
    registration = RegistrationFactory(
        event=event, user=get("ess_member"), organisation=get("ess_org")
    )
    event = services.move_phase(event=event, to_phase=Phase.PUBLISHED, by=organiser)
    return event, registration


def registration_validated(get) -> OutboxMessage:
    registration = get("event").registrations.get(user=get("ess_member"))
    registration.status = RegistrationStatus.PENDING
    registration.save(update_fields=["status"])
    services.validate_registration(registration=registration, by=get("organiser"))
    return OutboxMessage.objects.get(
        kind=emails.REGISTRATION_VALIDATED, recipient=get("ess_member")
    )


def registration_refused(get) -> OutboxMessage:
    registration = get("event").registrations.get(user=get("ess_member"))
    services.refuse_registration(
        registration=registration, by=get("organiser"), reason="Réservé aux acheteurs du Nord."
    )
    return OutboxMessage.objects.get(kind=emails.REGISTRATION_REFUSED, recipient=get("ess_member"))


def registered_by_organisers(get) -> OutboxMessage:
    registration, created = services.register_on_behalf(
        event=get("event"),
        by=get("organiser"),
        email="nouvelle@example.org",
        first_name="Nadia",
        last_name="Benali",
        organisation=get("ess_org"),
    )
    assert created
    return OutboxMessage.objects.get(
        kind=emails.REGISTERED_BY_ORGANISERS, recipient=registration.user
    )


def day_before(get) -> OutboxMessage:
    _event, registration = published_with(get)
    return OutboxMessage.objects.get(kind=emails.DAY_BEFORE, recipient=registration.user)


def feedback_request(get) -> OutboxMessage:
    _event, registration = published_with(get)
    return OutboxMessage.objects.get(kind=emails.FEEDBACK_REQUEST, recipient=registration.user)


CASES = {
    emails.REGISTRATION_VALIDATED: registration_validated,
    emails.REGISTRATION_REFUSED: registration_refused,
    emails.REGISTERED_BY_ORGANISERS: registered_by_organisers,
    emails.DAY_BEFORE: day_before,
    emails.FEEDBACK_REQUEST: feedback_request,
}
