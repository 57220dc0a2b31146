"""The emails of the matching app, sent through the outbox (notifications). The services write
the rows in their transaction (`enqueue_*`); the kinds, registered in MatchingConfig.ready(),
render them at send time in the recipient's language and say when one no longer makes sense
(then the row is withheld with the reason).

Every message about one meeting request has the object key `meeting_request:<id>`. Reminders
and the digest are due times stored in the rows (`due_at`), sent by the outbox's sweep, never
countdown tasks. Meetings travel to calendars with the same UID and SEQUENCE as the person's
feed (events/ical.py, fed by matching/day.py `line_item`): a single meeting's .ics, or iTIP
REQUEST and CANCEL parts (RFC 5546) with a published schedule."""

import datetime as dt
from dataclasses import asdict
from email.utils import parseaddr

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import sites, times
from events import ical
from events.day import Stretch
from events.enums import ReleaseReason
from events.models import Event, Registration, Slot, Table
from matching import engine, schedule_queries
from matching.day import MatchingDay, line_item
from matching.enums import RequestStatus
from matching.models import FollowUp, MeetingRequest, ScheduleVersion
from notifications import services as outbox
from notifications.enums import MessageState
from notifications.kinds import Kind, never_withheld, render_email
from notifications.models import OutboxMessage

REQUESTED = "matching.request_received"
ACCEPTED = "matching.request_accepted"
DECLINED = "matching.request_declined"
CANCELLED = "matching.request_cancelled"
BOOKED = "matching.meeting_booked"
LAPSED = "matching.request_lapsed"
SCHEDULE_CHANGED = "matching.schedule_changed"
REMINDER = "matching.meeting_reminder"
DIGEST = "matching.requests_digest"
PARTNER_LEFT = "matching.partner_left"
FOLLOW_UP_CHECK = "matching.follow_up_check"

# Why a pending request lapsed (LAPSED's context): the requests phase closed, or the buyer
# launched the consultation of the pitch it was about (its quiet period started).
LAPSED_PHASE_CLOSED = "phase_closed"
LAPSED_QUIET_PERIOD = "quiet_period"

# The digest of requests awaiting an answer goes out at this hour of the event's wall clock,
# the morning after a request arrived.
DIGEST_HOUR = dt.time(8, 0)


def _url(name: str, event: Event) -> str:
    return sites.absolute_url(reverse(name, args=[event.slug]))


def _key(request: MeetingRequest | int) -> str:
    return f"meeting_request:{getattr(request, 'pk', request)}"


def _sequence(request_id: int) -> int:
    """The request's calendar SEQUENCE as stored now (the services raise it with an UPDATE)."""
    return MeetingRequest.objects.filter(pk=request_id).values_list("ical_sequence", flat=True)[0]


def _request(message) -> MeetingRequest | None:
    return MeetingRequest.objects.with_sides().filter(pk=message.context["request_id"]).first()


def _sides(row: MeetingRequest, message) -> tuple[Registration, Registration]:
    """(the recipient's side, the other side) of the request."""
    if row.sender.user_id == message.recipient_id:
        return row.sender, row.recipient
    return row.recipient, row.sender


def _name(registration: Registration) -> str:
    """The organisation and the person (schedule_queries' one wording)."""
    return schedule_queries._name(registration)


def _short(registration: Registration):
    """The other side in a subject line: their organisation, else the person."""
    return registration.organisation or registration.user


def _about(row: MeetingRequest, other: Registration, url_name: str, items=(), **extra) -> dict:
    """What every email about one request shows: the event, the other side, the pitch, the
    meeting where it has a place, and a link to the page (`extra` adds the kind's own)."""
    return {
        "event": row.event,
        "other": _name(other),
        "pitch": row.pitch.title if row.pitch else "",
        "meetings": _meeting_lines(row.event, items),
        "url": _url(url_name, row.event),
        **extra,
    }


# --- Calendars attached to emails ---------------------------------------------------------------


def _organizer() -> str:
    """The iTIP ORGANIZER: the address the site sends from (RFC 5546 requires one)."""
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL


