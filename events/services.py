"""The only code that writes events, their programme, tables, slots and registrations.

Every function is keyword-only; its docstring lists its side effects in order. User-facing refusals
are `ValidationError`s with a clear, translated message (keyed by form field where one applies).
"""

import datetime as dt
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts import services as accounts_services
from accounts.enums import MembershipRole, OrganisationKind
from accounts.models import Membership, Organisation, Territory, Theme, User
from core import live, times
from core.live import broadcast_on_commit
from core.locking import lock, locked_transaction

from . import badges, checkins, emails, groups, phases, programme, releases
from .enums import (
    PHASE_TRANSITIONS,
    PHASES_SCHEDULE_VISIBLE,
    REGISTRATION_ACTIVE,
    Phase,
    RegistrationRole,
    RegistrationStatus,
    ReleaseReason,
    SessionKind,
)
from .models import Event, Feedback, Registration, Room, Session, Slot, Table, Unavailability
from .rules import acts_as_organiser

logger = logging.getLogger(__name__)

MAX_BULK_TABLES = 200


# --- Events, phases, organisers -------------------------------------------------------------


@locked_transaction()
def create_event(
    *,
    created_by: User,
    slug: str,
    title: str,
    start_date: dt.date,
    end_date: dt.date,
    venue: str,
    address: str = "",
    time_zone: str = "Europe/Paris",
    description: str = "",
) -> Event:
    """Create an event in the draft phase.

    Side effects: checks the slug is free, writes the Event, makes its creator an organiser, logs.
    """
    if Event.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": _("Another event already uses this address.")})
    event = Event(
        slug=slug,
        title=title,
        start_date=start_date,
        end_date=end_date,
        venue=venue,
        address=address,
        time_zone=time_zone,
        description=description,
        phase=Phase.DRAFT,
    )
    event.full_clean()
    event.save()
    event.organisers.add(created_by)
    logger.info("event %s created by user %s", event.slug, created_by.pk)
    return event


@locked_transaction()
def update_event(
    *,
    event: Event,
    title: str,
    start_date: dt.date,
    end_date: dt.date,
    venue: str,
    address: str = "",
    time_zone: str = "Europe/Paris",
    description: str = "",
) -> Event:
    """Change an event's details (not its slug nor its phase).

    Side effects: locks the event, refuses new dates that would leave programme sessions outside
    them, writes; new dates of an event whose schedule is visible queue the day-before agenda and
    the feedback request for the new dates (those queued for the old ones are withheld at send
    time); logs. Changing the time zone keeps the sessions' absolute instants.
    """
    locked = lock(Event.objects).get(pk=event.pk)
    outside = [
        s
        for s in locked.sessions.all()
        if times.local(s.starts_at, locked).date() < start_date
        or times.local(s.ends_at, locked).date() > end_date
    ]
    if outside:
        raise ValidationError(
            {
                "start_date": _(
                    "The programme has sessions outside these dates (%(title)s); move them first."
                )
                % {"title": outside[0].title}
            }
        )
    dates_before = (locked.start_date, locked.end_date)
    for name, value in {
        "title": title,
        "start_date": start_date,
        "end_date": end_date,
        "venue": venue,
        "address": address,
        "time_zone": time_zone,
        "description": description,
    }.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    if (start_date, end_date) != dates_before and locked.phase in PHASES_SCHEDULE_VISIBLE:
        emails.enqueue_day_messages(locked, _validated(locked))
    logger.info("event %s updated", locked.slug)
    return locked


@locked_transaction()
def move_phase(*, event: Event, to_phase: str, by: User) -> Event:
    """Move an event to the next or previous phase (the only legal moves, PHASE_TRANSITIONS).

    Side effects: locks the event row, checks the move, writes the phase, runs the hooks of the
    phase it leaves (events/phases.py: leaving the requests phase lapses pending meeting
    requests); entering the published phase queues in the outbox, for every validated
    participant, the day-before agenda and the feedback request (due then: events/emails.py);
    logs.
    """
    locked = lock(Event.objects).get(pk=event.pk)
    current = Phase(locked.phase)
    try:
        target = Phase(to_phase)
    except ValueError:
        raise ValidationError(_("“%(phase)s” is not a phase.") % {"phase": to_phase}) from None
    if target not in PHASE_TRANSITIONS[current]:
        allowed = ", ".join(
            f"“{p.label}”" for p in sorted(PHASE_TRANSITIONS[current], key=list(Phase).index)
        )
        raise ValidationError(
            _(
                "The event cannot go from “%(current)s” to “%(target)s”: it moves one phase at a "
                "time, here to %(allowed)s."
            )
            % {"current": current.label, "target": target.label, "allowed": allowed}
        )
    locked.phase = target
    locked.save(update_fields=["phase"])
    phases.left(current, event=locked)
    if target == Phase.PUBLISHED:
        emails.enqueue_day_messages(locked, _validated(locked))
    logger.info("event %s moved from %s to %s by user %s", locked.slug, current, target, by.pk)
    return locked


