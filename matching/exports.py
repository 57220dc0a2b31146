"""matching's datasets for the organisers' exports (events/exports.py): meeting requests with
where and when their meetings are, and the meetings' outcomes counted per buyer — without the
structures' names nor the notes, which stay private to each organisation (as on the dashboard)."""

from collections import Counter

from django.utils.translation import gettext_lazy as _

from events.enums import RegistrationRole
from events.exports import Dataset

from . import schedule_queries
from .enums import Outcome
from .models import MeetingOutcome, MeetingPresence, MeetingRequest


def _side(registration):
    organisation = registration.organisation
    return [organisation.name if organisation else "", registration.user.get_full_name()]


def _meetings(event):
    requests = list(
        MeetingRequest.objects.filter(event=event).with_sides().order_by("created_at", "pk")
    )
    places = schedule_queries.promised_places(event, requests)
    started = {
        (presence.request_id, presence.slot_id): presence
        for presence in MeetingPresence.objects.filter(request__event=event)
    }
    for request in requests:
        place = places.get(request.pk)
        presence = started.get((request.pk, place.slot.pk)) if place else None
        yield [
            *_side(request.sender),
            *_side(request.recipient),
            request.pitch.title if request.pitch else "",
            request.get_status_display(),
            request.created_at,
            place.slot.starts_at if place else None,
            place.slot.ends_at if place else None,
            place.table.name if place else "",
            place.table.zone if place else "",
            bool(presence and presence.started_at),
            bool(presence and presence.absent_at),
        ]


def _outcomes(event):
    """(buyer, outcome, how many sides recorded it): one query."""
    counts = Counter()
    outcomes = MeetingOutcome.objects.filter(request__event=event).select_related(
        "request__sender__organisation", "request__recipient__organisation"
    )
    for outcome in outcomes:
        sides = (outcome.request.sender, outcome.request.recipient)
        buyers = [side for side in sides if side.role == RegistrationRole.BUYER]
        buyer = buyers[0].organisation.name if buyers and buyers[0].organisation else ""
        counts[(buyer, outcome.outcome)] += 1
    labels = {choice.value: choice.label for choice in Outcome}
    order = list(labels)
    for (buyer, outcome), count in sorted(
        counts.items(), key=lambda item: (item[0][0], order.index(item[0][1]))
    ):
        yield [buyer, str(labels[outcome]), count]


MEETINGS = Dataset(
    name="meetings",
    title=_("Meetings"),
    header=[
        _("Requested by"),
        _("Person"),
        _("With"),
        _("Person"),
        _("Pitch"),
        _("Status"),
        _("Requested at"),
        _("Starts at"),
        _("Ends at"),
        _("Table"),
        _("Zone"),
        _("Started"),
        _("Partner absent"),
    ],
    rows=_meetings,
    order=50,
)

OUTCOMES = Dataset(
    name="outcomes",
    title=_("Meeting outcomes"),
    header=[_("Buyer"), _("Outcome"), _("Sides that recorded it")],
    rows=_outcomes,
    order=70,
)


def pitch_meetings(pitch) -> list:
    """The meetings about `pitch` for its sourcing trace (pitches/trace.py): who met whom, when
    and where, and whether it took place as far as Osez knows."""
    from pitches.trace import Section

    requests = list(
        MeetingRequest.objects.filter(pitch=pitch).with_sides().order_by("created_at", "pk")
    )
    places = schedule_queries.promised_places(pitch.event, requests) if requests else {}
    presences = {
        (presence.request_id, presence.slot_id): presence
        for presence in MeetingPresence.objects.filter(request__in=requests)
    }
    rows = []
    for request in requests:
        place = places.get(request.pk)
        presence = presences.get((request.pk, place.slot.pk)) if place else None
        if presence and presence.started_at:
            held = _("took place")
        elif presence and presence.absent_at:
            held = _("a partner was absent")
        else:
            held = ""
        rows.append(
            [
                request.created_at,
                " · ".join(filter(None, _side(request.sender))),
                " · ".join(filter(None, _side(request.recipient))),
                request.get_status_display(),
                place.slot.starts_at if place else None,
                place.table.name if place else "",
                held,
            ]
        )
    return [
        Section(
            _("Meetings"),
            [
                _("Requested at"),
                _("Requested by"),
                _("With"),
                _("Status"),
                _("Starts at"),
                _("Table"),
                _("On the day"),
            ],
            rows,
        )
    ]