def calendar_parts(
    event: Event, message, *, current: list[Stretch] = (), removed: list[Stretch] = ()
) -> dict:
    """The iTIP invitations for `message`'s recipient, as `render_email` keywords: a REQUEST for
    each `current` meeting and a CANCEL for each `removed` one, with the same UIDs and SEQUENCE
    as the person's feed.

    One iCalendar object per meeting (RFC 5546 3.2 and mail clients alike expect the components
    of one iTIP message to share a UID), each as a .ics file; when the email is about a single
    meeting, its invitation is also the text/calendar alternative of the body (RFC 6047 2.4), which
    mail clients show with "add to calendar" and update in place."""
    parts = []
    for items, method in ((current, "REQUEST"), (removed, "CANCEL")):
        for item in items:
            body = ical.itip(
                event,
                [item],
                method=method,
                organizer=_organizer(),
                attendee=message.to,
                stamp=message.created_at,
            )
            suffix = "-cancelled" if method == "CANCEL" else ""
            name = f"{event.slug}-meeting-{item.key[1]}{suffix}.ics"
            parts.append((name, body.decode(), f"text/calendar; method={method}"))
    return {
        "attachments": [(name, body, mimetype) for name, body, mimetype in parts],
        "alternatives": [(body, mimetype) for _name, body, mimetype in parts[:1]]
        if len(parts) == 1
        else [],
    }


def _meeting_items(event: Event, registration: Registration, request_ids=None) -> list[Stretch]:
    """The person's meetings as their feed shows them (booked or published; not the cancelled
    ones), those of `request_ids` only when given."""
    items = [item for item in MatchingDay().agenda(event, registration) if not item.cancelled]
    if request_ids is not None:
        items = [item for item in items if item.key[1] in request_ids]
    return items


def _meeting_lines(event: Event, items: list[Stretch]) -> list[dict]:
    """Date, time, table and zone of each meeting, for the email's text."""
    return [
        {
            "day": times.long_day(item.start, event),
            "time": times.time_range(item.start, item.end, event),
            "with": item.label,
            "table": item.obj.table.name,
            "zone": item.obj.table.zone,
            "pitch": item.obj.request.pitch.title if item.obj.request.pitch else "",
        }
        for item in items
    ]


# --- Requests: sent, accepted, declined, cancelled ---------------------------------------------


def enqueue_requested(row: MeetingRequest) -> None:
    """To the person the request is addressed to, now; and their digest of requests awaiting an
    answer, the next morning (`enqueue_digest`)."""
    outbox.enqueue(
        recipients=[row.recipient.user],
        kind=REQUESTED,
        object_key=_key(row),
        context={"request_id": row.pk},
        event_id=row.event_id,
    )
    enqueue_digest(row.recipient)


def _requested_withhold_reason(message) -> str:
    row = _request(message)
    if row is None:
        return "request deleted"
    if row.status != RequestStatus.PENDING:
        return f"request already {row.status}"
    return ""


def _render_requested(message):
    row = _request(message)
    _me, other = _sides(row, message)
    subject = sites.email_subject(
        _("%(name)s requests a meeting with you") % {"name": _short(other)}
    )
    context = _about(row, other, "matching:requests", text=row.message)
    return render_email(subject, "matching/requests/email/requested", context)


def enqueue_answered(row: MeetingRequest) -> None:
    """To the sender: their request was accepted or declined."""
    outbox.enqueue(
        recipients=[row.sender.user],
        kind=ACCEPTED if row.status == RequestStatus.ACCEPTED else DECLINED,
        object_key=_key(row),
        context={"request_id": row.pk},
        event_id=row.event_id,
    )


def _status_withhold(status: str):
    def withhold_reason(message) -> str:
        row = _request(message)
        if row is None:
            return "request deleted"
        if row.status != status:
            return f"request now {row.status}"
        return ""

    return withhold_reason


def _render_accepted(message):
    row = _request(message)
    me, other = _sides(row, message)
    items = _meeting_items(row.event, me, {row.pk})
    subject = sites.email_subject(
        _("%(name)s accepted your meeting request") % {"name": _short(other)}
    )
    context = _about(row, other, "matching:requests", items)
    return render_email(
        subject,
        "matching/requests/email/accepted",
        context,
        **calendar_parts(row.event, message, current=items),
    )


