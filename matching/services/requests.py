"""The only code that writes meeting requests and meetings.

Keyword-only functions, one per state change; each docstring lists its side effects in order.
Refusals are `ValidationError`s with a message for the person. Booking a meeting is the scarce-resource
path: it locks the slot row (which owns the slot's tables) and both participants' registrations, late
and in a fixed order, re-counts, then writes; database constraints (one meeting per table and slot, one
seat per participant and slot) stand behind the lock. Every change tells both sides' open "My meetings"
pages on commit (groups named in matching/groups.py); those messages are only hints.
"""

import logging
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

import core.locking
from accounts.models import Organisation, User
from core.live import broadcast_on_commit
from core.locking import lock, locked_transaction
from events import day
from events.enums import DayKind, Phase, RegistrationRole
from events.models import Event, Registration, Slot, Table, table_order
from events.rules import requests_open
from matching import emails, groups, schedule_queries
from matching.enums import (
    ACTIVE_REQUEST_STATUSES,
    REQUEST_TRANSITIONS,
    WEIGHT_ABOUT_PITCH,
    WEIGHT_MUTUAL,
    WEIGHT_ONE_SIDED,
    BookingMode,
    RequestStatus,
)
from matching.models import (
    DEFAULT_NO_SHOW_MINUTES,
    DEFAULT_REMINDER_MINUTES,
    MAX_NO_SHOW_MINUTES,
    MAX_REMINDER_MINUTES,
    MIN_NO_SHOW_MINUTES,
    Attendance,
    MatchingSettings,
    Meeting,
    MeetingRequest,
)
from matching.rules import meeting_refusal, request_refusal
from matching.services import screens
from matching.services.sourcing import log_meeting
from pitches.enums import INTEREST_ACTIVE, InterestStatus
from pitches.models import Interest, Pitch

logger = logging.getLogger(__name__)

MAX_MESSAGE_LENGTH = 1000

# Codes of booking refusals, so callers can tell a lost race from bad input (HTTP 409 vs 400).
TAKEN = "taken"  # the re-count under lock found the slot full or a person busy
CONSTRAINT = "constraint"  # a database constraint refused the write (someone won meanwhile)
BUSY = core.locking.BUSY  # the lock was not obtained in time
BUSY_MESSAGE = gettext_lazy("Many people are booking right now; please try again in a moment.")


def _lists_changed(*requests: MeetingRequest) -> None:
    """On commit, ask both sides' open "My meetings" and "My agenda" pages to re-render from the
    database (one message per person, however many of their requests changed), and the event's
    venue screens to fetch their board again."""
    people = {r.sender_id for r in requests} | {r.recipient_id for r in requests}
    for registration_id in sorted(people):
        broadcast_on_commit(groups.my_requests(registration_id), {"type": "requests.changed"})
        broadcast_on_commit(groups.agenda(registration_id), {"type": "agenda.changed"})
    for event_id in sorted({r.event_id for r in requests}):
        screens.screen_changed(event_id)


def raise_calendar_sequence(request_ids: Iterable[int]) -> None:
    """The meetings of these requests changed time, place or status: their calendar SEQUENCE goes
    up by one and LAST-MODIFIED is now (RFC 5545; stored, never computed). One UPDATE."""
    ids = set(request_ids)
    if ids:
        MeetingRequest.objects.filter(pk__in=ids).update(
            ical_sequence=F("ical_sequence") + 1, ical_modified_at=timezone.now()
        )


def _keep_cancelled_places(requests: list[MeetingRequest]) -> None:
    """Note on each request (not saved) where its participants knew the meeting was, so calendars
    keep it there as STATUS:CANCELLED (schedule_queries.promised_places)."""
    if not requests:
        return
    places = schedule_queries.promised_places(requests[0].event, requests)
    for request in requests:
        place = places.get(request.pk)
        if place is not None:
            request.cancelled_slot, request.cancelled_table = place.slot, place.table


