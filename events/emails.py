"""The emails of the events app, sent through the outbox (notifications). The services write the
rows in their transaction (`enqueue_*`); the kinds, registered in EventsConfig.ready(), render
them at send time in the recipient's language and say when one no longer makes sense.

Timed messages are rows with a due time, sent by the minute sweep (never countdown tasks):
- the day-before agenda, due at AGENDA_AT (event time) the day before the first day;
- the feedback request, due at FEEDBACK_AT the day after the last day (chosen over "when the
  organisers close the event": closing is often late or forgotten, and a request the day after,
  while the day is fresh, gets answers). It is the one after-the-day survey email: it lists the
  person's surveys not yet answered (their meetings and workshops, events/surveys.py) and is
  withheld once the feedback is given and every survey answered.
Both are written when the schedule becomes visible (the event moves to the published phase), for
a registration validated after that, and again when the event's dates change. Their version is
the date they are about (as an ordinal), so a move of the dates writes new rows and the old ones
are withheld at send time ("event date changed"): nothing has to be found and cancelled.
"""

import datetime as dt

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import sites, times
from notifications import services as outbox
from notifications.kinds import Kind, render_email

from . import day, surveys
from .enums import PHASES_SCHEDULE_VISIBLE, REGISTRATION_ACTIVE, RegistrationStatus
from .models import Event, Feedback, Registration
from .rules import feedback_window

REGISTRATION_VALIDATED = "events.registration_validated"
REGISTRATION_REFUSED = "events.registration_refused"
REGISTERED_BY_ORGANISERS = "events.registered_by_organisers"
DAY_BEFORE = "events.day_before"
FEEDBACK_REQUEST = "events.feedback_request"

AGENDA_AT = dt.time(17, 0)
FEEDBACK_AT = dt.time(10, 0)


def _key(registration: Registration) -> str:
    return f"registration:{registration.pk}"


def _at(event: Event, date: dt.date, time: dt.time) -> dt.datetime:
    """`time` on `date` on the event's wall clock."""
    return dt.datetime.combine(date, time, tzinfo=event.tzinfo)


def _registration(message) -> Registration | None:
    return (
        Registration.objects.select_related("event", "user", "organisation")
        .filter(pk=message.context["registration_id"])
        .first()
    )


def _url(name: str, event: Event) -> str:
    return sites.absolute_url(reverse(name, args=[event.slug]))


# --- The organisers' decision on a registration ------------------------------------------------


def enqueue_decision(registration: Registration) -> None:
    """The person is told their registration was validated or refused (with the reason). Each
    decision is a new version: validated, refused, then validated again tells them each time."""
    kind = (
        REGISTRATION_VALIDATED
        if registration.status == RegistrationStatus.VALIDATED
        else REGISTRATION_REFUSED
    )
    key = _key(registration)
    outbox.enqueue(
        kind=kind,
        object_key=key,
        recipients=[registration.user],
        version=outbox.next_version(kind, key),
        context={"registration_id": registration.pk, "reason": registration.refusal_reason},
        event_id=registration.event_id,
    )


def _decision_withholder(status: str):
    def withhold_reason(message) -> str:
        registration = _registration(message)
        if registration is None:
            return "registration deleted"
        if registration.status != status:
            return "registration status changed"
        if not outbox.is_latest(message):
            return "a newer decision was sent"
        return ""

    return withhold_reason


def _render_decision(message):
    registration = _registration(message)
    event = registration.event
    if message.kind == REGISTRATION_VALIDATED:
        subject = _("Your registration for %(event)s is validated")
    else:
        subject = _("Your registration for %(event)s was not kept")
    context = {
        "event": event.title,
        "day": times.long_day(event.start_date),
        "venue": event.venue,
        "reason": message.context.get("reason", ""),
        "url": _url("events:detail", event),
    }
    template = message.kind.removeprefix("events.")
    return render_email(
        sites.email_subject(subject % {"event": event.title}), f"events/email/{template}", context
    )


# --- Registered by the organisers: a new person chooses a password ----------------------------


def enqueue_registered_by_organisers(registration: Registration) -> None:
    """A person the organisers registered, and whose account they created, is told and given a
    link to choose a password (made at send time: allauth's reset key, valid from then)."""
    outbox.enqueue(
        kind=REGISTERED_BY_ORGANISERS,
        object_key=_key(registration),
        recipients=[registration.user],
        context={"registration_id": registration.pk},
        event_id=registration.event_id,
    )


def _registered_withhold_reason(message) -> str:
    registration = _registration(message)
    if registration is None or registration.status not in REGISTRATION_ACTIVE:
        return "registration no longer active"
    if registration.user.has_usable_password():
        return "password already chosen"
    return ""


def _render_registered(message):
    registration = _registration(message)
    user, event = registration.user, registration.event
    password_path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    context = {
        "event": event.title,
        "day": times.long_day(event.start_date),
        "email": user.email,
        "password_url": sites.absolute_url(password_path),
        "url": _url("events:detail", event),
    }
    subject = sites.email_subject(_("You are registered for %(event)s") % {"event": event.title})
    return render_email(subject, "events/email/registered_by_organisers", context)