@locked_transaction()
def add_organiser(*, event: Event, email: str, by: User) -> User:
    """Make an existing user an organiser of the event.

    Side effects: finds the user by email (case-insensitive), refuses unknown or existing
    organisers, adds them, logs.
    """
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise ValidationError(
            {"email": _("No account uses this address; ask the person to sign up first.")}
        )
    if event.organisers.filter(pk=user.pk).exists():
        raise ValidationError({"email": _("This person already organises the event.")})
    event.organisers.add(user)
    logger.info("user %s made organiser of %s by user %s", user.pk, event.slug, by.pk)
    return user


@locked_transaction()
def remove_organiser(*, event: Event, user: User, by: User) -> None:
    """Remove an organiser from the event; an event always keeps at least one.

    Side effects: locks the event row (so two removals cannot both pass the count), checks, removes;
    the person's live pages check their rights again on commit (the event's console and
    dashboard close: core/live.py); logs.
    """
    locked = lock(Event.objects).get(pk=event.pk)
    if not locked.organisers.filter(pk=user.pk).exists():
        raise ValidationError(_("This person does not organise the event."))
    if locked.organisers.count() <= 1:
        raise ValidationError(_("The last organiser of an event cannot be removed."))
    locked.organisers.remove(user)
    live.recheck_rights_on_commit(user.pk)
    logger.info("user %s removed from organisers of %s by user %s", user.pk, locked.slug, by.pk)


# --- Rooms, programme, slots ----------------------------------------------------------------


@locked_transaction()
def save_room(
    *, event: Event, name: str, capacity: int, accessible: bool = True, room: Room | None = None
) -> Room:
    """Create or update a room.

    Side effects: checks the name is free in the event and that no workshop in the room has a
    larger capacity than the new one, writes, logs.
    """
    if event.rooms.filter(name__iexact=name).exclude(pk=room.pk if room else None).exists():
        raise ValidationError({"name": _("This event already has a room with this name.")})
    if room is not None:
        too_big = room.sessions.filter(workshop__capacity__gt=capacity).first()
        if too_big is not None:
            raise ValidationError(
                {
                    "capacity": _(
                        "The workshop “%(title)s” in this room expects %(count)s people; lower its "
                        "capacity first."
                    )
                    % {"title": too_big.title, "count": too_big.workshop.capacity}
                }
            )
    else:
        room = Room(event=event)
    room.name, room.capacity, room.accessible = name, capacity, accessible
    room.save()
    logger.info("room %s saved for %s", room.pk, event.slug)
    return room


def delete_room(*, room: Room) -> None:
    """Delete a room. Side effects: its sessions lose their room (SET NULL), deletes, logs."""
    logger.info("room %s deleted", room.pk)
    room.delete()


@dataclass(frozen=True)
class WorkshopDetails:
    theme: Theme
    capacity: int
    facilitators: list[User] = field(default_factory=list)
    expected_outcome: str = ""