def settings_for(event) -> MatchingSettings:
    """The event's matching settings; the defaults, unsaved, until the organisers change them.
    A read (GET pages call it): only update_settings writes the row."""
    return MatchingSettings.objects.filter(event=event).first() or MatchingSettings(event=event)


def _check_transition(request: MeetingRequest, target: str) -> None:
    if target not in REQUEST_TRANSITIONS[RequestStatus(request.status)]:
        raise ValidationError(
            _("This request is already “%(status)s”.") % {"status": request.get_status_display()}
        )


def send_request(
    *,
    sender: Registration,
    recipient: Registration,
    by: User,
    pitch: Pitch | None = None,
    message: str = "",
) -> MeetingRequest:
    """Ask `recipient` for a meeting on behalf of `sender`'s organisation.

    Side effects, in order: check who may meet whom (matching.rules.request_refusal: validated
    buyer or ESS participants of the same event, two organisations, buyer↔ESS or ESS↔ESS, the
    requests phase, the pitch open for exchanges and the buyer's own, the cap, one open request
    per pair of organisations); lock the sender's registration, then both organisations; check
    the cap and the open pair again; write the request; log it in the pitch's sourcing log;
    queue in the outbox an email to the recipient now and their digest of requests awaiting an
    answer for the next morning (matching/emails.py); tell both sides' pages on commit. A lock
    timeout becomes `Busy`.
    """
    check_request(sender=sender, recipient=recipient, by=by, pitch=pitch)
    message = message.strip()
    if len(message) > MAX_MESSAGE_LENGTH:
        raise ValidationError(
            _("Keep the message under %(max)s characters.") % {"max": MAX_MESSAGE_LENGTH}
        )
    request = _write_request(sender, recipient, pitch, message)
    logger.info(
        "meeting request %s: %s -> %s by user %s", request.pk, sender.pk, recipient.pk, by.pk
    )
    _lists_changed(request)
    return request


def _write_request(sender, recipient, pitch, message) -> MeetingRequest:
    with locked_transaction(
        gettext_lazy("Many people are sending requests right now; please try again.")
    ):
        locked_sender = lock(Registration.objects.filter(pk=sender.pk)).get()
        cap = settings_for(locked_sender.event).max_requests_per_participant
        if cap is not None:
            sent = MeetingRequest.objects.filter(
                sender=locked_sender, status__in=ACTIVE_REQUEST_STATUSES
            ).count()
            if sent >= cap:
                raise ValidationError(
                    _("You have reached the organisers' limit of %(cap)s meeting requests.")
                    % {"cap": cap}
                )
        # One open request per pair of organisations: both organisation rows serialise it.
        orgs = sorted({sender.organisation_id, recipient.organisation_id})
        list(lock(Organisation.objects.filter(pk__in=orgs)).order_by("pk").values_list("pk"))
        pair = Q(
            sender__organisation_id=sender.organisation_id,
            recipient__organisation_id=recipient.organisation_id,
        ) | Q(
            sender__organisation_id=recipient.organisation_id,
            recipient__organisation_id=sender.organisation_id,
        )
        if MeetingRequest.objects.filter(
            pair, event_id=sender.event_id, status__in=ACTIVE_REQUEST_STATUSES
        ).exists():
            raise ValidationError(_("A meeting request between you is already open."))
        try:
            with locked_transaction():
                request = MeetingRequest.objects.create(
                    event_id=sender.event_id,
                    sender=sender,
                    recipient=recipient,
                    pitch=pitch,
                    message=message,
                )
                log_meeting(request=request, what="requested", actor=sender.user)
                emails.enqueue_requested(request)
                return request
        except IntegrityError:
            raise ValidationError(_("A meeting request between you is already open.")) from None


def check_request(
    *, sender: Registration, recipient: Registration, by: User, pitch: Pitch | None = None
) -> None:
    """What send_request checks before locking (matching.rules.request_refusal, the one rule of
    who may meet whom), so a page can say at once why a request is not possible."""
    reason = request_refusal(sender, recipient, pitch=pitch)
    if reason is not None:
        raise ValidationError(reason)


