"""The only code that writes meeting requests and meetings.

Keyword-only functions, one per state change; each docstring lists its side effects in order.
Refusals are `ValidationError`s with a message for the person. Booking a meeting is the scarce-resource
path: it locks the slot row (which owns the slot's tables) and both participants' registrations, late
and in a fixed order, re-counts, then writes; database constraints (one meeting per table and slot, one
seat per participant and slot) stand behind the lock.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.enums import OrganisationKind
from accounts.models import User
from events.enums import RegistrationStatus
from events.models import Registration, Slot, Table
from pitches.models import Pitch

from matching.enums import ACTIVE_REQUEST_STATUSES, REQUEST_TRANSITIONS, BookingMode, RequestStatus
from matching.models import Attendance, MatchingSettings, Meeting, MeetingRequest

LOCK_TIMEOUT = "3s"


class Busy(ValidationError):
    """Someone else holds the lock; the person should simply try again."""


def settings_for(event) -> MatchingSettings:
    return MatchingSettings.objects.get_or_create(event=event)[0]


def _locks_enabled() -> bool:
    """settings.TEST_DISABLE_LOCKS (tests only) switches locking off to show the race it prevents."""
    return not settings.TEST_DISABLE_LOCKS


def _lock(queryset):
    return queryset.select_for_update() if _locks_enabled() else queryset


def _set_lock_timeout() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")


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

    Side effects, in order: check both registrations are validated for the same event, the pair
    is buyer↔ESS or ESS↔ESS, the pitch (if any) belongs to the event and is open for exchanges;
    lock the sender's registration; check the organisers' cap on outgoing requests and that no
    active request joins the pair; write the request.
    """
    if sender.event_id != recipient.event_id:
        raise ValidationError(_("Both participants must take part in the same event."))
    if sender.pk == recipient.pk:
        raise ValidationError(_("You cannot request a meeting with yourself."))
    for registration in (sender, recipient):
        if registration.status != RegistrationStatus.VALIDATED:
            raise ValidationError(_("Only validated participants can meet."))
    kinds = {sender.organisation.kind, recipient.organisation.kind}
    if kinds == {OrganisationKind.BUYER}:
        raise ValidationError(
            _("Meetings are between a buyer and an ESS structure, or between ESS structures.")
        )
    if pitch is not None:
        if pitch.event_id != sender.event_id:
            raise ValidationError(_("This pitch belongs to another event."))
        if pitch.in_quiet_period:
            raise ValidationError(
                _("The consultation for this pitch is launched: please use the official channel.")
            )
    with transaction.atomic():
        _set_lock_timeout()
        locked_sender = _lock(Registration.objects.filter(pk=sender.pk)).get()
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
        pair = Q(sender=sender, recipient=recipient) | Q(sender=recipient, recipient=sender)
        if MeetingRequest.objects.filter(pair, status__in=ACTIVE_REQUEST_STATUSES).exists():
            raise ValidationError(_("A meeting request between you is already open."))
        try:
            with transaction.atomic():
                return MeetingRequest.objects.create(
                    event_id=sender.event_id,
                    sender=sender,
                    recipient=recipient,
                    pitch=pitch,
                    message=message.strip(),
                )
        except IntegrityError:
            raise ValidationError(_("A meeting request between you is already open.")) from None


def answer_request(
    *, request: MeetingRequest, accept: bool, by: User, reason: str = ""
) -> MeetingRequest:
    """The recipient accepts or declines (with an optional reason).

    Side effects, in order: lock the request; check it is pending; write status and answer time.
    """
    with transaction.atomic():
        locked = MeetingRequest.objects.select_for_update().get(pk=request.pk)
        target = RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED
        _check_transition(locked, target)
        locked.status = target
        locked.decline_reason = "" if accept else reason.strip()
        locked.answered_at = timezone.now()
        locked.save(update_fields=["status", "decline_reason", "answered_at"])
        return locked