def slot_bounds(
    starts_at: dt.datetime, ends_at: dt.datetime, slot_minutes: int, gap_minutes: int
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The slots of a meeting block: back to back with `gap_minutes` between them, the last one
    ending no later than the block."""
    length, step = (
        dt.timedelta(minutes=slot_minutes),
        dt.timedelta(minutes=slot_minutes + gap_minutes),
    )
    bounds, start = [], starts_at
    while start + length <= ends_at:
        bounds.append((start, start + length))
        start += step
    return bounds


def _check_session(
    *,
    event: Event,
    session_pk: int | None,
    kind: str,
    room: Room | None,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    slot_minutes: int | None,
    gap_minutes: int,
    workshop: WorkshopDetails | None,
) -> None:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if ends_at <= starts_at:
        add("ends_at", _("The session must end after it starts."))
    first_day, last_day = times.local(starts_at, event).date(), times.local(ends_at, event).date()
    if first_day < event.start_date or last_day > event.end_date:
        add(
            "starts_at",
            _("The session must take place during the event (%(start)s to %(end)s).")
            % {
                "start": date_format(event.start_date, "SHORT_DATE_FORMAT"),
                "end": date_format(event.end_date, "SHORT_DATE_FORMAT"),
            },
        )
    if room is not None and room.event_id != event.pk:
        add("room", _("This room belongs to another event."))
    if kind == SessionKind.MEETINGS:
        if not slot_minutes or slot_minutes < 5:
            add("slot_minutes", _("A meeting block needs a slot length of at least 5 minutes."))
        elif ends_at > starts_at and not slot_bounds(starts_at, ends_at, slot_minutes, gap_minutes):
            add("slot_minutes", _("Not a single slot of this length fits in the block."))
    if kind == SessionKind.WORKSHOP:
        if workshop is None:
            add("theme", _("A workshop needs a theme and a capacity."))
        elif room is not None and workshop.capacity > room.capacity:
            add(
                "capacity",
                _(
                    "The room “%(room)s” holds %(room_capacity)s people, fewer than the workshop's %(capacity)s."
                )
                % {
                    "room": room.name,
                    "room_capacity": room.capacity,
                    "capacity": workshop.capacity,
                },
            )
    if room is not None and ends_at > starts_at:
        clash = (
            room.sessions.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)
            .exclude(pk=session_pk)
            .order_by("starts_at")
            .first()
        )
        if clash is not None:
            add(
                "room",
                _("The room “%(room)s” is already used by “%(title)s” from %(start)s to %(end)s.")
                % {
                    "room": room.name,
                    "title": clash.title,
                    "start": times.hhmm(clash.starts_at, event),
                    "end": times.hhmm(clash.ends_at, event),
                },
            )
    if errors:
        raise ValidationError(errors)


@locked_transaction()
def _calendar_fields(session: Session) -> tuple:
    """What a calendar shows of a session: a change raises its SEQUENCE (RFC 5545)."""
    return (session.title, session.description, session.room_id, session.starts_at, session.ends_at)


def save_session(
    *,
    event: Event,
    kind: str,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    description: str = "",
    room: Room | None = None,
    slot_minutes: int | None = None,
    gap_minutes: int = 0,
    workshop: WorkshopDetails | None = None,
    session: Session | None = None,
) -> Session:
    """Create or update a programme session.

    Side effects, in order: locks the event row (programme edits of one event are serialised, so
    two sessions cannot both take a free room), checks dates, room overlap and capacity, slot fit;
    writes the session (raising its calendar SEQUENCE when its time, place or text changed); for a meeting block regenerates its slots, otherwise deletes any; hands
    the session to the apps that attach things to it (events/programme.py: workshops creates,
    updates or removes its Workshop row); logs.
    """
    lock(Event.objects).get(pk=event.pk)
    if room is not None:
        room = Room.objects.get(pk=room.pk)
    _check_session(
        event=event,
        session_pk=session.pk if session else None,
        kind=kind,
        room=room,
        starts_at=starts_at,
        ends_at=ends_at,
        slot_minutes=slot_minutes,
        gap_minutes=gap_minutes,
        workshop=workshop,
    )
    session = session or Session(event=event)
    before = _calendar_fields(session)
    session.kind, session.title, session.description, session.room = kind, title, description, room
    session.starts_at, session.ends_at = starts_at, ends_at
    if session.pk and _calendar_fields(session) != before:
        session.ical_sequence += 1
        session.ical_modified_at = timezone.now()
    is_block, is_workshop = kind == SessionKind.MEETINGS, kind == SessionKind.WORKSHOP
    session.slot_minutes = slot_minutes if is_block else None
    session.gap_minutes = gap_minutes if is_block else 0
    session.save()
    if is_block:
        generate_slots(session=session)
    else:
        session.slots.all().delete()
    programme.session_saved(session=session, workshop=workshop if is_workshop else None)
    logger.info("session %s (%s) saved for %s", session.pk, kind, event.slug)
    return session


def delete_session(*, session: Session) -> None:
    """Delete a session. Side effects: refuses when its slots hold meetings; its slots and
    workshop go with it (CASCADE), logs."""
    _refuse_if_protected(
        session.delete, _("This meeting block holds meetings; move or remove them first.")
    )
    logger.info("session %s deleted", session.pk)


@locked_transaction()
def generate_slots(*, session: Session) -> list[Slot]:
    """(Re)build the slot grid of a meeting block from its times, slot length and gap.

    Side effects: keeps the slots whose times are unchanged (their meetings stay), refuses when a
    slot that would disappear holds meetings, deletes the other old slots, creates the new ones,
    logs.
    """
    if session.kind != SessionKind.MEETINGS or not session.slot_minutes:
        raise ValidationError(_("Only a meeting block with a slot length has slots."))
    wanted = list(
        slot_bounds(session.starts_at, session.ends_at, session.slot_minutes, session.gap_minutes)
    )
    existing = {(slot.starts_at, slot.ends_at): slot for slot in session.slots.all()}
    dropped = [slot for bounds, slot in existing.items() if bounds not in set(wanted)]
    _refuse_if_protected(
        lambda: Slot.objects.filter(pk__in=[slot.pk for slot in dropped]).delete(),
        _("Some slots that would disappear already hold meetings; move or remove them first."),
    )
    Slot.objects.bulk_create(
        Slot(session=session, starts_at=start, ends_at=end)
        for start, end in wanted
        if (start, end) not in existing
    )
    logger.info("%s slots generated for session %s", len(wanted), session.pk)
    return list(session.slots.all())


def _refuse_if_protected(delete, message: str) -> None:
    """Run a deletion; when meetings still point at what it deletes, refuse with `message`."""
    try:
        with locked_transaction():
            delete()
    except ProtectedError:
        raise ValidationError(message) from None


# --- Tables ---------------------------------------------------------------------------------


def save_table(
    *,
    event: Event,
    name: str,
    zone: str = "",
    accessible: bool = True,
    position: int = 0,
    table: Table | None = None,
) -> Table:
    """Create or update a table. Side effects: checks the name is free, writes, logs."""
    name = name.strip()
    if event.tables.filter(name__iexact=name).exclude(pk=table.pk if table else None).exists():
        raise ValidationError({"name": _("This event already has a table with this name.")})
    table = table or Table(event=event)
    table.name, table.zone, table.accessible, table.position = name, zone, accessible, position
    try:
        with locked_transaction():
            table.save()
    except IntegrityError:
        raise ValidationError(
            {"name": _("This event already has a table with this name.")}
        ) from None
    logger.info("table %s saved for %s", table.pk, event.slug)
    return table


def table_names(prefix: str, first: int, last: int) -> list[str]:
    """T01…T20: numbers padded to the width of the last one (at least two digits)."""
    width = max(2, len(str(last)))
    return [f"{prefix}{n:0{width}d}" for n in range(first, last + 1)]


@locked_transaction()
def create_tables(
    *, event: Event, prefix: str, first: int, last: int, zone: str = "", accessible: bool = True
) -> tuple[list[Table], list[str]]:
    """Create the tables prefix+first … prefix+last in a zone; names that exist are skipped.

    Side effects: locks the event row, checks the range, creates the missing tables, logs.
    Returns (created tables, skipped names).
    """
    if last < first:
        raise ValidationError({"last": _("The last number must not be smaller than the first.")})
    if last - first + 1 > MAX_BULK_TABLES:
        raise ValidationError(
            {"last": _("At most %(count)s tables at a time.") % {"count": MAX_BULK_TABLES}}
        )
    lock(Event.objects).get(pk=event.pk)
    names = table_names(prefix.strip(), first, last)
    existing = {n.lower() for n in event.tables.values_list("name", flat=True)}
    skipped = [n for n in names if n.lower() in existing]
    created = Table.objects.bulk_create(
        Table(event=event, name=n, zone=zone, accessible=accessible)
        for n in names
        if n.lower() not in existing
    )
    logger.info("%s tables created for %s (%s skipped)", len(created), event.slug, len(skipped))
    return created, skipped


def delete_table(*, table: Table) -> None:
    """Delete a table. Side effects: refuses when it holds meetings, deletes, logs."""
    _refuse_if_protected(table.delete, _("This table holds meetings; move or remove them first."))
    logger.info("table %s deleted", table.pk)


# --- Registrations --------------------------------------------------------------------------


@dataclass(frozen=True)
class NewOrganisation:
    """An organisation to create while registering its first person (`register_on_behalf`), as
    `accounts.services.create_organisation` takes it."""

    kind: str
    data: dict
    themes: list[Theme] = field(default_factory=list)
    territories: list[Territory] = field(default_factory=list)


@dataclass(frozen=True)
class Absence:
    """A stretch of the day a person is not available: aware datetimes and a reason."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    reason: str = ""


def role_for(organisation: Organisation | None, requested: str | None = None) -> str:
    """The role at the event follows from the organisation's kind; without one, visitor or
    facilitator."""
    if organisation is not None:
        return (
            RegistrationRole.BUYER
            if organisation.kind == OrganisationKind.BUYER
            else RegistrationRole.ESS
        )
    if requested == RegistrationRole.FACILITATOR:
        return RegistrationRole.FACILITATOR
    return RegistrationRole.VISITOR


def _check_registration(
    *, event: Event, user: User, organisation: Organisation | None, absences: Iterable[Absence]
) -> None:
    errors: dict[str, list[str]] = {}
    if organisation is not None and not organisation.memberships.filter(user=user).exists():
        errors["organisation"] = [
            _("%(person)s is not a member of %(organisation)s.")
            % {"person": user.email, "organisation": organisation.name}
        ]
    for absence in absences:
        if absence.ends_at <= absence.starts_at:
            errors.setdefault("__all__", []).append(
                _("An unavailability must end after it starts (from %(start)s to %(end)s).")
                % {
                    "start": times.hhmm(absence.starts_at, event),
                    "end": times.hhmm(absence.ends_at, event),
                }
            )
        elif not (
            event.start_date <= times.local(absence.starts_at, event).date() <= event.end_date
            and times.local(absence.ends_at, event).date() <= event.end_date
        ):
            errors.setdefault("__all__", []).append(
                _("An unavailability must lie within the event's days.")
            )
    if errors:
        raise ValidationError(errors)


def _write_absences(registration: Registration, absences: Iterable[Absence]) -> None:
    registration.unavailabilities.all().delete()
    Unavailability.objects.bulk_create(
        Unavailability(
            registration=registration, starts_at=a.starts_at, ends_at=a.ends_at, reason=a.reason
        )
        for a in absences
    )


def register(
    *,
    event: Event,
    user: User,
    organisation: Organisation | None,
    role: str | None = None,
    max_meetings: int | None = None,
    needs_accessible_table: bool = False,
    accessibility_needs: str = "",
    absences: Iterable[Absence] = (),
    registered_by: User | None = None,
    status: str = RegistrationStatus.PENDING,
) -> Registration:
    """Register a person for an event on behalf of one of their organisations (or none).

    Side effects, in order: checks membership and unavailabilities; writes the registration — or
    reopens a cancelled or refused one, awaiting validation again — and its unavailabilities, in
    a savepoint; a concurrent duplicate (unique event+user) becomes a clear refusal; logs.
    The phase is checked by the caller's permission (`events.register`), not here, so organisers can
    register people in any phase.
    """
    absences = list(absences)
    _check_registration(event=event, user=user, organisation=organisation, absences=absences)
    fields = {
        "organisation": organisation,
        "role": role_for(organisation, role),
        "max_meetings": max_meetings,
        "needs_accessible_table": needs_accessible_table,
        "accessibility_needs": accessibility_needs,
        "registered_by": registered_by,
        "status": status,
        "refusal_reason": "",
    }
    already = _("%(person)s is already registered for this event.") % {"person": user.email}
    try:
        with locked_transaction():
            registration = lock(Registration.objects).filter(event=event, user=user).first()
            if registration is not None:
                if registration.status in REGISTRATION_ACTIVE:
                    raise ValidationError(already)
                for name, value in fields.items():
                    setattr(registration, name, value)
                registration.save()
            else:
                registration = Registration.objects.create(event=event, user=user, **fields)
            _write_absences(registration, absences)
    except IntegrityError:
        raise ValidationError(already) from None
    logger.info("user %s registered for %s as %s", user.pk, event.slug, registration.role)
    return registration


@locked_transaction()
def update_registration(
    *,
    registration: Registration,
    organisation: Organisation | None,
    max_meetings: int | None = None,
    needs_accessible_table: bool = False,
    accessibility_needs: str = "",
    absences: Iterable[Absence] = (),
) -> Registration:
    """Change one's registration.

    Side effects: refuses a registration the organisers refused (the person talks to them instead),
    checks, writes the registration (its role follows the organisation; a change of organisation
    sends a validated registration back to validation), replaces the unavailabilities, logs.
    """
    if registration.status == RegistrationStatus.REFUSED:
        raise ValidationError(
            _("The organisers refused this registration; please contact them to discuss it.")
        )
    absences = list(absences)
    _check_registration(
        event=registration.event,
        user=registration.user,
        organisation=organisation,
        absences=absences,
    )
    if (
        organisation != registration.organisation
        and registration.status == RegistrationStatus.VALIDATED
    ):
        registration.status = RegistrationStatus.PENDING
    keep_role = registration.role if registration.role == RegistrationRole.FACILITATOR else None
    registration.organisation = organisation
    registration.role = role_for(organisation, keep_role)
    registration.max_meetings = max_meetings
    registration.needs_accessible_table = needs_accessible_table
    registration.accessibility_needs = accessibility_needs
    registration.save()
    _write_absences(registration, absences)
    logger.info("registration %s updated", registration.pk)
    return registration


@locked_transaction()
def cancel_registration(*, registration: Registration, by: User) -> Registration:
    """Cancel a registration (the person or an organiser).

    Side effects, in order: lock the registration; refuse one already cancelled; write the status;
    free what it held (meetings, requests, workshop seats: events/releases.py, the people
    concerned told on commit); log.
    """
    locked = lock(Registration.objects).get(pk=registration.pk)
    if locked.status == RegistrationStatus.CANCELLED:
        raise ValidationError(_("This registration is already cancelled."))
    locked.status = RegistrationStatus.CANCELLED
    locked.save(update_fields=["status"])
    release_registration(registration=locked, by=by, reason=ReleaseReason.CANCELLED)
    registration.status = locked.status
    logger.info("registration %s cancelled by user %s", locked.pk, by.pk)
    return locked


def release_registration(*, registration: Registration, by: User | None, reason: str) -> None:
    """Let `registration` go of what it holds in the apps above (events/releases.py). Side
    effects: those of each app's releaser (in the caller's transaction; people told on commit);
    the person's live pages check their rights again on commit (core/live.py)."""
    releases.release(registration=registration, by=by, reason=reason)
    live.recheck_rights_on_commit(registration.user_id)


@locked_transaction()
def validate_registration(*, registration: Registration, by: User) -> Registration:
    """An organiser validates a registration.

    Side effects, in order: lock; check it is not cancelled; write the status (clearing any
    refusal reason); queue in the outbox the email telling the person (sent on commit) and, if the
    schedule is already visible, their day-before agenda and feedback request; log."""
    locked = lock(Registration.objects).select_related("event", "user").get(pk=registration.pk)
    if locked.status == RegistrationStatus.CANCELLED:
        raise ValidationError(_("A cancelled registration cannot be validated."))
    locked.status, locked.refusal_reason = RegistrationStatus.VALIDATED, ""
    locked.save(update_fields=["status", "refusal_reason"])
    _tell_validated(locked)
    logger.info("registration %s validated by user %s", locked.pk, by.pk)
    return locked


@locked_transaction()
def refuse_registration(*, registration: Registration, by: User, reason: str) -> Registration:
    """An organiser refuses a registration with a reason.

    Side effects, in order: lock; check it is neither cancelled nor already refused, and that a
    reason is given; write the status and reason; free what it held (meetings,
    requests, workshop seats: events/releases.py, the people concerned told on commit); queue in
    the outbox the email telling the person, with the reason (sent on commit); log.
    """
    locked = lock(Registration.objects).select_related("event", "user").get(pk=registration.pk)
    if locked.status == RegistrationStatus.CANCELLED:
        raise ValidationError(_("A cancelled registration cannot be refused."))
    if locked.status == RegistrationStatus.REFUSED:
        raise ValidationError(_("This registration is already refused."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the registration is refused.")})
    locked.status, locked.refusal_reason = RegistrationStatus.REFUSED, reason
    locked.save(update_fields=["status", "refusal_reason"])
    release_registration(registration=locked, by=by, reason=ReleaseReason.REFUSED)
    emails.enqueue_decision(locked)
    logger.info("registration %s refused by user %s", locked.pk, by.pk)
    return locked


def _validated(event: Event):
    return event.registrations.filter(status=RegistrationStatus.VALIDATED).select_related("user")


def _tell_validated(registration: Registration) -> None:
    """The validated person hears it, and gets their day's messages if the schedule is out."""
    emails.enqueue_decision(registration)
    if registration.event.phase in PHASES_SCHEDULE_VISIBLE:
        emails.enqueue_day_messages(registration.event, [registration])


@locked_transaction()
def register_on_behalf(
    *,
    event: Event,
    by: User,
    email: str,
    first_name: str = "",
    last_name: str = "",
    organisation: Organisation | None = None,
    role: str | None = None,
    max_meetings: int | None = None,
    needs_accessible_table: bool = False,
    accessibility_needs: str = "",
    phone: str = "",
    job_title: str = "",
    language: str = "",
    new_organisation: NewOrganisation | None = None,
) -> tuple[Registration, bool]:
    """An organiser registers a person: an existing user (by email) for one of their organisations,
    or a new person; with `new_organisation`, for an organisation created on the way.

    Side effects, in order: finds the user by email; for a new person creates the user (name,
    phone, job title, and the language of their emails: `language`, else the organiser's) with an
    unusable password and a verified email address (the invitation proves it), and their
    membership of the chosen organisation; with `new_organisation`, creates it with the person as
    its administrator (`accounts.services.create_organisation`); registers them, validated
    (register()); queues in the outbox, for a new person, the email saying they are registered
    with a link to choose a password (allauth's reset key, made at send time), for a known one the
    validation email (and the day's messages if the schedule is visible: `_tell_validated`), sent
    on commit; logs. An existing person's name and details are kept as they are.
    Returns (registration, whether the user was created).
    """
    email = email.strip()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        # Their emails start in the language the organiser works in (they change it later).
        user = User.objects.create_user(
            email=email,
            first_name=first_name,
            last_name=last_name,
            phone=phone,
            job_title=job_title,
            language=language or translation.get_language() or settings.LANGUAGE_CODE,
        )
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        if organisation is not None and new_organisation is None:
            Membership.objects.create(
                user=user, organisation=organisation, role=MembershipRole.MEMBER
            )
    if new_organisation is not None:
        organisation = accounts_services.create_organisation(
            creator=user,
            kind=new_organisation.kind,
            data=new_organisation.data,
            themes=new_organisation.themes,
            territories=new_organisation.territories,
        )
    registration = register(
        event=event,
        user=user,
        organisation=organisation,
        role=role,
        max_meetings=max_meetings,
        needs_accessible_table=needs_accessible_table,
        accessibility_needs=accessibility_needs,
        registered_by=by,
        status=RegistrationStatus.VALIDATED,
    )
    if created:
        emails.enqueue_registered_by_organisers(registration)
        if event.phase in PHASES_SCHEDULE_VISIBLE:
            emails.enqueue_day_messages(event, [registration])
    else:
        _tell_validated(registration)
    logger.info("user %s registered for %s by organiser %s", user.pk, event.slug, by.pk)
    return registration, created


class PersonToImport(Protocol):
    """A row of an import (events/imports.py `ImportRow`), as `import_people` reads it."""

    line: int
    siret: str
    organisation: Organisation | None
    new_organisation: NewOrganisation | None
    organisation_line: int | None  # the line that creates the row's new organisation

    def service_arguments(self) -> dict: ...


@dataclass
class ImportOutcome:
    """What `import_people` did: whether it kept anything, and each line's refusals."""

    imported: bool = False
    refusals: dict[int, ValidationError] = field(default_factory=dict)
    registered: int = 0
    created_people: int = 0


class _LeaveEmpty(Exception):
    """Rolls the whole import back: a preview, or a line refused."""


def import_people(
    *, event: Event, by: User, rows: Iterable[PersonToImport], commit: bool
) -> ImportOutcome:
    """Register the people of an imported file, all or none: `register_on_behalf` row after row.

    Side effects, in order: refuse unless `by` organises the event; in one transaction, for each
    row in its own savepoint, `register_on_behalf` (a new person created and their organisation
    joined, or a known one reused; an organisation new to Osez created with its first row's
    person as administrator, and reused by the later rows of the same SIRET; the invitation with
    a password link, or the validation email, queued in the outbox), a refusal kept with the
    row's line; then roll everything back, emails included, when any row was refused or when
    `commit` is false (the preview: every check of every service, nothing kept); logs.
    """
    if not acts_as_organiser(by, event):
        raise ValidationError(_("Only the organisers of this event import participants."))
    outcome = ImportOutcome()
    try:
        with locked_transaction():
            created: dict[str, Organisation] = {}
            for row in rows:
                organisation = row.organisation or created.get(row.siret)
                if organisation is None and row.organisation_line is not None:
                    outcome.refusals[row.line] = ValidationError(
                        _("Its organisation, on line %(line)s, could not be created.")
                        % {"line": row.organisation_line}
                    )
                    continue
                try:
                    registration, new_person = register_on_behalf(
                        event=event,
                        by=by,
                        organisation=organisation,
                        new_organisation=row.new_organisation if organisation is None else None,
                        **row.service_arguments(),
                    )
                except ValidationError as error:
                    outcome.refusals[row.line] = error
                    continue
                if row.siret and organisation is None:
                    created[row.siret] = registration.organisation
                outcome.registered += 1
                outcome.created_people += new_person
            if outcome.refusals or not commit:
                raise _LeaveEmpty
    except _LeaveEmpty:
        return outcome
    outcome.imported = True
    logger.info("%s people imported for %s by organiser %s", outcome.registered, event.slug, by.pk)
    return outcome


def regenerate_calendar_token(*, registration: Registration) -> Registration:
    """Give the registration's calendar feed a new secret URL; the old one stops answering.

    Side effects: writes a fresh random token; logs.
    """
    registration.ical_token = uuid.uuid4()
    registration.save(update_fields=["ical_token"])
    logger.info("calendar feed token of registration %s regenerated", registration.pk)
    return registration


# --- Feedback after the day ---------------------------------------------------------------------


def save_feedback(
    *,
    registration: Registration,
    by: User,
    rating: int,
    would_come_again: bool,
    comment: str = "",
) -> Feedback:
    """The participant gives (or changes) their feedback on the event.

    Side effects, in order: check `by` is the registered person, their registration validated and
    the feedback window open (the `events.give_feedback` rule, as the page asks); check the rating
    (1 to 5); write or update the one Feedback of the registration; log."""
    event = registration.event
    if registration.user_id != by.pk or not by.has_perm("events.give_feedback", event):
        raise ValidationError(_("Feedback on this event is not open to you."))
    if rating not in range(1, 6):
        raise ValidationError({"rating": _("Choose a rating from 1 to 5.")})
    feedback, created = Feedback.objects.update_or_create(
        registration=registration,
        defaults={
            "rating": rating,
            "would_come_again": would_come_again,
            "comment": comment.strip(),
        },
    )
    logger.info(
        "feedback %s on registration %s", "given" if created else "changed", registration.pk
    )
    return feedback


def save_survey(
    *,
    registration: Registration,
    by: User,
    feedback: dict,
    answers: dict[str, tuple[int, str]],
) -> Feedback:
    """The participant's survey after the day, in one go: their feedback on the event
    (`feedback`: rating, would_come_again, comment) and their answers about the other items of
    their survey (`answers`: item key -> (usefulness, comment); events/surveys.py).

    Side effects, in order, in one transaction: save_feedback (which checks the feedback
    window); for each answer, the item found among the person's (survey_items) and saved by its
    app's service through the provider (which checks it again); log."""
    from . import surveys

    items = {item.key: item for item in surveys.survey_items(registration)}
    unknown = sorted(set(answers) - set(items))
    if unknown:
        raise ValidationError(_("This survey does not ask about that."))
    with transaction.atomic():
        saved = save_feedback(registration=registration, by=by, **feedback)
        for key, (usefulness, comment) in sorted(answers.items()):
            item = items[key]
            surveys.provider(item.provider).save(
                registration=registration,
                by=by,
                object_id=item.object_id,
                usefulness=usefulness,
                comment=comment,
            )
    logger.info("survey of registration %s: %s answers", registration.pk, len(answers))
    return saved


# --- Check-in on the day -------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckIn:
    """What the desk shows after a check-in: the registration, and whether it had already been
    checked in (then `registration.checked_in_at` / `checked_in_by` say when and by whom)."""

    registration: Registration
    already: bool


def _refuse_unless_desk(event: Event, by: User) -> None:
    if not acts_as_organiser(by, event):
        raise ValidationError(_("Only the organisers of this event check people in."))


def registration_for_code(*, event: Event, code: str) -> Registration:
    """The registration whose QR code says `code` (events/badges.py `parse_code`), at `event`.
    Reads only; refuses a code that is no check-in code, unknown, or of another event."""
    token = badges.parse_code(code)
    if token is None:
        raise ValidationError(_("This is not an Osez badge code. Scan it again or search by name."))
    registration = (
        Registration.objects.select_related("event", "user", "organisation")
        .filter(checkin_token=token)
        .first()
    )
    if registration is None:
        raise ValidationError(
            _("No one has this code: the badge may be an old one. Search the person by name.")
        )
    if registration.event_id != event.pk:
        raise ValidationError(
            _("This badge is for another event (%(event)s): it cannot be checked in here.")
            % {"event": registration.event.title}
        )
    return registration


@locked_transaction()
def check_in(*, registration: Registration, by: User) -> CheckIn:
    """An organiser checks a person in at the desk; twice is harmless and counts once.

    Side effects, in order: check `by` acts as an organiser of the registration's event; lock the
    registration; check it is validated; if already checked in, change nothing and say when and
    by whom; otherwise write the time and the organiser; log; the hooks of events/checkins.py
    (matching tells the agendas concerned); broadcast `checkin.changed` to the event's check-in
    group on commit (events/groups.py)."""
    event = registration.event
    _refuse_unless_desk(event, by)
    locked = (
        lock(Registration.objects.filter(pk=registration.pk))
        .select_related("event", "user", "organisation", "checked_in_by")
        .get()
    )
    if locked.status != RegistrationStatus.VALIDATED:
        raise ValidationError(
            _("%(person)s's registration is not validated (%(status)s): validate it first.")
            % {"person": _person(locked), "status": locked.get_status_display()}
        )
    if locked.checked_in_at is not None:
        return CheckIn(registration=locked, already=True)
    locked.checked_in_at, locked.checked_in_by = timezone.now(), by
    locked.save(update_fields=["checked_in_at", "checked_in_by"])
    logger.info("registration %s checked in by user %s", locked.pk, by.pk)
    checkins.changed(registration=locked)
    _broadcast_check_in(locked)
    return CheckIn(registration=locked, already=False)


@locked_transaction()
def undo_check_in(*, registration: Registration, by: User) -> Registration:
    """An organiser undoes a check-in (a wrong person scanned, someone who left at once).

    Side effects, in order: check `by` acts as an organiser of the registration's event; lock the
    registration; check it is checked in; clear the time and the organiser; log; the hooks of
    events/checkins.py; broadcast `checkin.changed` to the event's check-in group on commit."""
    _refuse_unless_desk(registration.event, by)
    locked = (
        lock(Registration.objects.filter(pk=registration.pk))
        .select_related("event", "user", "organisation")
        .get()
    )
    if locked.checked_in_at is None:
        raise ValidationError(
            _("%(person)s is not checked in: nothing to undo.") % {"person": _person(locked)}
        )
    locked.checked_in_at, locked.checked_in_by = None, None
    locked.save(update_fields=["checked_in_at", "checked_in_by"])
    logger.info("check-in of registration %s undone by user %s", locked.pk, by.pk)
    checkins.changed(registration=locked)
    _broadcast_check_in(locked)
    return locked


def _person(registration: Registration) -> str:
    return registration.user.get_full_name() or registration.user.email


def _broadcast_check_in(registration: Registration) -> None:
    broadcast_on_commit(
        groups.checkins(registration.event_id),
        {
            "type": "checkin.changed",
            "event": registration.event_id,
            "registration": registration.pk,
            "checked_in": registration.checked_in_at is not None,
        },
    )
