"""A registration's day: who is busy when, and what "My agenda" shows. One home for both.

events sits below the apps that occupy a person's time, so it defines the question and they answer
it: each app registers a `DayProvider` in its `AppConfig.ready()` (events itself: personal
unavailability and the programme; pitches: the pitch session for the buyers who pitch; workshops:
seats and the workshops one facilitates; matching: meetings). No app imports one above it.

- `busy_stretches(event, registrations)`: for many registrations at once, in a fixed number of
  queries (one or two per provider, whatever their number), the stretches in which each one cannot
  meet. Self-service booking, the free-slot list, the console's hand placement (both through
  `matching.services.requests.book_meeting`) and the engine's problem builder all call it.
- `day_items(event, registration)`: the items of one person's day for "My agenda", in time order,
  each with its start and end (shown with its day and time in the event's zone).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from core import times

from .enums import DayKind, SessionKind


@dataclass(frozen=True)
class Stretch:
    """A stretch of a registration's day.

    `busy`: the person cannot meet then (False for programme items one may skip, shown on the
    agenda only). `key` identifies the thing across providers (a programme session someone must
    attend replaces the same session shown to everyone). `obj`: what the stretch is about, when a
    page needs more than the label (a meeting line, a session). The calendar fields are filled by
    the providers of the items a calendar shows (agenda); busy-only stretches leave them empty."""

    registration_id: int
    start: dt.datetime
    end: dt.datetime
    kind: str
    label: str
    busy: bool = True
    key: tuple = ()
    obj: object = field(default=None, compare=False)
    # For calendars (events/ical.py): the item's stored UID and SEQUENCE, when it changed last,
    # where it is and what more to say; `cancelled` items stay in calendars as STATUS:CANCELLED.
    uid: str = field(default="", compare=False)
    sequence: int = field(default=0, compare=False)
    modified: dt.datetime | None = field(default=None, compare=False)
    location: str = field(default="", compare=False)
    description: str = field(default="", compare=False)
    cancelled: bool = field(default=False, compare=False)

    def overlaps(self, start: dt.datetime, end: dt.datetime) -> bool:
        return self.start < end and self.end > start


class DayProvider:
    """What one app says about people's days. Override one or both methods.

    `busy`: the stretches in which each of `registrations` cannot meet, in a fixed number of
    queries. `agenda`: the items of one registration's day (defaults to its busy stretches)."""

    def busy(self, event, registrations: Sequence) -> Iterable[Stretch]:
        return ()

    def agenda(self, event, registration) -> Iterable[Stretch]:
        return self.busy(event, [registration])


_providers: list[DayProvider] = []


def register(provider: DayProvider) -> DayProvider:
    """Add a provider (from an `AppConfig.ready()`); registering the same class twice is a no-op."""
    if not any(type(p) is type(provider) for p in _providers):
        _providers.append(provider)
    return provider


def busy_stretches(
    event, registrations: Sequence, *, exclude: Iterable[str] = ()
) -> dict[int, list[Stretch]]:
    """Registration id -> the stretches in which they cannot meet, by start. `exclude`: kinds to
    leave out (the engine re-places meetings, so its problem leaves DayKind.MEETING out)."""
    skip = set(exclude)
    result: dict[int, list[Stretch]] = {r.pk: [] for r in registrations}
    if not registrations:
        return result
    for provider in _providers:
        for stretch in provider.busy(event, registrations):
            if stretch.busy and stretch.kind not in skip and stretch.registration_id in result:
                result[stretch.registration_id].append(stretch)
    for stretches in result.values():
        stretches.sort(key=lambda s: (s.start, s.end))
    return result


def clash(stretches: Iterable[Stretch], start: dt.datetime, end: dt.datetime) -> Stretch | None:
    """The first of `stretches` overlapping [start, end), or None."""
    return next((s for s in stretches if s.overlaps(start, end)), None)


def day_items(event, registration) -> list[Stretch]:
    """The items of one registration's day, in time order: the programme, the pitch session,
    workshop seats, meetings and unavailability. An item someone must attend replaces the same
    programme item shown to everyone."""
    by_key: dict[tuple, Stretch] = {}
    loose: list[Stretch] = []
    for provider in _providers:
        for item in provider.agenda(event, registration):
            if not item.key:
                loose.append(item)
            elif item.key not in by_key or (item.busy and not by_key[item.key].busy):
                by_key[item.key] = item
    items = loose + list(by_key.values())
    return sorted(items, key=lambda s: (s.start, s.end, s.kind))


def by_day(items: Iterable[Stretch], zone) -> list[tuple[dt.date, list[Stretch]]]:
    """Items grouped by their day in the event's zone, in order."""
    groups: dict[dt.date, list[Stretch]] = defaultdict(list)
    for item in items:
        groups[times.local(item.start, zone).date()].append(item)
    return sorted(groups.items())


# --- What events itself says: personal unavailability and the programme ------------------------

# Programme sessions shown on everyone's agenda (workshops appear through seats, meeting blocks
# through the meetings in them).
AGENDA_SESSION_KINDS = (SessionKind.PLENARY, SessionKind.PITCHES, SessionKind.BREAK)


class EventsDay(DayProvider):
    def busy(self, event, registrations):
        from .models import Unavailability

        rows = Unavailability.objects.filter(
            registration_id__in=[r.pk for r in registrations]
        ).order_by("starts_at", "pk")
        for row in rows:
            yield Stretch(
                row.registration_id,
                row.starts_at,
                row.ends_at,
                DayKind.UNAVAILABLE,
                row.reason or _("unavailable"),
                key=("unavailability", row.pk),
                obj=row,
            )

    def agenda(self, event, registration):
        from .models import Session

        yield from self.busy(event, [registration])
        for session in Session.objects.filter(
            event=event, kind__in=AGENDA_SESSION_KINDS
        ).select_related("room"):
            yield session_stretch(session, registration.pk)


def session_stretch(session, registration_id: int = 0) -> Stretch:
    """A programme session as an item (the event's public programme calendar)."""
    return Stretch(
        registration_id,
        session.starts_at,
        session.ends_at,
        DayKind.SESSION,
        session.title,
        busy=False,
        key=("session", session.pk),
        obj=session,
        **session_calendar_fields(session),
    )


def session_calendar_fields(session) -> dict:
    """A programme session's calendar identity and place, for a Stretch (also used by the apps
    whose items are sessions: a workshop seat is its session in the calendar)."""
    return {
        "uid": f"{session.ical_uid}",
        "sequence": session.ical_sequence,
        "modified": session.ical_modified_at,
        "location": str(session.room) if session.room else "",
        "description": session.description,
    }