# --- The day before and the day after ----------------------------------------------------------


def enqueue_day_messages(event: Event, registrations) -> None:
    """For each validated registration: the agenda, due the day before the first day at
    AGENDA_AT (at once if that time has passed, none once the day has begun), and the feedback
    request, due the day after the last day at FEEDBACK_AT (none once the feedback window closed).
    Writing them again is harmless (same version: skipped)."""
    now = timezone.now()
    agenda_due = _at(event, event.start_date - dt.timedelta(days=1), AGENDA_AT)
    begins = _at(event, event.start_date, dt.time(0))
    feedback_due = _at(event, event.end_date + dt.timedelta(days=1), FEEDBACK_AT)
    closes = _at(event, feedback_window(event)[1] + dt.timedelta(days=1), dt.time(0))
    validated = [r for r in registrations if r.status == RegistrationStatus.VALIDATED]
    for registration in validated:
        common = {
            "object_key": _key(registration),
            "recipients": [registration.user],
            "context": {"registration_id": registration.pk},
            "event_id": event.pk,
        }
        if now < begins:
            outbox.enqueue(
                kind=DAY_BEFORE,
                version=event.start_date.toordinal(),
                due_at=max(agenda_due, now),
                **common,
            )
        if now < closes:
            outbox.enqueue(
                kind=FEEDBACK_REQUEST,
                version=event.end_date.toordinal(),
                due_at=max(feedback_due, now),
                **common,
            )


def _day_message_reason(message, registration, date: dt.date) -> str:
    """What the two timed kinds share: still validated, same dates, schedule still visible."""
    if registration is None or registration.status != RegistrationStatus.VALIDATED:
        return "registration not validated"
    if message.version != date.toordinal():
        return "event date changed"
    if registration.event.phase not in PHASES_SCHEDULE_VISIBLE:
        return "schedule no longer published"
    return ""


def _agenda_withhold_reason(message) -> str:
    registration = _registration(message)
    event = registration.event if registration else None
    reason = _day_message_reason(message, registration, event.start_date if event else None)
    if not reason and times.today(event) > event.start_date:
        return "the event has begun"
    return reason


def _render_agenda(message):
    registration = _registration(message)
    event = registration.event
    several_days = event.start_date != event.end_date
    items = [
        {
            "when": (
                f"{times.day(item.start, event)} {times.time_range(item.start, item.end, event)}"
                if several_days
                else times.time_range(item.start, item.end, event)
            ),
            "label": item.label,
            "location": item.location,
            "cancelled": item.cancelled,
        }
        for item in day.day_items(event, registration)
    ]
    context = {
        "event": event.title,
        "day": times.long_day(event.start_date),
        "venue": event.venue,
        "address": event.address,
        "items": items,
        "url": _url("matching:agenda", event),
    }
    subject = sites.email_subject(_("Your day at %(event)s") % {"event": event.title})
    return render_email(subject, "events/email/day_before", context)


def _feedback_withhold_reason(message) -> str:
    registration = _registration(message)
    event = registration.event if registration else None
    reason = _day_message_reason(message, registration, event.end_date if event else None)
    if reason:
        return reason
    if Feedback.objects.filter(registration=registration).exists() and all(
        item.answered for item in surveys.survey_items(registration)
    ):
        return "feedback already given"
    if times.today(event) > feedback_window(event)[1]:
        return "feedback closed"
    return ""


def _render_feedback_request(message):
    registration = _registration(message)
    event = registration.event
    context = {
        "event": event.title,
        "until": times.long_day(feedback_window(event)[1]),
        "items": [item.heading for item in surveys.survey_items(registration) if not item.answered],
        "url": _url("events:feedback", event),
    }
    subject = sites.email_subject(_("How was %(event)s?") % {"event": event.title})
    return render_email(subject, "events/email/feedback_request", context)


KINDS = [
    Kind(
        REGISTRATION_VALIDATED,
        label=gettext_lazy("My registration for an event was validated"),
        render=_render_decision,
        withhold_reason=_decision_withholder(RegistrationStatus.VALIDATED),
        optional=False,
    ),
    Kind(
        REGISTRATION_REFUSED,
        label=gettext_lazy("My registration for an event was refused"),
        render=_render_decision,
        withhold_reason=_decision_withholder(RegistrationStatus.REFUSED),
        optional=False,
    ),
    Kind(
        REGISTERED_BY_ORGANISERS,
        label=gettext_lazy("The organisers registered me for an event"),
        render=_render_registered,
        withhold_reason=_registered_withhold_reason,
        optional=False,
    ),
    Kind(
        DAY_BEFORE,
        label=gettext_lazy("My agenda, the day before the event"),
        render=_render_agenda,
        withhold_reason=_agenda_withhold_reason,
    ),
    Kind(
        FEEDBACK_REQUEST,
        label=gettext_lazy("A request for my feedback after the event"),
        render=_render_feedback_request,
        withhold_reason=_feedback_withhold_reason,
    ),
]