def cancel_request(*, request: MeetingRequest, by: User) -> MeetingRequest:
    """Either side withdraws a pending or accepted request; its meeting, if any, is freed.

    Side effects, in order: lock the request; check the move; delete its meeting; write the status.
    """
    with transaction.atomic():
        locked = MeetingRequest.objects.select_for_update().get(pk=request.pk)
        _check_transition(locked, RequestStatus.CANCELLED)
        Meeting.objects.filter(request=locked).delete()
        locked.status = RequestStatus.CANCELLED
        locked.save(update_fields=["status"])
        return locked


def lapse_pending_requests(*, event) -> int:
    """When the requests phase closes, pending requests lapse. Returns how many did.

    Side effects: one UPDATE of every pending request of the event.
    """
    return MeetingRequest.objects.filter(event=event, status=RequestStatus.PENDING).update(
        status=RequestStatus.LAPSED, answered_at=timezone.now()
    )


def _unavailable(registration: Registration, slot: Slot) -> bool:
    return registration.unavailabilities.filter(
        starts_at__lt=slot.ends_at, ends_at__gt=slot.starts_at
    ).exists()


def book_meeting(
    *, request: MeetingRequest, slot: Slot, by: User, table: Table | None = None
) -> Meeting:
    """Place an accepted request in `slot` (self-service booking, or an organiser's hand).

    Side effects, in order: set a lock timeout; lock the slot row, then both registrations in id
    order; re-check the request is accepted and unplaced, both people are free and available, caps;
    pick a free table (accessible when either needs it) unless one is given; write the meeting and
    its two seats. A lock timeout becomes `Busy`; a constraint violation means someone else won.
    """
    try:
        with transaction.atomic():
            _set_lock_timeout()
            locked_slot = _lock(Slot.objects.filter(pk=slot.pk)).select_related("session").get()
            people = list(
                _lock(
                    Registration.objects.filter(pk__in=[request.sender_id, request.recipient_id])
                ).order_by("pk")
            )
            current = MeetingRequest.objects.get(pk=request.pk)
            _check_bookable(current, locked_slot, people)
            chosen = table or _free_table(locked_slot, people)
            if chosen is None:
                raise ValidationError(
                    _("Every table is taken in this slot; please choose another one.")
                )
            if Meeting.objects.filter(slot=locked_slot, table=chosen).exists():
                raise ValidationError(_("This table is already taken in this slot."))
            meeting = Meeting.objects.create(request=current, slot=locked_slot, table=chosen)
            Attendance.objects.bulk_create(
                [
                    Attendance(meeting=meeting, registration=person, slot=locked_slot)
                    for person in people
                ]
            )
            return meeting
    except OperationalError:
        raise Busy(_("Many people are booking right now; please try again in a moment.")) from None
    except IntegrityError:
        raise ValidationError(
            _("This slot was just taken by someone else; please choose another one.")
        ) from None


def _check_bookable(request: MeetingRequest, slot: Slot, people: list[Registration]) -> None:
    if request.status != RequestStatus.ACCEPTED:
        raise ValidationError(_("Only an accepted request can be placed in the agenda."))
    if Meeting.objects.filter(request=request).exists():
        raise ValidationError(_("This meeting is already in the agenda."))
    if slot.session.event_id != request.event_id:
        raise ValidationError(_("This slot belongs to another event."))
    for person in people:
        if Attendance.objects.filter(registration=person, slot=slot).exists():
            raise ValidationError(
                _("%(name)s already has a meeting in this slot.")
                % {"name": person.organisation or person.user}
            )
        if _unavailable(person, slot):
            raise ValidationError(
                _("%(name)s is not available in this slot.")
                % {"name": person.organisation or person.user}
            )
        if person.max_meetings is not None and person.attendances.count() >= person.max_meetings:
            raise ValidationError(
                _("%(name)s has reached their maximum number of meetings.")
                % {"name": person.organisation or person.user}
            )


def _free_table(slot: Slot, people: list[Registration]) -> Table | None:
    taken = Meeting.objects.filter(slot=slot).values("table")
    tables = Table.objects.filter(event_id=slot.session.event_id).exclude(pk__in=taken)
    if any(person.needs_accessible_table for person in people):
        tables = tables.filter(accessible=True)
    return tables.order_by("name").first()


def is_self_service(event) -> bool:
    return settings_for(event).booking_mode == BookingMode.SELF_SERVICE