def _check_meeting_possible(request: MeetingRequest) -> None:
    """Accepting, booking and placing ask the same rule: the two sides may still meet, about
    the request's pitch if any (its quiet period closes it)."""
    reason = meeting_refusal(request)
    if reason is not None:
        raise ValidationError(reason)


def _locked_request(request: MeetingRequest) -> MeetingRequest:
    return (
        lock(MeetingRequest.objects)
        .select_related(
            "event",
            "sender__organisation",
            "recipient__organisation",
            "sender__user",
            "pitch__event",
        )
        .get(pk=request.pk)
    )


def answer_request(
    *, request: MeetingRequest, accept: bool, by: User, reason: str = ""
) -> MeetingRequest:
    """The recipient accepts or declines (with an optional reason).

    Side effects, in order: lock the request; check the phase (`requests_open`, as the views)
    and that it is pending; to accept, check the two sides may still meet about its pitch
    (matching.rules.meeting_refusal: not once its quiet period has started); write status and
    answer time; log it in the pitch's sourcing log; queue in the outbox an email to the sender
    (accepted, with the meeting's .ics once it has a time; or declined, with the reason); tell
    both sides' pages on commit.
    """
    with locked_transaction():
        locked = _locked_request(request)
        if not requests_open(by, locked.event):
            raise ValidationError(_("Meeting requests are not open for this event at the moment."))
        target = RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED
        _check_transition(locked, target)
        if accept:
            _check_meeting_possible(locked)
        locked.status = target
        locked.decline_reason = "" if accept else reason.strip()
        locked.answered_at = timezone.now()
        locked.save(update_fields=["status", "decline_reason", "answered_at"])
        log_meeting(request=locked, what="accepted" if accept else "declined", actor=by)
        emails.enqueue_answered(locked)
        logger.info("meeting request %s %s by user %s", locked.pk, target, by.pk)
        _lists_changed(locked)
        return locked


def accept_request(
    *, request: MeetingRequest, by: User, slot: Slot | None = None
) -> MeetingRequest:
    """The recipient accepts, and in self-service events may place the meeting at once.

    Side effects, in order: accept (answer_request); when a slot is given, book it (book_meeting)
    in the same transaction, so a refused booking leaves the request pending (the sender's
    acceptance email then carries the meeting's time and .ics; the booked email goes to the
    recipient only).
    """
    with locked_transaction():
        accepted = answer_request(request=request, accept=True, by=by)
        if slot is not None:
            book_meeting(request=accepted, slot=slot, by=by, self_booked=True, at_acceptance=True)
        return accepted


def cancel_request(*, request: MeetingRequest, by: User) -> MeetingRequest:
    """Either side withdraws a pending or accepted request; its meeting, if any, is freed.

    Side effects, in order: lock the request; check the move; note where its participants knew the
    meeting was (calendars keep it there, cancelled); delete its meeting; write the status; raise
    its calendar SEQUENCE; log it in the pitch's sourcing log; queue in the outbox an email to
    the other side (with a calendar CANCEL when the meeting had a place); tell both sides' pages
    on commit.
    """
    with locked_transaction():
        locked = _locked_request(request)
        cancel_locked(locked, by=by)
        logger.info("meeting request %s cancelled by user %s", locked.pk, by.pk)
        _lists_changed(locked)
        return locked


def cancel_locked(request: MeetingRequest, *, by: User) -> None:
    """cancel_request's writes, for a request its caller has locked (cancel_request; a
    re-pairing on the day, matching/services/presence.py): check the move, keep the known
    place for calendars, delete the meeting, write the status, raise the calendar SEQUENCE, log,
    queue the other side's email. The caller tells the pages."""
    _check_transition(request, RequestStatus.CANCELLED)
    _keep_cancelled_places([request])
    Meeting.objects.filter(request=request).delete()
    request.status = RequestStatus.CANCELLED
    request.booked_slot = request.booked_table = None
    request.save(
        update_fields=[
            "status",
            "booked_slot",
            "booked_table",
            "cancelled_slot",
            "cancelled_table",
        ]
    )
    raise_calendar_sequence([request.pk])
    log_meeting(request=request, what="cancelled", actor=by)
    emails.enqueue_cancelled(request, by)


