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

Who acts as an organiser of an event is defined once, in `acts_as_organiser`: one of the event's
named organisers, or staff. Staff count because they are the platform's operators: they create the
events and may step in on any of them (admin, support), so a rule that lets them act while a service
refuses them (or the reverse) is a bug. Rules use the predicate `is_organiser` (same answer); services
call `acts_as_organiser`; querysets use `organised_events_filter`.
"""

import datetime as dt

import rules
from django.db.models import Q

from core import times
from core.memo import memoised

from .enums import (
    FEEDBACK_DAYS,
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


def acts_as_organiser(user, event) -> bool:
    """THE rule: `user` acts as an organiser of `event` (a named organiser, or staff)."""
    if user is None or not user.is_authenticated or event is None:
        return False
    if user.is_staff:
        return True
    return memoised(
        ("acts_as_organiser", user.pk, event.pk),
        lambda: event.organisers.filter(pk=user.pk).exists(),
    )


def organised_events_filter(user, prefix: str = "") -> Q:
    """The same rule as a filter: `Event.objects.filter(organised_events_filter(user))`, or
    `Registration.objects.filter(organised_events_filter(user, "event__"))`."""
    if user is None or not user.is_authenticated:
        return Q(**{f"{prefix}pk__in": []})
    if user.is_staff:
        return Q()
    return Q(**{f"{prefix}organisers": user})


@rules.predicate
def is_organiser(user, obj) -> bool:
    """Acts as an organiser of the object's event (see acts_as_organiser)."""
    return acts_as_organiser(user, event_of(obj))


@rules.predicate
def is_registered(user, obj) -> bool:
    """The user has a live (pending or validated) registration for the event."""
    event = event_of(obj)
    if not user.is_authenticated or event is None:
        return False
    return memoised(
        ("is_registered", user.pk, event.pk),
        lambda: event.registrations.filter(user=user, status__in=REGISTRATION_ACTIVE).exists(),
    )


@rules.predicate
def is_validated_participant(user, obj) -> bool:
    event = event_of(obj)
    if not user.is_authenticated or event is None:
        return False
    return memoised(
        ("is_validated_participant", user.pk, event.pk),
        lambda: event.registrations.filter(user=user, status=RegistrationStatus.VALIDATED).exists(),
    )


def feedback_window(event) -> tuple[dt.date, dt.date]:
    """The first and last days (in the event's zone) on which participants may give or change
    their feedback: from the event's first day until FEEDBACK_DAYS after its last."""
    return event.start_date, event.end_date + dt.timedelta(days=FEEDBACK_DAYS)


@rules.predicate
def feedback_window_open(user, obj) -> bool:
    event = event_of(obj)
    if event is None:
        return False
    first, last = feedback_window(event)
    return first <= times.today(event) <= last


# Kept as a name: other apps' rules read better with it; it is the same rule.
can_manage = is_organiser

rules.add_perm("events.add_event", rules.is_staff)
rules.add_perm("events.view_event", is_public | can_manage)
rules.add_perm("events.manage_event", can_manage)
# A person registers, edits or cancels their own registration while registration is open.
rules.add_perm("events.register", rules.is_authenticated & is_public & registration_open)
# The check-in desk, its badges and undoing a check-in (events.services.check_in guards again).
rules.add_perm("events.check_in", can_manage)
# A validated participant gives (or changes) their feedback on the day and for a while after.
rules.add_perm("events.give_feedback", is_validated_participant & feedback_window_open)


# --- Answers to accounts' questions (registered in EventsConfig.ready()) -----------------------


def registrants_of_organised_events(viewer, person_ids: set[int], consenting: set[int]) -> set[int]:
    """Contact details: the organisers of an event see the people registered for it."""
    from .models import Registration

    return set(
        Registration.objects.filter(
            organised_events_filter(viewer, "event__"), user_id__in=person_ids
        ).values_list("user_id", flat=True)
    )


def consenting_people_registered_with(
    viewer, person_ids: set[int], consenting: set[int]
) -> set[int]:
    """Contact details: a person who agreed to share them is seen by the people registered (pending
    or validated, like `is_registered`) at one of the events they are registered at themselves."""
    from .models import Registration

    if not consenting:
        return set()
    viewer_events = Registration.objects.filter(user=viewer, status__in=REGISTRATION_ACTIVE).values(
        "event_id"
    )
    return set(
        Registration.objects.filter(
            user_id__in=consenting,
            status__in=REGISTRATION_ACTIVE,
            event_id__in=viewer_events,
        ).values_list("user_id", flat=True)
    )


def organises_event_with(user, organisation) -> bool:
    """The user acts as an organiser of an event the organisation is registered for."""
    from .models import Registration

    return Registration.objects.filter(
        organised_events_filter(user, "event__"), organisation=organisation
    ).exists()