def _render_declined(message):
    row = _request(message)
    _me, other = _sides(row, message)
    subject = sites.email_subject(
        _("%(name)s declined your meeting request") % {"name": _short(other)}
    )
    context = _about(row, other, "matching:participants", reason=row.decline_reason)
    return render_email(subject, "matching/requests/email/declined", context)


def enqueue_cancelled(row: MeetingRequest, by) -> None:
    """To the side(s) that did not cancel it: the request, or the meeting, is off."""
    told = [side.user for side in (row.sender, row.recipient) if side.user_id != by.pk]
    outbox.enqueue(
        recipients=told,
        kind=CANCELLED,
        object_key=_key(row),
        context={"request_id": row.pk},
        event_id=row.event_id,
    )


def _render_cancelled(message):
    row = _request(message)
    me, other = _sides(row, message)
    # Where the person knew the meeting was (kept for calendars, cancelled), if it had a place.
    items = [
        item
        for item in MatchingDay().agenda(row.event, me)
        if item.cancelled and item.key[1] == row.pk
    ]
    subject = sites.email_subject(_("Meeting with %(name)s cancelled") % {"name": _short(other)})
    context = _about(row, other, "matching:requests", items)
    return render_email(
        subject,
        "matching/requests/email/cancelled",
        context,
        **calendar_parts(row.event, message, removed=items),
    )


# --- A meeting booked by its participants (self-service) ----------------------------------------


def enqueue_booked(row: MeetingRequest, people: list[Registration]) -> None:
    """To `people` (both sides, or the one who booked when the other learns it from the
    acceptance): the meeting's time and place, with its .ics. Version: the request's calendar
    SEQUENCE, so a new booking of the same request is a new message."""
    outbox.enqueue(
        recipients=[person.user for person in people],
        kind=BOOKED,
        object_key=_key(row),
        version=_sequence(row.pk),
        context={"request_id": row.pk},
        event_id=row.event_id,
    )


def _meeting_withhold_reason(message) -> str:
    """A booked-meeting email or a reminder makes sense while the meeting is where the
    recipient knows it (booked or published), as it was when the message was written (same
    calendar SEQUENCE, or the same start for reminders, whose draft moves raise it unseen)."""
    row = _request(message)
    if row is None:
        return "request deleted"
    if row.status != RequestStatus.ACCEPTED:
        return f"request now {row.status}"
    me, _other = _sides(row, message)
    items = _meeting_items(row.event, me, {row.pk})
    if not items:
        return "meeting no longer in the agenda"
    starts_at = message.context.get("starts_at")
    if starts_at:
        if items[0].start != dt.datetime.fromisoformat(starts_at):
            return "meeting moved since"
        newer = OutboxMessage.objects.filter(
            kind=message.kind,
            object_key=message.object_key,
            recipient_id=message.recipient_id,
            version__gt=message.version,
        ).exclude(state=MessageState.WITHHELD)
        if newer.exists():
            return "a newer reminder replaces it"
    elif row.ical_sequence != message.version:
        return "meeting changed since"
    return ""


def _render_booked(message):
    row = _request(message)
    me, other = _sides(row, message)
    items = _meeting_items(row.event, me, {row.pk})
    subject = sites.email_subject(_("Meeting with %(name)s booked") % {"name": _short(other)})
    context = _about(row, other, "matching:agenda", items)
    return render_email(
        subject,
        "matching/requests/email/booked",
        context,
        **calendar_parts(row.event, message, current=items),
    )


# --- Pending requests lapse: the requests phase closed, or a pitch's quiet period started -------


def enqueue_lapsed(rows: list[MeetingRequest], why: str) -> None:
    """To both sides of each lapsed request (rows with both sides' users); `why`:
    LAPSED_PHASE_CLOSED or LAPSED_QUIET_PERIOD."""
    for row in rows:
        outbox.enqueue(
            recipients=[row.sender.user, row.recipient.user],
            kind=LAPSED,
            object_key=_key(row),
            context={"request_id": row.pk, "why": why},
            event_id=row.event_id,
        )


