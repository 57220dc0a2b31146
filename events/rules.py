"""Who may do what on an event. Organisers are a per-event role; what participants may do follows
from the event's phase (the phase sets live in events/enums.py).

Every predicate takes `(user, obj)` where `obj` is an Event or anything with an `.event`
attribute (a pitch, a session, a registration...), so other apps can write
`registration_open | is_organiser` on their own objects.

Phase predicates (ignore the user): is_public, is_draft, registration_open, pitches_open,
interest_open, questions_open, requests_open, schedule_visible.
Person predicates: is_organiser, is_registered (pending or validated), is_validated_participant.
"""

import rules

from .enums import (
    PHASES_OPEN_FOR_INTEREST,
    PHASES_OPEN_FOR_PITCHES,
    PHASES_OPEN_FOR_QUESTIONS,
    PHASES_OPEN_FOR_REGISTRATION,
    PHASES_PUBLIC,
    PHASES_SCHEDULE_VISIBLE,
    Phase,
    RegistrationStatus,
)


def event_of(obj):
    """The event an object belongs to (the object itself when it is an event)."""
    from .models import Event

    if obj is None or isinstance(obj, Event):
        return obj
    return getattr(obj, "event", None)


def _phase_in(phases):
    def check(user, obj) -> bool:
        event = event_of(obj)
        return event is not None and event.phase in phases

    return check


is_public = rules.predicate(_phase_in(PHASES_PUBLIC), name="is_public")
is_draft = rules.predicate(_phase_in({Phase.DRAFT}), name="is_draft")
registration_open = rules.predicate(
    _phase_in(PHASES_OPEN_FOR_REGISTRATION), name="registration_open"
)
pitches_open = rules.predicate(_phase_in(PHASES_OPEN_FOR_PITCHES), name="pitches_open")
interest_open = rules.predicate(_phase_in(PHASES_OPEN_FOR_INTEREST), name="interest_open")
questions_open = rules.predicate(_phase_in(PHASES_OPEN_FOR_QUESTIONS), name="questions_open")
schedule_visible = rules.predicate(_phase_in(PHASES_SCHEDULE_VISIBLE), name="schedule_visible")
# Meeting requests are sent and answered in the requests phase only; leaving it lapses pending ones.
requests_open = rules.predicate(_phase_in({Phase.REQUESTS}), name="requests_open")


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
    return event.registrations.filter(
        user=user, status__in=[RegistrationStatus.PENDING, RegistrationStatus.VALIDATED]
    ).exists()


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