def lapse_pending_requests(*, event) -> int:
    """When the requests phase closes, pending requests lapse. Returns how many did.

    Side effects: one UPDATE of every pending request of the event; log those about a pitch in
    its sourcing log; queue in the outbox an email to both sides of each; on commit, both sides'
    open "My meetings" pages re-render.
    """
    pending = MeetingRequest.objects.filter(event=event, status=RequestStatus.PENDING)
    concerned = list(pending.select_related("sender__user", "recipient__user").order_by("pk"))
    about_pitches = list(
        pending.filter(pitch__isnull=False).select_related(
            "sender__organisation", "recipient__organisation", "pitch__event"
        )
    )
    lapsed = pending.update(status=RequestStatus.LAPSED, answered_at=timezone.now())
    for row in about_pitches:
        log_meeting(request=row, what="lapsed")
    emails.enqueue_lapsed(concerned, emails.LAPSED_PHASE_CLOSED)
    _lists_changed(*concerned)
    logger.info("event %s: %s pending meeting requests lapsed", event.slug, lapsed)
    return lapsed


def update_settings(
    *,
    event: Event,
    by: User,
    booking_mode: str,
    max_requests_per_participant: int | None,
    reminder_minutes: int = DEFAULT_REMINDER_MINUTES,
    no_show_minutes: int = DEFAULT_NO_SHOW_MINUTES,
) -> MatchingSettings:
    """The organisers choose the booking mode, the cap on outgoing requests, how many minutes
    before each meeting its reminder is emailed (0: none) and how many minutes after a slot's
    start a partner not checked in counts as absent (matching.rules.absent_partner).

    Side effects, in order: check the reminder's and the no-show delay's bounds; lock (or create) the event's settings
    row; write; log. A lower cap does not touch requests already sent: it applies to the next
    ones. A new reminder time applies to the reminders written from then on (the next
    publication or booking); those already queued keep their time.
    """
    if booking_mode not in BookingMode.values:
        raise ValidationError({"booking_mode": _("Choose a booking mode.")})
    if not 0 <= reminder_minutes <= MAX_REMINDER_MINUTES:
        raise ValidationError(
            {
                "reminder_minutes": _("Choose between 0 and %(max)s minutes.")
                % {"max": MAX_REMINDER_MINUTES}
            }
        )
    if not MIN_NO_SHOW_MINUTES <= no_show_minutes <= MAX_NO_SHOW_MINUTES:
        raise ValidationError(
            {
                "no_show_minutes": _("Choose between %(min)s and %(max)s minutes.")
                % {"min": MIN_NO_SHOW_MINUTES, "max": MAX_NO_SHOW_MINUTES}
            }
        )
    with locked_transaction():
        MatchingSettings.objects.get_or_create(event=event)
        row = lock(MatchingSettings.objects).get(event=event)
        row.booking_mode = booking_mode
        row.max_requests_per_participant = max_requests_per_participant
        row.reminder_minutes = reminder_minutes
        row.no_show_minutes = no_show_minutes
        row.save(
            update_fields=[
                "booking_mode",
                "max_requests_per_participant",
                "reminder_minutes",
                "no_show_minutes",
            ]
        )
    logger.info("event %s matching settings changed by user %s", event.slug, by.pk)
    return row