def _lapsed_withhold_reason(message) -> str:
    row = _request(message)
    if row is None or row.status != RequestStatus.LAPSED:
        return "request no longer lapsed"
    if message.context.get("why") == LAPSED_QUIET_PERIOD and row.pitch is None:
        return "pitch deleted"
    return ""


def _render_lapsed(message):
    row = _request(message)
    me, other = _sides(row, message)
    quiet = message.context.get("why") == LAPSED_QUIET_PERIOD
    if quiet:
        subject = _("Meeting request closed: “%(title)s”") % {"title": row.pitch.title}
    else:
        subject = _("Your meeting request with %(name)s has lapsed") % {"name": _short(other)}
    context = {
        "event": row.event,
        "quiet": quiet,
        "title": row.pitch.title if row.pitch else "",
        "mine": _short(me),
        "other": _short(other),
        "consultation": row.pitch.consultation_url if quiet else "",
        "url": _url("matching:requests", row.event),
    }
    return render_email(
        sites.email_subject(subject), "matching/requests/email/request_lapsed", context
    )


# --- The digest of requests awaiting an answer: at most one a day per person --------------------


def enqueue_digest(registration: Registration) -> None:
    """The person's digest of the requests awaiting their answer, due at DIGEST_HOUR (event
    time) the next morning. One row per person and day (version: the day's ordinal), so many
    requests in a day make one digest; it lists what is still pending when it goes out."""
    event = registration.event
    tomorrow = times.today(event) + dt.timedelta(days=1)
    outbox.enqueue(
        recipients=[registration.user],
        kind=DIGEST,
        object_key=f"digest:{registration.pk}",
        version=tomorrow.toordinal(),
        context={"registration_id": registration.pk},
        event_id=registration.event_id,
        due_at=dt.datetime.combine(tomorrow, DIGEST_HOUR, tzinfo=event.tzinfo),
    )


def _pending_for(message) -> list[MeetingRequest]:
    return list(
        MeetingRequest.objects.filter(
            recipient_id=message.context["registration_id"], status=RequestStatus.PENDING
        )
        .select_related("event", "pitch", "sender__organisation", "sender__user")
        .order_by("created_at", "pk")
    )


def _digest_withhold_reason(message) -> str:
    return "" if _pending_for(message) else "nothing awaits an answer"


def _render_digest(message):
    pending = _pending_for(message)
    event = pending[0].event
    subject = sites.email_subject(
        _("Meeting requests awaiting your answer: %(count)s") % {"count": len(pending)}
    )
    context = {
        "event": event,
        "count": len(pending),
        "requests": [
            {
                "other": _name(row.sender),
                "pitch": row.pitch.title if row.pitch else "",
                "day": times.long_day(row.created_at, event),
            }
            for row in pending
        ],
        "url": _url("matching:requests", event),
    }
    return render_email(subject, "matching/requests/email/digest", context)


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
            event_id=version.event_id,
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


def _removed_items(event: Event, registration: Registration, changes) -> list[Stretch]:
    """The meetings this publication took away from the person, where they were, for a CANCEL:
    the request's UID with its raised SEQUENCE."""
    gone = {int(c.request): c.before for c in changes if c.kind == "removed" and c.before}
    if not gone:
        return []
    requests = MeetingRequest.objects.filter(pk__in=gone).with_sides()
    slots = Slot.objects.in_bulk({int(m.slot) for m in gone.values()})
    tables = Table.objects.in_bulk({int(m.table) for m in gone.values()})
    items = []
    for request in requests:
        place = gone[request.pk]
        slot, table = slots.get(int(place.slot)), tables.get(int(place.table))
        if slot is None or table is None:
            continue
        other = request.recipient if request.sender_id == registration.pk else request.sender
        line = schedule_queries.AgendaLine(slot, table, other, request, cancelled=True)
        items.append(line_item(registration, line))
    return sorted(items, key=lambda item: item.start)


