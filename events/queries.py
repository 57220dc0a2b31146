"""Named reads of the events app."""

import datetime as dt
from collections import Counter
from itertools import groupby

from django.db.models import Avg, Case, Count, Q, QuerySet, When

from accounts.enums import OrganisationKind
from accounts.models import Organisation
from core import times
from core.counts import count_of

from .enums import PHASES_PUBLIC, REGISTRATION_ACTIVE, RegistrationStatus, SessionKind
from .models import Event, Feedback, Registration, Room, Session, Slot, Table, table_order


def events_for_home(user) -> QuerySet[Event]:
    """Public events, plus the drafts the user organises."""
    public = Event.objects.filter(phase__in=PHASES_PUBLIC)
    if user.is_authenticated:
        return (public | Event.objects.filter(organisers=user)).distinct()
    return public


def programme(event: Event) -> QuerySet[Session]:
    """The sessions of an event in order, with their room and workshop (theme, facilitators)."""
    return (
        event.sessions.select_related("room", "workshop", "workshop__theme")
        .prefetch_related("workshop__facilitators")
        # A subquery, not a join grouped by every selected column (5 ms on the bench's event).
        .annotate(slot_count=count_of(Slot.objects.all(), "session"))
        .order_by("starts_at", "title")
    )


def programme_by_day(event: Event) -> list[tuple[dt.date, list[Session]]]:
    """The programme grouped by day, days taken in the event's time zone."""
    sessions = list(programme(event))
    return [
        (day, list(items))
        for day, items in groupby(sessions, key=lambda s: times.local(s.starts_at, event).date())
    ]


def events_organised_by(user) -> QuerySet[Event]:
    """Events the user organises, for "My space" (context: `organised_events`)."""
    if not user.is_authenticated:
        return Event.objects.none()
    return Event.objects.filter(organisers=user).order_by("-start_date")


def registrations_for_console(event: Event) -> QuerySet[Registration]:
    return (
        event.registrations.select_related("user", "organisation")
        .annotate(unavailability_count=Count("unavailabilities"))
        .order_by("status", "user__last_name", "user__email")
    )


def console_counts(event: Event) -> dict:
    """Figures for the organiser's overview."""
    rows = event.registrations.values_list("status", "role").annotate(n=Count("pk")).order_by()
    by_status, by_role = Counter(), Counter()
    for status, role, n in rows:
        by_status[status] += n
        if status in REGISTRATION_ACTIVE:
            by_role[role] += n
    return {
        "by_status": by_status,
        "by_role": by_role,
        "pitches": event.pitches.count(),
        "tables": event.tables.count(),
        "slots": Slot.objects.filter(session__event=event).count(),
        "sessions": event.sessions.count(),
        "rooms": event.rooms.count(),
    }


def feedback_summary(event: Event) -> dict:
    """For the organisers: how many gave feedback, the average rating, how many would come
    again, and the comments (newest first, without names)."""
    rows = Feedback.objects.filter(registration__event=event)
    figures = rows.aggregate(
        count=Count("pk"),
        average=Avg("rating"),
        again=Count("pk", filter=Q(would_come_again=True)),
    )
    comments = list(
        rows.exclude(comment="").order_by("-updated_at", "-pk").values("rating", "comment")
    )
    return {**figures, "comments": comments}


def meeting_blocks(event: Event) -> QuerySet[Session]:
    return (
        event.sessions.filter(kind=SessionKind.MEETINGS)
        .select_related("room")
        .prefetch_related("slots")
        .order_by("starts_at")
    )


# --- Organisers: structures to verify, "My space" -------------------------------------------

_TAKING_PART = (RegistrationStatus.PENDING, RegistrationStatus.VALIDATED)


def awaiting_verification(event: Event) -> QuerySet[Organisation]:
    """ESS structures taking part in the event (pending or validated registration) whose declared
    legal form and types no organiser has verified yet, oldest declaration first; with the number
    of their people registered (`registered`) and their themes. Fixed number of queries."""
    taking_part = Q(registrations__event=event, registrations__status__in=_TAKING_PART)
    return (
        Organisation.objects.filter(
            taking_part, kind=OrganisationKind.ESS, verified_at__isnull=True
        )
        .annotate(registered=Count("registrations", filter=taking_part, distinct=True))
        .prefetch_related("themes")
        .order_by("created_at", "name")
    )


def dashboard_context(user) -> dict:
    """The events section of "My space" (templates/events/dashboard_section.html): the events the
    person organises, each with its number of structures awaiting verification."""
    if not user.is_authenticated:
        return {"organised": []}
    awaiting = Q(
        registrations__status__in=_TAKING_PART,
        registrations__organisation__kind=OrganisationKind.ESS,
        registrations__organisation__verified_at__isnull=True,
    )
    organised = events_organised_by(user).annotate(
        awaiting=Count("registrations__organisation", filter=awaiting, distinct=True)
    )
    return {"organised": list(organised)}


def default_registration_organisation(user) -> Organisation | None:
    """The organisation a new registration is for unless the person picks another: the one they
    registered with last, if they still belong to it; otherwise their organisation (the first they
    administer when they have several). None only for a person without one (a visitor)."""
    theirs = Organisation.objects.filter(memberships__user=user)
    last = (
        Registration.objects.filter(user=user, organisation__in=theirs)
        .order_by("-created_at")
        .values_list("organisation_id", flat=True)
        .first()
    )
    if last is not None:
        return theirs.get(pk=last)
    return theirs.order_by("memberships__role", "name").first()


# --- Check-in desk and badges -------------------------------------------------------------------

DESK_RESULTS = 20


def desk_search(event: Event, text: str) -> list[Registration]:
    """The check-in desk's live search: registrations (validated first, then the others, which
    the desk shows but cannot check in) whose person's first name, last name or email, or whose
    organisation's name, contains every word typed; at most DESK_RESULTS."""
    words = text.split()[:5]
    if not words:
        return []
    found = event.registrations.select_related("user", "organisation", "checked_in_by")
    for word in words:
        found = found.filter(
            Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(user__email__icontains=word)
            | Q(organisation__name__icontains=word)
        )
    validated_first = Case(When(status=RegistrationStatus.VALIDATED, then=0), default=1)
    return list(
        found.alias(other=validated_first).order_by(
            "other", "user__last_name", "user__first_name", "pk"
        )[:DESK_RESULTS]
    )


def checkin_counts(event: Event) -> dict[str, int]:
    """How many validated people are checked in, out of how many."""
    return event.registrations.filter(status=RegistrationStatus.VALIDATED).aggregate(
        expected=Count("pk"), checked_in=Count("pk", filter=Q(checked_in_at__isnull=False))
    )


def badges(event: Event) -> QuerySet[Registration]:
    """Validated registrations in badge order: by organisation, then name."""
    return (
        event.registrations.filter(status=RegistrationStatus.VALIDATED)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__last_name", "user__first_name", "pk")
    )


def venue(event: Event) -> dict:
    """The venue as a participant needs it on the day: the tables by zone (in the organisers'
    order) and the rooms. Part of the agenda page, so it is kept offline with it."""
    tables = Table.objects.filter(event=event).order_by(*table_order())
    zones: dict[str, list[Table]] = {}
    for table in tables:
        zones.setdefault(table.zone, []).append(table)
    return {
        "zones": list(zones.items()),
        "rooms": list(Room.objects.filter(event=event).order_by("name")),
    }