def book_meeting(
    *,
    request: MeetingRequest,
    slot: Slot,
    by: User,
    table: Table | None = None,
    self_booked: bool = False,
    at_acceptance: bool = False,
) -> Meeting:
    """Place an accepted request in `slot` (self-service booking, or an organiser's hand).

    Side effects, in order: set a lock timeout; lock the slot row, then both registrations in id
    order; re-check the request is accepted and unplaced, its two sides may still meet about its
    pitch (matching.rules.meeting_refusal), both people are free in their day (events/day.py:
    meetings, the pitch session, workshops, unavailability) and caps; pick a free table in the
    stated order (`_free_table`) unless one is given; write the meeting and its two seats; raise
    the request's calendar SEQUENCE; when the
    participants booked it themselves (`self_booked`), record the place on the request (a promise
    organisers' runs keep) and queue in the outbox the booked email with its .ics (to both sides;
    to the booker only `at_acceptance`, when the sender learns it from the acceptance email) and
    each side's reminder before it (the organisers' placements are told at publication instead);
    log it in the pitch's sourcing log; tell both sides' pages on commit. A lock timeout becomes
    `Busy`; a constraint violation means someone else won.
    """
    try:
        with locked_transaction(BUSY_MESSAGE):
            locked_slot = lock(Slot.objects.filter(pk=slot.pk)).select_related("session").get()
            people = list(
                lock(
                    Registration.objects.filter(pk__in=[request.sender_id, request.recipient_id])
                ).order_by("pk")
            )
            current = MeetingRequest.objects.select_related(
                "sender__organisation", "recipient__organisation", "pitch__event"
            ).get(pk=request.pk)
            _check_bookable(current, locked_slot, people)
            if table is not None:
                _check_table_fits(table, locked_slot, people)
            chosen = table or _free_table(locked_slot, people)
            if chosen is None:
                raise ValidationError(
                    _("Every table is taken in this slot; please choose another one."), code=TAKEN
                )
            if Meeting.objects.filter(slot=locked_slot, table=chosen).exists():
                raise ValidationError(_("This table is already taken in this slot."), code=TAKEN)
            meeting = Meeting.objects.create(request=current, slot=locked_slot, table=chosen)
            raise_calendar_sequence([current.pk])
            if self_booked:
                current.booked_slot, current.booked_table = locked_slot, chosen
                current.save(update_fields=["booked_slot", "booked_table"])
                told = [p for p in people if not at_acceptance or p.pk == current.recipient_id]
                emails.enqueue_booked(current, told)
                emails.enqueue_reminders(
                    locked_slot.session.event,
                    [current.pk],
                    minutes=settings_for(current.event).reminder_minutes,
                )
            Attendance.objects.bulk_create(
                [
                    Attendance(meeting=meeting, registration=person, slot=locked_slot)
                    for person in people
                ]
            )
            log_meeting(request=current, what="booked", actor=by, slot=locked_slot)
    except IntegrityError:
        raise ValidationError(
            _("This slot was just taken by someone else; please choose another one."),
            code=CONSTRAINT,
        ) from None
    logger.info("meeting request %s booked in slot %s by user %s", request.pk, slot.pk, by.pk)
    _lists_changed(request)
    return meeting


def _check_bookable(request: MeetingRequest, slot: Slot, people: list[Registration]) -> None:
    if request.status != RequestStatus.ACCEPTED:
        raise ValidationError(_("Only an accepted request can be placed in the agenda."))
    if Meeting.objects.filter(request=request).exists():
        raise ValidationError(_("This meeting is already in the agenda."))
    _check_meeting_possible(request)
    if slot.session.event_id != request.event_id:
        raise ValidationError(_("This slot belongs to another event."))
    busy = day.busy_stretches(slot.session.event, people)
    for person in people:
        name = person.organisation or person.user
        found = day.clash(busy[person.pk], slot.starts_at, slot.ends_at)
        if found is not None and found.kind == DayKind.MEETING:
            raise ValidationError(
                _("%(name)s already has a meeting in this slot.") % {"name": name}, code=TAKEN
            )
        if found is not None:
            raise ValidationError(
                _("%(name)s is not available in this slot (%(why)s).")
                % {"name": name, "why": found.label}
            )
        if person.max_meetings is not None and person.attendances.count() >= person.max_meetings:
            raise ValidationError(
                _("%(name)s has reached their maximum number of meetings.") % {"name": name}
            )