def _render_schedule(message):
    version = _version(message)
    event = version.event
    registration = Registration.objects.select_related("user").get(
        pk=message.context["registration_id"]
    )
    changes = [_change(c) for c in message.context["changes"]]
    [row] = schedule_queries.describe_changes(event, {str(registration.pk): changes}) or [None]
    current = _meeting_items(event, registration)
    subject = sites.email_subject(
        _("Your meetings at %(event)s have changed") % {"event": event.title}
    )
    context = {
        "event": event,
        "version": version,
        "row": row,
        "meetings": _meeting_lines(event, current),
        "url": _url("matching:agenda", event),
    }
    parts = calendar_parts(
        event, message, current=current, removed=_removed_items(event, registration, changes)
    )
    return render_email(subject, "matching/console/email/schedule_changed", context, **parts)


# --- A reminder before each meeting, on the day -------------------------------------------------


def enqueue_reminders(event: Event, request_ids, *, minutes: int) -> int:
    """One reminder per person per meeting of `request_ids` where its participants know it
    (booked or published), due `minutes` before it starts; none when `minutes` is 0 or the
    due time is past. Version: the request's calendar SEQUENCE, so a moved meeting writes a new
    row and the old one is withheld at send time. Returns how many requests were reminded."""
    if not minutes:
        return 0
    requests = list(
        MeetingRequest.objects.filter(
            pk__in=list(request_ids), status=RequestStatus.ACCEPTED
        ).select_related("sender__user", "recipient__user")
    )
    places = schedule_queries.promised_places(event, requests)
    now = timezone.now()
    count = 0
    for request in requests:
        place = places.get(request.pk)
        if place is None:
            continue
        due_at = place.slot.starts_at - dt.timedelta(minutes=minutes)
        if due_at <= now:
            continue
        outbox.enqueue(
            recipients=[request.sender.user, request.recipient.user],
            kind=REMINDER,
            object_key=_key(request),
            version=request.ical_sequence,
            context={"request_id": request.pk, "starts_at": place.slot.starts_at.isoformat()},
            event_id=event.pk,
            due_at=due_at,
        )
        count += 1
    return count


def _reminder_withhold_reason(message) -> str:
    from matching.services.requests import settings_for  # the services import this module

    row = _request(message)
    if row is not None and not settings_for(row.event).reminder_minutes:
        return "reminders turned off"
    return _meeting_withhold_reason(message)


def _render_reminder(message):
    row = _request(message)
    me, other = _sides(row, message)
    items = _meeting_items(row.event, me, {row.pk})
    [line] = _meeting_lines(row.event, items)
    subject = sites.email_subject(
        _("At %(time)s: your meeting with %(name)s")
        % {"time": times.hhmm(items[0].start, row.event), "name": _short(other)}
    )
    context = {
        "event": row.event,
        "other": _name(other),
        "meeting": line,
        "url": _url("matching:agenda", row.event),
    }
    return render_email(subject, "matching/requests/email/reminder", context)


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
            event_id=registration.event_id,
        )


