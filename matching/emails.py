"""The emails of the matching app, sent through the outbox (notifications). The services write
the rows in their transaction (`enqueue_*`); the kinds, registered in MatchingConfig.ready(),
render them at send time in the recipient's language and say when one no longer makes sense."""

from dataclasses import asdict
from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import sites, times
from events.enums import ReleaseReason
from events.models import Event, Registration
from matching import engine, schedule_queries
from matching.enums import RequestStatus
from matching.models import MeetingRequest, ScheduleVersion
from notifications import services as outbox
from notifications.kinds import Kind, never_withheld, render_email

SCHEDULE_CHANGED = "matching.schedule_changed"
QUIET_PERIOD_LAPSED = "matching.quiet_period_lapsed"
PARTNER_LEFT = "matching.partner_left"


def _url(name: str, event: Event) -> str:
    return sites.absolute_url(reverse(name, args=[event.slug]))


# --- A published schedule version: one email per person whose meetings changed ------------------


def enqueue_schedule_changed(version: ScheduleVersion, changes: dict[str, list]) -> None:
    """One message per person in `changes` (registration id -> engine changes against what they
    saw), about this version; the changes are stored, described at send time."""
    people = Registration.objects.filter(pk__in=[int(pk) for pk in changes]).select_related("user")
    for registration in people.order_by("pk"):
        outbox.enqueue(
            recipients=[registration.user],
            kind=SCHEDULE_CHANGED,
            object_key=f"schedule_version:{version.pk}",
            context={
                "version_id": version.pk,
                "registration_id": registration.pk,
                "changes": [asdict(c) for c in changes[str(registration.pk)]],
            },
        )


def _change(data: dict) -> engine.Change:
    def meeting(m):
        return engine.Meeting(**m) if m else None

    return engine.Change(
        data["kind"], data["request"], meeting(data["before"]), meeting(data["after"])
    )


def _version(message) -> ScheduleVersion | None:
    return (
        ScheduleVersion.objects.select_related("event")
        .filter(pk=message.context["version_id"])
        .first()
    )


def _schedule_withhold_reason(message) -> str:
    version = _version(message)
    if version is None:
        return "version deleted"
    if version.unpublished_at:
        return "version unpublished"
    return ""


def _render_schedule(message):
    version = _version(message)
    event = version.event
    changes = {
        str(message.context["registration_id"]): [_change(c) for c in message.context["changes"]]
    }
    [row] = schedule_queries.describe_changes(event, changes) or [None]
    subject = sites.email_subject(
        _("Your meetings at %(event)s have changed") % {"event": event.title}
    )
    context = {
        "event": event,
        "version": version,
        "row": row,
        "url": _url("matching:agenda", event),
    }
    return render_email(subject, "matching/console/email/schedule_changed", context)


# --- A pitch's quiet period lapses the pending requests about it: both sides told ----------------


def enqueue_quiet_period_lapsed(rows: list[MeetingRequest]) -> None:
    for row in rows:
        outbox.enqueue(
            recipients=[row.sender.user, row.recipient.user],
            kind=QUIET_PERIOD_LAPSED,
            object_key=f"meeting_request:{row.pk}",
            context={"request_id": row.pk},
        )


def _lapsed_request(message) -> MeetingRequest | None:
    return (
        MeetingRequest.objects.select_related(
            "event", "pitch", "sender__organisation", "recipient__organisation"
        )
        .filter(pk=message.context["request_id"], status=RequestStatus.LAPSED, pitch__isnull=False)
        .first()
    )


def _lapsed_withhold_reason(message) -> str:
    return "" if _lapsed_request(message) else "request no longer lapsed"


def _render_lapsed(message):
    row = _lapsed_request(message)
    me, other = (
        (row.sender, row.recipient)
        if row.sender.user_id == message.recipient_id
        else (row.recipient, row.sender)
    )
    subject = sites.email_subject(
        _("Meeting request closed: “%(title)s”") % {"title": row.pitch.title}
    )
    context = {
        "title": row.pitch.title,
        "mine": me.organisation,
        "other": other.organisation,
        "consultation": row.pitch.consultation_url,
        "url": _url("matching:requests", row.event),
    }
    return render_email(subject, "matching/requests/email/quiet_period_lapsed", context)


# --- A registration leaves: its partners told which meetings and requests closed -----------------


def enqueue_partner_left(registration: Registration, reason: str, lines: dict) -> None:
    """`lines`: partner registration id -> [(status, meeting or None)], read now (the meetings are
    about to go); one message per partner, about this leaving registration."""
    partners = Registration.objects.filter(pk__in=lines).select_related("user").order_by("pk")
    for partner in partners:
        items = [
            {
                "status": status,
                "starts_at": meeting.slot.starts_at.isoformat() if meeting else "",
                "table": meeting.table.name if meeting else "",
            }
            for status, meeting in lines[partner.pk]
        ]
        outbox.enqueue(
            recipients=[partner.user],
            kind=PARTNER_LEFT,
            object_key=f"registration:{registration.pk}",
            context={
                "event_id": registration.event_id,
                "leaver": str(registration.organisation or registration.user),
                "reason": reason,
                "items": items,
            },
        )


def _render_partner_left(message):
    data = message.context
    event = Event.objects.get(pk=data["event_id"])
    items = [
        {
            "status": item["status"],
            "when": times.day_and_time(datetime.fromisoformat(item["starts_at"]), event)
            if item["starts_at"]
            else "",
            "table": item["table"],
        }
        for item in data["items"]
    ]
    context = {
        "event": event,
        "leaver": data["leaver"],
        "reason": ReleaseReason(data["reason"]).label,
        "items": items,
        "url": _url("matching:requests", event),
    }
    subject = sites.email_subject(
        _("%(name)s no longer takes part in %(event)s")
        % {"name": data["leaver"], "event": event.title}
    )
    return render_email(subject, "matching/requests/email/partner_left", context)


KINDS = [
    Kind(
        SCHEDULE_CHANGED,
        label=gettext_lazy("My meetings were scheduled or changed"),
        render=_render_schedule,
        withhold_reason=_schedule_withhold_reason,
    ),
    Kind(
        QUIET_PERIOD_LAPSED,
        label=gettext_lazy("A meeting request closed by a pitch's quiet period"),
        render=_render_lapsed,
        withhold_reason=_lapsed_withhold_reason,
    ),
    Kind(
        PARTNER_LEFT,
        label=gettext_lazy("A partner no longer takes part"),
        render=_render_partner_left,
        withhold_reason=never_withheld,
    ),
]