def _check_table_fits(table: Table, slot: Slot, people: list[Registration]) -> None:
    """A table chosen by hand: of the slot's event, and accessible when either person needs it."""
    if table.event_id != slot.session.event_id:
        raise ValidationError(_("This table belongs to another event."))
    if not table.accessible and any(person.needs_accessible_table for person in people):
        raise ValidationError(
            _("%(name)s needs an accessible table.")
            % {"name": next(p.organisation or p.user for p in people if p.needs_accessible_table)}
        )
    for person in people:
        if person.home_table_id and person.home_table_id != table.pk:
            raise ValidationError(
                _("%(name)s meets at their own table, %(table)s.")
                % {"name": person.organisation or person.user, "table": person.home_table}
            )


def _free_table(slot: Slot, people: list[Registration]) -> Table | None:
    """The first free table that fits, in the stated order: a buyer's home table (theirs only, when
    they have one), then the table the buyer already sits at in their other meetings of the event,
    then the organisers' table order (events.models.TABLE_ORDER: step-free tables first)."""
    taken = Meeting.objects.filter(slot=slot).values("table")
    tables = Table.objects.filter(event_id=slot.session.event_id).exclude(pk__in=taken)
    if any(person.needs_accessible_table for person in people):
        tables = tables.filter(accessible=True)
    homes = [p.home_table_id for p in people if p.home_table_id]
    if homes:
        return tables.filter(pk=homes[0]).first()
    buyers = [p for p in people if p.role == RegistrationRole.BUYER]
    if buyers:
        usual = (
            Meeting.objects.filter(attendances__registration=buyers[0])
            .values("table")
            .annotate(n=Count("pk"))
            .order_by("-n", "table")
            .values_list("table", flat=True)
        )
        for table_id in usual:
            found = tables.filter(pk=table_id).first()
            if found is not None:
                return found
    return tables.order_by(*table_order()).first()


def is_self_service(event) -> bool:
    return settings_for(event).booking_mode == BookingMode.SELF_SERVICE


# --- Weights given to the scheduling engine -------------------------------------------------------


def request_weight(request: MeetingRequest) -> int:
    """How much a meeting request is worth to the engine (1..10): THE rule, see request_weights."""
    return request_weights([request])[request.pk]


def request_weights(requests: Iterable[MeetingRequest]) -> dict[int, int]:
    """Weights of many requests in three queries, whatever their number.

    - WEIGHT_MUTUAL: the two organisations asked each other for a meeting at some point (any
      status), or the structure expressed an interest in a pitch of the buyer organisation and
      the buyer shortlisted it;
    - WEIGHT_ABOUT_PITCH: the request is about a pitch one of its structures is interested in;
    - WEIGHT_ONE_SIDED otherwise.
    Requests need `sender` and `recipient` loaded (select_related) to avoid a query each.
    """
    rows = [
        (r.pk, r.event_id, r.sender.organisation_id, r.recipient.organisation_id, r.pitch_id)
        for r in requests
    ]
    if not rows:
        return {}
    events = {row[1] for row in rows}
    orgs = {org for row in rows for org in row[2:4]}
    asked = set(
        MeetingRequest.objects.filter(
            event_id__in=events,
            sender__organisation_id__in=orgs,
            recipient__organisation_id__in=orgs,
        ).values_list("event_id", "sender__organisation_id", "recipient__organisation_id")
    )
    shortlisted = set(
        Interest.objects.filter(
            status=InterestStatus.SHORTLISTED,
            pitch__event_id__in=events,
            organisation_id__in=orgs,
            pitch__buyer_id__in=orgs,
        ).values_list("pitch__event_id", "organisation_id", "pitch__buyer_id")
    )
    pitches = {row[4] for row in rows if row[4] is not None}
    interested = (
        set(
            Interest.objects.filter(pitch_id__in=pitches, status__in=INTEREST_ACTIVE).values_list(
                "pitch_id", "organisation_id"
            )
        )
        if pitches
        else set()
    )
    weights = {}
    for pk, event_id, a, b, pitch_id in rows:
        if (event_id, b, a) in asked or {(event_id, a, b), (event_id, b, a)} & shortlisted:
            weights[pk] = WEIGHT_MUTUAL
        elif pitch_id is not None and {(pitch_id, a), (pitch_id, b)} & interested:
            weights[pk] = WEIGHT_ABOUT_PITCH
        else:
            weights[pk] = WEIGHT_ONE_SIDED
    return weights