def _render_partner_left(message):
    data = message.context
    event = Event.objects.get(pk=data["event_id"])
    items = [
        {
            "status": item["status"],
            "when": times.day_and_time(dt.datetime.fromisoformat(item["starts_at"]), event)
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


# --- After the day: where is the follow-up? ------------------------------------------------------

# Osez asks both people of a pair with a follow-up this many months after the day, at this hour
# of the event's wall clock (the version of the message is the number of months).
FOLLOW_UP_MONTHS = (3, 6)
FOLLOW_UP_HOUR = dt.time(10, 0)


def months_after(date: dt.date, months: int) -> dt.date:
    """`date` moved `months` later, the day kept when that month has it (else its last day)."""
    import calendar

    year, month = divmod(date.month - 1 + months, 12)
    year, month = date.year + year, month + 1
    return dt.date(year, month, min(date.day, calendar.monthrange(year, month)[1]))


def follow_up_check_due(event: Event, months: int) -> dt.datetime:
    return dt.datetime.combine(
        months_after(event.end_date, months), FOLLOW_UP_HOUR, tzinfo=event.tzinfo
    )


def enqueue_follow_up_checks(follow_up: FollowUp) -> None:
    """Both people of the pair are asked where the follow-up stands 3 and 6 months after the day
    (rows due then; a check whose time has passed when the follow-up is created is skipped)."""
    row = follow_up.request
    now = timezone.now()
    for months in FOLLOW_UP_MONTHS:
        due = follow_up_check_due(row.event, months)
        if due <= now:
            continue
        outbox.enqueue(
            kind=FOLLOW_UP_CHECK,
            object_key=f"follow_up:{follow_up.pk}",
            recipients=[row.sender.user, row.recipient.user],
            version=months,
            context={"follow_up_id": follow_up.pk, "months": months},
            event_id=row.event_id,
            due_at=due,
        )


def _follow_up(message) -> FollowUp | None:
    return (
        FollowUp.objects.select_related(
            "request__event",
            "request__pitch",
            "request__sender__organisation",
            "request__sender__user",
            "request__recipient__organisation",
            "request__recipient__user",
        )
        .filter(pk=message.context["follow_up_id"])
        .first()
    )


def _follow_up_withhold_reason(message) -> str:
    from matching.rules import follow_up_open, follow_up_organisation

    follow_up = _follow_up(message)
    if follow_up is None:
        return "follow-up removed"
    if not follow_up_open(follow_up):
        return "follow-up closed"
    if message.recipient is None or follow_up_organisation(message.recipient, follow_up) is None:
        return "no longer a side of the follow-up"
    return ""


def _render_follow_up_check(message):
    follow_up = _follow_up(message)
    row = follow_up.request
    _me, other = _sides(row, message)
    months = message.context["months"]
    subject = sites.email_subject(
        _("%(months)s months after %(event)s: where is your follow-up with %(name)s?")
        % {"months": months, "event": row.event.title, "name": _short(other)}
    )
    context = {
        "event": row.event,
        "other": _name(other),
        "months": months,
        "pitch": row.pitch.title if row.pitch else "",
        "url": sites.absolute_url(
            reverse("matching:follow_up", args=[row.event.slug, follow_up.pk])
        ),
    }
    return render_email(subject, "matching/follow_ups/email/check", context)


KINDS = [
    Kind(
        REQUESTED,
        label=gettext_lazy("Someone requested a meeting with me"),
        render=_render_requested,
        withhold_reason=_requested_withhold_reason,
    ),
    Kind(
        ACCEPTED,
        label=gettext_lazy("My meeting request was accepted"),
        render=_render_accepted,
        withhold_reason=_status_withhold(RequestStatus.ACCEPTED),
    ),
    Kind(
        DECLINED,
        label=gettext_lazy("My meeting request was declined"),
        render=_render_declined,
        withhold_reason=_status_withhold(RequestStatus.DECLINED),
    ),
    Kind(
        CANCELLED,
        label=gettext_lazy("The other side cancelled a meeting or a request"),
        render=_render_cancelled,
        withhold_reason=_status_withhold(RequestStatus.CANCELLED),
    ),
    Kind(
        BOOKED,
        label=gettext_lazy("A meeting was booked in my agenda"),
        render=_render_booked,
        withhold_reason=_meeting_withhold_reason,
    ),
    Kind(
        LAPSED,
        label=gettext_lazy("A meeting request lapsed without an answer"),
        render=_render_lapsed,
        withhold_reason=_lapsed_withhold_reason,
    ),
    Kind(
        SCHEDULE_CHANGED,
        label=gettext_lazy("My meetings were scheduled or changed"),
        render=_render_schedule,
        withhold_reason=_schedule_withhold_reason,
    ),
    Kind(
        REMINDER,
        label=gettext_lazy("A reminder just before each of my meetings"),
        render=_render_reminder,
        withhold_reason=_reminder_withhold_reason,
    ),
    Kind(
        DIGEST,
        label=gettext_lazy("A daily summary of the meeting requests awaiting my answer"),
        render=_render_digest,
        withhold_reason=_digest_withhold_reason,
    ),
    Kind(
        PARTNER_LEFT,
        label=gettext_lazy("A partner no longer takes part"),
        render=_render_partner_left,
        withhold_reason=never_withheld,
    ),
    Kind(
        FOLLOW_UP_CHECK,
        label=gettext_lazy("Where my follow-ups stand, 3 and 6 months after an event"),
        render=_render_follow_up_check,
        withhold_reason=_follow_up_withhold_reason,
    ),
]
