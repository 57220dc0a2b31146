"""The matching app's kinds of email, for tests/notifications/test_every_kind.py: each builder
makes the change through the services and returns the message it wrote."""

import datetime as dt

from django.utils import timezone

from events import services as event_services
from events.enums import SessionKind
from events.models import Slot
from matching import emails
from matching.services import requests as services
from matching.services import schedule
from notifications.models import OutboxMessage
from tests.factories import SessionFactory, TableFactory


def _phase(get, phase: str):
    """Walk the event to `phase` one step at a time, through the service."""
    from events.enums import PHASE_ORDER

    event, organiser = get("event"), get("organiser")
    event.refresh_from_db()
    here = PHASE_ORDER.index(event.phase)
    there = PHASE_ORDER.index(phase)
    step = 1 if there > here else -1
    for index in range(here + step, there + step, step):
        event = event_services.move_phase(event=event, to_phase=PHASE_ORDER[index], by=organiser)
    return event


def _regs(get):
    event = get("event")
    return get("buyer").registrations.get(event=event), get("ess_member").registrations.get(
        event=event
    )


def _sent(get, message: str = "Pouvons-nous parler des goûters ?"):
    _phase(get, "requests")
    buyer_reg, ess_reg = _regs(get)
    return services.send_request(
        sender=buyer_reg, recipient=ess_reg, by=get("buyer"), message=message
    )


def future_slots(event, *, days: int = 3, count: int = 3):
    """A meeting block of 20-minute slots `days` from now (reminders are only written for the
    future), and a table."""
    start = (timezone.now() + dt.timedelta(days=days)).replace(
        hour=13, minute=0, second=0, microsecond=0
    )
    session = SessionFactory(
        event=event,
        kind=SessionKind.MEETINGS,
        title="Rendez-vous d'affaires",
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=20 * count),
        slot_minutes=20,
    )
    TableFactory(event=event, name="T01", zone="Hall A")
    return [
        Slot.objects.create(
            session=session,
            starts_at=start + dt.timedelta(minutes=20 * i),
            ends_at=start + dt.timedelta(minutes=20 * (i + 1)),
        )
        for i in range(count)
    ]


def _self_service(get):
    services.update_settings(
        event=get("event"),
        by=get("organiser"),
        booking_mode="self_service",
        max_requests_per_participant=None,
    )


def _message(kind: str, user) -> OutboxMessage:
    return OutboxMessage.objects.filter(kind=kind, recipient=user).latest("pk")


def requested(get) -> OutboxMessage:
    _sent(get)
    return _message(emails.REQUESTED, get("ess_member"))


def digest(get) -> OutboxMessage:
    _sent(get)
    return _message(emails.DIGEST, get("ess_member"))


def accepted(get) -> OutboxMessage:
    _self_service(get)
    request = _sent(get)
    slots = future_slots(get("event"))
    services.accept_request(request=request, by=get("ess_member"), slot=slots[0])
    return _message(emails.ACCEPTED, get("buyer"))


def declined(get) -> OutboxMessage:
    request = _sent(get)
    services.answer_request(
        request=request, accept=False, by=get("ess_member"), reason="Pas de goûters en hiver"
    )
    return _message(emails.DECLINED, get("buyer"))


def cancelled(get) -> OutboxMessage:
    request = _sent(get)
    services.cancel_request(request=request, by=get("buyer"))
    return _message(emails.CANCELLED, get("ess_member"))


def booked(get) -> OutboxMessage:
    _self_service(get)
    request = _sent(get)
    services.answer_request(request=request, accept=True, by=get("ess_member"))
    slots = future_slots(get("event"))
    services.book_meeting(request=request, slot=slots[1], by=get("buyer"), self_booked=True)
    return _message(emails.BOOKED, get("buyer"))


def reminder(get) -> OutboxMessage:
    booked(get)
    return _message(emails.REMINDER, get("buyer"))


def lapsed(get) -> OutboxMessage:
    _sent(get)
    _phase(get, "scheduling")
    return _message(emails.LAPSED, get("buyer"))


def schedule_changed(get) -> OutboxMessage:
    request = _sent(get)
    services.answer_request(request=request, accept=True, by=get("ess_member"))
    event = _phase(get, "scheduling")
    slots = future_slots(event)
    schedule.place_request(request=request, slot=slots[2], table=None, by=get("organiser"))
    schedule.publish_schedule(event=event, by=get("organiser"))
    return _message(emails.SCHEDULE_CHANGED, get("ess_member"))


def partner_left(get) -> OutboxMessage:
    request = _sent(get)
    services.answer_request(request=request, accept=True, by=get("ess_member"))
    buyer_reg, _ess_reg = _regs(get)
    event_services.cancel_registration(registration=buyer_reg, by=get("buyer"))
    return _message(emails.PARTNER_LEFT, get("ess_member"))


def follow_up_check(get) -> OutboxMessage:
    """The day is today: the buyer and the structure met in a slot that has ended and the buyer
    planned a follow-up (the checks are due 3 and 6 months later)."""
    from matching.enums import Outcome
    from matching.services.outcomes import record_outcome
    from tests.matching.day_world import live_day, meet

    event = get("event")
    event.start_date = event.end_date = timezone.localdate()
    event.save(update_fields=["start_date", "end_date"])
    day = live_day(event)
    buyer_reg, ess_reg = _regs(get)
    request = meet(buyer_reg, ess_reg, day.past, day.tables[0])
    record_outcome(request=request, by=get("buyer"), outcome=Outcome.QUOTE_ASKED)
    return _message(emails.FOLLOW_UP_CHECK, get("ess_member"))


CASES = {
    emails.REQUESTED: requested,
    emails.DIGEST: digest,
    emails.ACCEPTED: accepted,
    emails.DECLINED: declined,
    emails.CANCELLED: cancelled,
    emails.BOOKED: booked,
    emails.REMINDER: reminder,
    emails.LAPSED: lapsed,
    emails.SCHEDULE_CHANGED: schedule_changed,
    emails.PARTNER_LEFT: partner_left,
    emails.FOLLOW_UP_CHECK: follow_up_check,
}