# --- A participant leaves: their registration is refused or cancelled, or their account deleted --


def release_registration(*, registration: Registration, by: User | None, reason: str) -> int:
    """Free the meetings and requests of a person who no longer takes part (events/releases.py).

    Side effects, in order: lock the person's active requests (id order); cancel the accepted ones
    and the pending ones they sent (noting where their partners knew the meeting was, for
    calendars), lapse the pending ones they received; delete their meetings (except those already
    held on the day: the record stays); raise their calendar SEQUENCE; log; on commit, email
    each partner once with what changed and tell both sides' open "My meetings" and agenda pages
    and the organisers' console. Returns how many requests changed.
    """
    now = timezone.now()
    with locked_transaction(BUSY_MESSAGE):
        rows = list(
            lock(
                MeetingRequest.objects.filter(
                    Q(sender=registration) | Q(recipient=registration),
                    status__in=ACTIVE_REQUEST_STATUSES,
                ).order_by("pk")
            )
        )
        meetings = {
            m.request_id: m
            for m in Meeting.objects.filter(request__in=rows).select_related("slot", "table")
        }
        places = schedule_queries.promised_places(registration.event, rows)
        changed, lines = [], {}
        for row in rows:
            meeting = meetings.get(row.pk)
            if meeting is not None and _already_held(meeting, registration.event, now):
                continue  # the record of the day: kept as it is
            if row.status == RequestStatus.PENDING and row.recipient_id == registration.pk:
                row.status = RequestStatus.LAPSED
            else:
                row.status = RequestStatus.CANCELLED
            row.answered_at = row.answered_at or now
            if row.pk in places:  # calendars keep it there, cancelled
                row.cancelled_slot, row.cancelled_table = places[row.pk].slot, places[row.pk].table
            row.save(update_fields=["status", "answered_at", "cancelled_slot", "cancelled_table"])
            if meeting is not None:
                meeting.delete()
            changed.append(row)
            partner_id = row.recipient_id if row.sender_id == registration.pk else row.sender_id
            lines.setdefault(partner_id, []).append((row.status, meeting))
        raise_calendar_sequence(row.pk for row in changed)
    if not changed:
        return 0
    logger.info(
        "registration %s released (%s): %s meeting requests closed by user %s",
        registration.pk,
        reason,
        len(changed),
        getattr(by, "pk", None),
    )
    _lists_changed(*changed)
    for registration_id in {registration.pk, *lines}:
        broadcast_on_commit(groups.agenda(registration_id), {"type": "agenda.changed"})
    if any(meeting is not None for items in lines.values() for _s, meeting in items):
        broadcast_on_commit(
            groups.schedule_console(registration.event_id), {"type": "run.progress", "run_id": None}
        )
    _tell_partners(registration, reason, lines)
    return len(changed)


def _already_held(meeting: Meeting, event: Event, now) -> bool:
    """A meeting of a day under way or over whose slot has ended. Before the day (whatever the
    wall clock says: events are prepared, and demo days replayed, in any year) none is held."""
    return event.phase in {Phase.LIVE, Phase.CLOSED} and meeting.slot.ends_at <= now


def _tell_partners(registration: Registration, reason: str, lines: dict) -> None:
    """Queue in the outbox one email per partner: who left, and which of their meetings or
    requests closed (sent once the transaction commits)."""
    emails.enqueue_partner_left(registration, reason, lines)
