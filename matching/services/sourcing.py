"""Meetings about a pitch in the pitch's sourcing log (R2111-1: each pitch keeps a traceable log of
its exchanges and meetings). The matching services call `log_meeting` inside their transaction;
the line itself is written by pitches.services.log (matching may import pitches, not the reverse).
"""

from django.utils.translation import gettext_lazy as _

from core import times
from pitches.enums import LogKind
from pitches.services import log

# What happened to the meeting -> the log line ("%(sender)s", "%(recipient)s", "%(when)s").
SUMMARIES = {
    "requested": _("Meeting requested by %(sender)s with %(recipient)s."),
    "accepted": _("Meeting between %(sender)s and %(recipient)s accepted."),
    "declined": _("Meeting request of %(sender)s declined by %(recipient)s."),
    "booked": _("Meeting between %(sender)s and %(recipient)s booked: %(when)s."),
    "scheduled": _(
        "Meeting between %(sender)s and %(recipient)s scheduled by the organisers: %(when)s."
    ),
    "cancelled": _("Meeting between %(sender)s and %(recipient)s cancelled."),
    "lapsed": _("Meeting request of %(sender)s to %(recipient)s lapsed without an answer."),
    "lapsed_quiet": _(
        "Meeting request of %(sender)s to %(recipient)s lapsed: the consultation is launched."
    ),
}


def log_meeting(*, request, what: str, actor=None, slot=None) -> None:
    """One MEETING line in the sourcing log of the request's pitch (nothing when it names none).
    Needs the request's sender and recipient with their organisations."""
    if request.pitch_id is None:
        return
    pitch = request.pitch
    when = times.day_and_time(slot.starts_at, pitch.event) if slot is not None else ""
    sender, recipient = request.sender, request.recipient
    log(
        pitch=pitch,
        kind=LogKind.MEETING,
        actor=actor,
        organisation=sender.organisation,
        summary=str(SUMMARIES[what])
        % {
            "sender": sender.organisation or sender.user,
            "recipient": recipient.organisation or recipient.user,
            "when": when,
        },
    )


def log_published_meetings(*, before: list[dict], after: list[dict], actor=None) -> None:
    """A published schedule version places (or moves) meetings: one "scheduled" line for each one
    about a pitch. `before` and `after` are versions' plain meetings ({"request", "slot",
    "table"})."""
    from events.models import Slot
    from matching.models import MeetingRequest

    placed = {m["request"]: m["slot"] for m in before}
    changed = {m["request"]: m["slot"] for m in after if placed.get(m["request"]) != m["slot"]}
    rows = (
        MeetingRequest.objects.filter(pk__in=changed, pitch__isnull=False)
        .select_related("sender__organisation", "recipient__organisation", "pitch__event")
        .order_by("pk")
    )
    rows = list(rows)
    slots = Slot.objects.in_bulk([changed[row.pk] for row in rows])
    for row in rows:
        log_meeting(request=row, what="scheduled", actor=actor, slot=slots[changed[row.pk]])
