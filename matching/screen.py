"""What a venue screen shows (a read; no side effects): per table, the meeting now and the next
one, the programme's sessions now and next with their rooms, and the latest moves. Meetings are
where their participants know them to be (`schedule_queries.promised_places`: the published
version, or the place they booked, including bookings made on the day)."""

from dataclasses import dataclass

from django.utils import timezone

from core import times
from events.models import Session, Slot, Table, table_order
from matching import bridge, schedule_queries
from matching.enums import RequestStatus
from matching.models import MeetingRequest

LATEST_MOVES = 6
# When the tables do not fit on the screen, it shows them a page at a time, turning every so often
# (static/js/screen.js reads it from the board).
PAGE_SECONDS = 10


@dataclass(frozen=True)
class Pair:
    """The two sides of a meeting, each on its own line on the screen."""

    first: str
    second: str

    def __str__(self) -> str:
        return f"{self.first} × {self.second}"


@dataclass(frozen=True)
class TableRow:
    table: Table
    now: Pair | None
    next: Pair | None


@dataclass(frozen=True)
class Place:
    table: str
    at: str  # "14:20", in the event's time zone


@dataclass(frozen=True)
class Move:
    pair: Pair
    before: Place
    after: Place


def _pair(request: MeetingRequest) -> Pair:
    def side(registration):
        return str(registration.organisation or registration.user)

    return Pair(side(request.sender), side(request.recipient))


def current_and_next_slots(event, now):
    """The meeting slot under way at `now` and the next one to start (either may be None)."""
    slots = bridge.event_slots_queryset(event).filter(ends_at__gt=now).order_by("starts_at", "pk")
    current = next((s for s in slots if s.starts_at <= now), None)
    upcoming = next((s for s in slots if s.starts_at > now), None)
    return current, upcoming


def _moves(event) -> list[Move]:
    """The latest published version's moves ("Table 12 → Table 4"), today's only."""
    version = bridge.published_version(event)
    if version is None:
        return []
    changes = bridge.changes_between(bridge.replaced_version(version), version)
    moved = {}
    for person_changes in changes.values():
        for change in person_changes:
            if change.kind == "moved" and change.before and change.after:
                moved[change.request] = change
    if not moved:
        return []
    requests = MeetingRequest.objects.filter(pk__in=[int(pk) for pk in moved]).with_sides()
    slot_ids = {int(c.before.slot) for c in moved.values()} | {
        int(c.after.slot) for c in moved.values()
    }
    slots = Slot.objects.in_bulk(slot_ids)
    tables = Table.objects.in_bulk(
        {int(c.before.table) for c in moved.values()} | {int(c.after.table) for c in moved.values()}
    )
    today = times.today(event)

    def place(meeting) -> Place:
        slot, table = slots.get(int(meeting.slot)), tables.get(int(meeting.table))
        return Place(
            table.name if table else "?", times.hhmm(slot.starts_at, event) if slot else ""
        )

    lines = []
    for request in requests:
        change = moved[str(request.pk)]
        after_slot = slots.get(int(change.after.slot))
        if after_slot is None or times.local(after_slot.starts_at, event).date() != today:
            continue
        move = Move(_pair(request), place(change.before), place(change.after))
        lines.append((after_slot.starts_at, move.after.table, move))
    # The soonest first, then by the table they go to.
    lines.sort(key=lambda line: line[:2])
    return [move for _at, _table, move in lines][:LATEST_MOVES]


def board(event, now=None) -> dict:
    """The screen's content at `now` (default: the present)."""
    now = now or timezone.now()
    current, upcoming = current_and_next_slots(event, now)
    requests = list(
        MeetingRequest.objects.filter(event=event, status=RequestStatus.ACCEPTED).with_sides()
    )
    places = schedule_queries.promised_places(event, requests)
    by_place = {}
    for request in requests:
        place = places.get(request.pk)
        if place is not None:
            by_place[(place.slot.pk, place.table.pk)] = _pair(request)
    rows = []
    for table in Table.objects.filter(event=event).order_by(*table_order()):
        at_now = by_place.get((current.pk, table.pk)) if current else None
        at_next = by_place.get((upcoming.pk, table.pk)) if upcoming else None
        if at_now or at_next:
            rows.append(TableRow(table, at_now, at_next))
    sessions = Session.objects.filter(event=event, ends_at__gt=now).select_related("room")
    sessions = list(sessions.order_by("starts_at", "pk"))
    return {
        "event": event,
        "now": now,
        "slot": current,
        "next_slot": upcoming,
        "tables": rows,
        "sessions_now": [s for s in sessions if s.starts_at <= now],
        "sessions_next": [s for s in sessions if s.starts_at > now][:4],
        "moves": _moves(event),
        "page_seconds": PAGE_SECONDS,
    }
