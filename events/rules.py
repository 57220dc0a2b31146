"""Who may do what on an event. Organisers are a per-event role; what participants may do follows
from the event's phase (the phase sets live in events/enums.py).

Every predicate takes `(user, obj)` where `obj` is an Event or anything with an `.event`
attribute (a pitch, a session, a registration...), so other apps can write
`registration_open | is_organiser` on their own objects.

Phase predicates (ignore the user): is_public, is_draft, registration_open, pitches_open,
interest_open, questions_open, requests_open, scheduling_open, schedule_visible; other apps build
theirs from their own phase groups with `phase_in(phases, name)`. Services guard with the same
predicates as the views: `if not requests_open(by, event): raise ValidationError(...)`.
Person predicates: is_organiser, is_registered (pending or validated), is_validated_participant.
"""

import rules

from .enums import (
    PHASES_OPEN_FOR_INTEREST,
    PHASES_OPEN_FOR_PITCHES,
    PHASES_OPEN_FOR_QUESTIONS,
    PHASES_OPEN_FOR_REGISTRATION,
    PHASES_OPEN_FOR_REQUESTS,
    PHASES_OPEN_FOR_SCHEDULING,
    PHASES_PUBLIC,
    PHASES_SCHEDULE_VISIBLE,
    REGISTRATION_ACTIVE,
    Phase,
    RegistrationStatus,
)


def event_of(obj):
    """The event an object belongs to (the object itself when it is an event)."""
    from .models import Event

    if obj is None or isinstance(obj, Event):
        return obj
    return getattr(obj, "event", None)


def phase_in(phases, name: str) -> rules.Predicate:
    """A predicate true when the event of `obj` is in one of `phases` (a group of enums.py)."""
    phases = frozenset(phases)

    def check(user, obj) -> bool:
        event = event_of(obj)
        return event is not None and event.phase in phases

    return rules.predicate(check, name=name)


is_public = phase_in(PHASES_PUBLIC, "is_public")
is_draft = phase_in({Phase.DRAFT}, "is_draft")
registration_open = phase_in(PHASES_OPEN_FOR_REGISTRATION, "registration_open")
pitches_open = phase_in(PHASES_OPEN_FOR_PITCHES, "pitches_open")
interest_open = phase_in(PHASES_OPEN_FOR_INTEREST, "interest_open")
questions_open = phase_in(PHASES_OPEN_FOR_QUESTIONS, "questions_open")
requests_open = phase_in(PHASES_OPEN_FOR_REQUESTS, "requests_open")
scheduling_open = phase_in(PHASES_OPEN_FOR_SCHEDULING, "scheduling_open")
schedule_visible = phase_in(PHASES_SCHEDULE_VISIBLE, "schedule_visible")


@rules.predicate
def is_organiser(user, obj) -> bool:
    event = event_of(obj)
    if not user.is_authenticated or event is None:
        return False
    return event.organisers.filter(pk=user.pk).exists()


@rules.predicate
def is_registered(user, obj) -> bool:
    """The user has a live (pending or validated) registration for the event."""
    event = event_of(obj)
    if not user.is_authenticated or event is None:
        return False
    return event.registrations.filter(user=user, status__in=REGISTRATION_ACTIVE).exists()


@rules.predicate
def is_validated_participant(user, obj) -> bool:
    event = event_of(obj)
    if not user.is_authenticated or event is None:
        return False
    return event.registrations.filter(user=user, status=RegistrationStatus.VALIDATED).exists()


can_manage = is_organiser | rules.is_staff

rules.add_perm("events.add_event", rules.is_staff)
rules.add_perm("events.view_event", is_public | can_manage)
rules.add_perm("events.manage_event", can_manage)
# A person registers, edits or cancels their own registration while registration is open.
rules.add_perm("events.register", rules.is_authenticated & is_public & registration_open)
