"""workshops' dataset for the organisers' exports (events/exports.py): who holds a seat in each
workshop, and who waits, in what position."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.exports import Dataset

from .models import Seat, WaitlistEntry


def _seats(event):
    seats = (
        Seat.objects.filter(workshop__session__event=event)
        .select_related("workshop__session", "registration__user", "registration__organisation")
        .order_by("workshop__session__starts_at", "workshop__session__title", "pk")
    )
    for seat in seats:
        yield _row(seat, _("Seat"), None)
    waiting = (
        WaitlistEntry.objects.filter(workshop__session__event=event)
        .select_related("workshop__session", "registration__user", "registration__organisation")
        .order_by("workshop__session__starts_at", "workshop__session__title", "created_at", "pk")
    )
    positions: dict[int, int] = {}
    for entry in waiting:
        positions[entry.workshop_id] = positions.get(entry.workshop_id, 0) + 1
        yield _row(entry, _("Waiting list"), positions[entry.workshop_id])


def _row(place, kind, position):
    session, registration = place.workshop.session, place.registration
    organisation = registration.organisation
    return [
        session.title,
        session.starts_at,
        session.ends_at,
        kind,
        position,
        registration.user.get_full_name(),
        registration.user.email,
        organisation.name if organisation else "",
    ]


SEATS = Dataset(
    name="workshop-seats",
    title=gettext_lazy("Workshop seats"),
    header=[
        gettext_lazy("Workshop"),
        gettext_lazy("Starts at"),
        gettext_lazy("Ends at"),
        gettext_lazy("Seat or waiting list"),
        gettext_lazy("Position on the waiting list"),
        gettext_lazy("Person"),
        gettext_lazy("Email"),
        gettext_lazy("Organisation"),
    ],
    rows=_seats,
    order=60,
)
