"""matching's datasets for the organisers' exports (events/exports.py): meeting requests with
where and when their meetings are, and the meetings' outcomes counted per buyer — without the
structures' names nor the notes, which stay private to each organisation (as on the dashboard)."""

from django.utils.translation import gettext_lazy as _

from events.exports import Dataset

from . import day_queries, schedule_queries
from .enums import Outcome
from .models import MeetingPresence, MeetingRequest


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
    """(buyer, outcome, how many sides recorded it): one query (day_queries)."""
    counts = day_queries.outcome_counts_by_buyer(event)
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


def _awarded(follow_up):
    return {True: _("yes"), False: _("no")}.get(follow_up.awarded, "")


def _follow_ups(event):
    """Every follow-up of the event (the organisers see them all: matching.queries): the pair,
    the pitch, the facts both organisations recorded. One query."""
    from .queries import event_follow_ups

    for follow_up in event_follow_ups(event):
        request = follow_up.request
        yield [
            *_side(request.sender),
            *_side(request.recipient),
            request.pitch.title if request.pitch else "",
            follow_up.quote_sent_on,
            follow_up.consultation_launched_on,
            follow_up.consultation_url,
            follow_up.social_clause,
            follow_up.reserved_lot,
            follow_up.small_lots,
            follow_up.answered_on,
            str(_awarded(follow_up)),
            follow_up.amount,
            follow_up.updated_at,
        ]


FOLLOW_UP_HEADER = [
    _("Quote sent on"),
    _("Consultation launched on"),
    _("Link of the consultation"),
    _("Social clause"),
    _("Reserved lot"),
    _("Lots open to small structures"),
    _("The structure answered on"),
    _("Awarded"),
    _("Amount (€ excl. VAT)"),
]

FOLLOW_UPS = Dataset(
    name="follow_ups",
    title=_("Follow-ups"),
    header=[
        _("Requested by"),
        _("Person"),
        _("With"),
        _("Person"),
        _("Pitch"),
        *FOLLOW_UP_HEADER,
        _("Updated at"),
    ],
    rows=_follow_ups,
    order=80,
)


def pitch_follow_ups(pitch) -> list:
    """The follow-ups of the meetings about `pitch` for its sourcing trace (pitches/trace.py):
    the pair and the facts both organisations recorded, up to the award."""
    from pitches.trace import Section

    from .models import FollowUp

    rows = [
        [
            " · ".join(filter(None, _side(f.request.sender))),
            " · ".join(filter(None, _side(f.request.recipient))),
            f.quote_sent_on,
            f.consultation_launched_on,
            f.consultation_url,
            str(_("yes") if f.social_clause else ""),
            str(_("yes") if f.reserved_lot else ""),
            str(_("yes") if f.small_lots else ""),
            f.answered_on,
            str(_awarded(f)),
            f.amount,
        ]
        for f in FollowUp.objects.filter(request__pitch=pitch)
        .select_related(
            "request__sender__organisation",
            "request__sender__user",
            "request__recipient__organisation",
            "request__recipient__user",
        )
        .order_by("created_at", "pk")
    ]
    if not rows:
        return []
    return [Section(_("Follow-ups"), [_("Requested by"), _("With"), *FOLLOW_UP_HEADER], rows)]


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
