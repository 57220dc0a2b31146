"""The emails of the workshops app, sent through the outbox (notifications). Registered in
WorkshopsConfig.ready()."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import sites, times
from notifications import services as outbox
from notifications.kinds import Kind, render_email

from .models import Seat

# Two kinds over one rule and one template pair: a seat someone holds. People may want news of
# the waiting list (a surprise) and not confirmations of what they or the organisers arranged.
SEAT_FROM_WAITLIST = "workshops.seat_from_waitlist"
SEAT_GIVEN = "workshops.seat_given"


def enqueue_seats(seats: list[Seat], kind: str = SEAT_GIVEN) -> None:
    """One message per seat to the person who holds it: `SEAT_GIVEN` for a seat taken or assigned
    directly, `SEAT_FROM_WAITLIST` for one that came from the waiting list."""
    rows = Seat.objects.filter(pk__in=[s.pk for s in seats]).select_related(
        "registration__user", "workshop__session"
    )
    for seat in rows.order_by("pk"):
        outbox.enqueue(
            recipients=[seat.registration.user],
            kind=kind,
            object_key=f"seat:{seat.pk}",
            context={"seat_id": seat.pk},
            event_id=seat.workshop.session.event_id,
        )


def enqueue_seats_from_waitlist(seats: list[Seat]) -> None:
    enqueue_seats(seats, SEAT_FROM_WAITLIST)


def _seat(message) -> Seat | None:
    return (
        Seat.objects.select_related("workshop__session__event")
        .filter(pk=message.context["seat_id"])
        .first()
    )


def _seat_withhold_reason(message) -> str:
    return "" if _seat(message) else "seat no longer held"


def _render_seat(message):
    session = _seat(message).workshop.session
    event = session.event
    subject = sites.email_subject(_("A seat is yours in “%(title)s”") % {"title": session.title})
    context = {
        "title": session.title,
        "day": times.long_day(session.starts_at, event),
        "time": times.time_range(session.starts_at, session.ends_at, event),
        "from_waitlist": message.kind == SEAT_FROM_WAITLIST,
        "url": sites.absolute_url(reverse("workshops:list", args=[event.slug])),
    }
    return render_email(subject, "workshops/email/seat", context)


KINDS = [
    Kind(
        SEAT_FROM_WAITLIST,
        label=gettext_lazy("I got a workshop seat from the waiting list"),
        render=_render_seat,
        withhold_reason=_seat_withhold_reason,
    ),
    Kind(
        SEAT_GIVEN,
        label=gettext_lazy("I have a seat in a workshop (taken or assigned)"),
        render=_render_seat,
        withhold_reason=_seat_withhold_reason,
    ),
]
