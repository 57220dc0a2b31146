"""The bridge between the database and the scheduling engine (`osez-schedule/1`), and nothing else.

Way in: `build(event)` reads the database into the plain problem document (`Built.document`,
parsed lazily as `Built.problem`). Ids are the primary keys as strings: slots are Slot rows of the
meeting blocks, tables are Table rows in the organisers' table order (events.models.TABLE_ORDER),
participants are validated Registrations with at least one accepted request (with their home table
if they have one), requests are accepted MeetingRequests. Who is unavailable when comes from the
participant's day (events/day.py), like every other check of busy times. Locked meetings are the
organisers' locks and, unless a run says otherwise, the meetings participants booked themselves.

Way back: `seat_in_table_order` chooses the tables of an engine schedule in the stated order (a
buyer's home table, then the table the buyer already sits at, then the organisers' order);
`current_schedule` reads the Meeting rows as an engine schedule (for `engine.check`, warnings and
diffs); `changes_between` diffs two schedules per participant. The write itself, `apply_schedule`,
is a service in matching/services/schedule.py; what pages show is in matching/queries.py.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from core.memo import memoised
from events import day
from events.enums import DayKind, RegistrationRole, RegistrationStatus, SessionKind
from events.models import Registration, Slot, Table, table_order
from matching import engine
from matching.enums import RequestStatus
from matching.models import Meeting, MeetingRequest, ScheduleVersion
from matching.rules import meeting_refusal
from matching.services.requests import request_weights


def event_slots_queryset(event):
    return Slot.objects.filter(session__event=event, session__kind=SessionKind.MEETINGS).order_by(
        "starts_at", "pk"
    )


def event_slots(event) -> list[Slot]:
    return list(event_slots_queryset(event))


def accepted_requests(event) -> list[MeetingRequest]:
    """Accepted requests of the event that may still be met (matching.rules.meeting_refusal: both
    sides still validated participants, the pitch, if any, not in its quiet period)."""
    rows = (
        MeetingRequest.objects.filter(
            event=event,
            status=RequestStatus.ACCEPTED,
            sender__status=RegistrationStatus.VALIDATED,
            recipient__status=RegistrationStatus.VALIDATED,
        )
        .select_related("sender__organisation", "recipient__organisation", "pitch__event")
        .order_by("pk")
    )
    return [row for row in rows if meeting_refusal(row) is None]


def unavailable_slots(
    event, registrations: list[Registration], slots: list[Slot]
) -> dict[int, dict]:
    """Registration id -> {slot id: why}: the slots overlapping what keeps them busy in their day
    (events/day.py: unavailability, the pitch session, workshops...), meetings left out since the
    engine places those itself."""
    busy = day.busy_stretches(event, registrations, exclude=[DayKind.MEETING])
    result: dict[int, dict] = defaultdict(dict)
    for registration_id, stretches in busy.items():
        for slot in slots:
            found = day.clash(stretches, slot.starts_at, slot.ends_at)
            if found is not None:
                result[registration_id][str(slot.pk)] = found.label
    return result


def published_version(event) -> ScheduleVersion | None:
    """The event's current version: the latest one not unpublished."""
    return memoised(
        ("published_version", event.pk),
        lambda: (
            ScheduleVersion.objects.filter(event=event, unpublished_at__isnull=True)
            .order_by("-number")
            .first()
        ),
    )


def booked_places(event) -> list[dict]:
    """Where participants booked their meetings themselves (accepted requests only), in the shape
    of a version's `meetings`."""
    return [
        {"request": pk, "slot": slot, "table": table}
        for pk, slot, table in MeetingRequest.objects.filter(
            event=event,
            status=RequestStatus.ACCEPTED,
            booked_slot__isnull=False,
            booked_table__isnull=False,
        )
        .order_by("pk")
        .values_list("pk", "booked_slot_id", "booked_table_id")
    ]


@dataclass
class Built:
    """A problem document and what the console needs to explain it."""

    event: object
    document: dict
    registrations: dict[int, Registration]
    requests: dict[int, MeetingRequest]
    slots: list[Slot]
    tables: list[Table]
    unavailable: dict[int, dict] = field(default_factory=dict)

    @cached_property
    def problem(self) -> engine.Problem:
        return engine.load_problem(self.document)


def build(event, *, previous: list[dict] | None = None, keep_booked: bool = True) -> Built:
    """Read the database into an `osez-schedule/1` document (see module docstring).

    `previous` defaults to the current published version's meetings; without one, the current
    draft meetings, so that a re-run moves as few of them as it can. `keep_booked`: the draft
    meetings still where the participants booked them are locked (False: they are only previous).
    """
    slots = event_slots(event)
    tables = list(Table.objects.filter(event=event).order_by(*table_order()))
    requests = accepted_requests(event)
    weights = request_weights(requests)
    people_ids = {r.sender_id for r in requests} | {r.recipient_id for r in requests}
    registrations = {
        r.pk: r
        for r in Registration.objects.filter(pk__in=people_ids)
        .select_related("organisation", "user", "home_table")
        .order_by("pk")
    }
    unavailable = unavailable_slots(event, list(registrations.values()), slots)
    slot_ids = {str(s.pk) for s in slots}
    table_ids = {str(t.pk) for t in tables}
    request_ids = {str(r.pk) for r in requests}
    booked = {(p["request"], p["slot"], p["table"]) for p in booked_places(event)}
    by_request = {r.pk: r for r in requests}
    tables_by_id = {t.pk: t for t in tables}
    meetings = list(
        Meeting.objects.filter(slot__session__event=event).values(
            "request_id", "slot_id", "table_id", "locked"
        )
    )
    if previous is None:
        version = published_version(event)
        if version is None:
            previous = _as_plain(meetings)
        else:  # what people know: the version, and the places they booked since
            booked_ids = {request for request, _s, _t in booked}
            previous = [m for m in version.meetings if m["request"] not in booked_ids] + [
                {"request": r, "slot": s, "table": t} for r, s, t in sorted(booked)
            ]

    def known(items):
        return [
            {"request": str(m["request"]), "slot": str(m["slot"]), "table": str(m["table"])}
            for m in items
            if str(m["request"]) in request_ids
            and str(m["slot"]) in slot_ids
            and str(m["table"]) in table_ids
        ]

    def kept(m) -> bool:
        """Organisers' locks; and booked places that still keep the hard rules (a booked meeting
        that now clashes with a seat or an absence is left to the engine, as previous)."""
        where = (m["request_id"], m["slot_id"], m["table_id"])
        if m["locked"]:
            return True
        if not keep_booked or where not in booked or m["request_id"] not in by_request:
            return False
        request = by_request[m["request_id"]]
        people = [registrations[request.sender_id], registrations[request.recipient_id]]
        table = tables_by_id.get(m["table_id"])
        return (
            table is not None
            and all(str(m["slot_id"]) not in unavailable.get(p.pk, {}) for p in people)
            and (table.accessible or not any(p.needs_accessible_table for p in people))
            and all(p.home_table_id in (None, table.pk) for p in people)
        )

    document = {
        "format": "osez-schedule/1",
        "slots": [
            {"id": str(s.pk), "start": s.starts_at.isoformat(), "end": s.ends_at.isoformat()}
            for s in slots
        ],
        "tables": [{"id": str(t.pk), "accessible": t.accessible} for t in tables],
        "participants": [
            {
                "id": str(r.pk),
                "unavailable": sorted(unavailable.get(r.pk, {}), key=int),
                **({"max_meetings": r.max_meetings} if r.max_meetings is not None else {}),
                "needs_accessible_table": r.needs_accessible_table,
                **_home_table(r, table_ids),
            }
            for r in registrations.values()
        ],
        "requests": [
            {
                "id": str(r.pk),
                "a": str(r.sender_id),
                "b": str(r.recipient_id),
                "weight": min(10, max(1, weights[r.pk])),
            }
            for r in requests
        ],
        "locked": known(_as_plain([m for m in meetings if kept(m)])),
        "previous": known(previous),
    }
    return Built(
        event=event,
        document=document,
        registrations=registrations,
        requests={r.pk: r for r in requests},
        slots=slots,
        tables=tables,
        unavailable=unavailable,
    )


def _home_table(registration: Registration, table_ids: set[str]) -> dict:
    """A buyer's home table, when it is one of the event's tables and can seat them."""
    table = registration.home_table
    if table is None or str(table.pk) not in table_ids:
        return {}
    if registration.needs_accessible_table and not table.accessible:
        return {}
    return {"home_table": str(table.pk)}


def _as_plain(meetings: list[dict]) -> list[dict]:
    return [
        {"request": m["request_id"], "slot": m["slot_id"], "table": m["table_id"]} for m in meetings
    ]


def build_problem(event) -> engine.Problem:
    return build(event).problem


def seat_in_table_order(built: Built, schedule: engine.Schedule) -> engine.Schedule:
    """The same meetings in the same slots, with their tables chosen in the stated order.

    The engine's format fixes slots and tables, and its seating saves step-free tables by filling
    the others first (a mezzanine before the ground floor). Slot by slot, in time order: locked
    meetings and home-table meetings keep their table; a meeting back in its previous slot gets its
    previous table; then the meetings needing an accessible table, then the others, each take the
    table its buyer already sits at when it is free and fits, else the first free fitting table in
    the organisers' order (`built.tables`), keeping enough step-free tables for those who need one.
    """
    problem = built.problem
    buyers = {str(pk) for pk, r in built.registrations.items() if r.role == RegistrationRole.BUYER}
    seating = _Seating(problem, buyers)
    by_slot: dict[str, list[engine.Meeting]] = defaultdict(list)
    for meeting in schedule.meetings:
        by_slot[meeting.slot].append(meeting)
    seated: list[engine.Meeting] = []
    for slot in problem.slots:
        seated += seating.seat_slot(slot.id, by_slot.get(slot.id, []))
    return engine.Schedule(
        meetings=tuple(seated), unscheduled=schedule.unscheduled, stats=schedule.stats
    )


class _Seating:
    """The state of `seat_in_table_order` across slots: the table each buyer sits at."""

    def __init__(self, problem: engine.Problem, buyers: set[str]):
        self.problem = problem
        self.order = [t.id for t in problem.tables]
        self.accessible = {t.id for t in problem.tables if t.accessible}
        self.locked = {m.request for m in problem.locked}
        self.previous = {m.request: m for m in problem.previous}
        self.buyers = buyers
        self.usual: dict[str, str] = {}  # buyer id -> the table they sat at first

    def _people(self, meeting: engine.Meeting) -> list:
        request = self.problem.request_by_id[meeting.request]
        return [self.problem.participant_by_id[p] for p in (request.a, request.b)]

    def _needs(self, meeting: engine.Meeting) -> bool:
        return any(p.needs_accessible_table for p in self._people(meeting))

    def seat_slot(self, slot: str, meetings: list[engine.Meeting]) -> list[engine.Meeting]:
        meetings = sorted(meetings, key=lambda m: int(m.request))
        seat: dict[str, str] = {
            m.request: m.table
            for m in meetings
            if m.request in self.locked or any(p.home_table for p in self._people(m))
        }
        taken = set(seat.values())
        waiting = [m for m in meetings if m.request not in seat]
        needing = sum(1 for m in waiting if self._needs(m))
        spare = len(self.accessible - taken) - needing  # step-free tables others may use
        for m in waiting:
            before = self.previous.get(m.request)
            if before is None or before.slot != slot or before.table in taken:
                continue
            step_free, needs = before.table in self.accessible, self._needs(m)
            if (needs and not step_free) or (step_free and not needs and spare <= 0):
                continue
            spare -= step_free and not needs
            seat[m.request] = before.table
            taken.add(before.table)
        for wants_step_free in (True, False):
            for m in waiting:
                if m.request in seat or self._needs(m) != wants_step_free:
                    continue

                def fits(table: str, step_free_only: bool = wants_step_free, room: int = spare):
                    if table in taken:
                        return False
                    if step_free_only:
                        return table in self.accessible
                    return table not in self.accessible or room > 0

                buyer = next((p.id for p in self._people(m) if p.id in self.buyers), None)
                preferred = self.usual.get(buyer) if buyer else None
                if preferred and fits(preferred):
                    chosen = preferred
                else:  # the engine's table when nothing fits cannot happen within its counts
                    chosen = next((t for t in self.order if fits(t)), m.table)
                spare -= chosen in self.accessible and not wants_step_free
                seat[m.request] = chosen
                taken.add(chosen)
        for m in meetings:
            for person in self._people(m):
                if person.id in self.buyers:
                    self.usual.setdefault(person.id, seat[m.request])
        return [engine.Meeting(m.request, m.slot, seat[m.request]) for m in meetings]


def draft_meetings(event) -> list[Meeting]:
    return list(
        Meeting.objects.filter(slot__session__event=event)
        .select_related("slot", "table")
        .order_by("slot__starts_at", *table_order("table__"))
    )


def current_schedule(problem: engine.Problem, meetings: list[Meeting]) -> engine.Schedule:
    """The draft Meeting rows as an engine schedule over `problem` (meetings of requests the
    problem does not know are left out: see `warnings`)."""
    placed = [
        engine.Meeting(str(m.request_id), str(m.slot_id), str(m.table_id))
        for m in meetings
        if str(m.request_id) in problem.request_by_id
    ]
    done = {m.request for m in placed}
    unscheduled = tuple(r.id for r in problem.requests if r.id not in done)
    return engine.Schedule(meetings=tuple(placed), unscheduled=unscheduled)


def _as_meetings(source) -> list[engine.Meeting]:
    if isinstance(source, list):
        return source
    return version_meetings(source)


def draft_as_engine(meetings: list[Meeting]) -> list[engine.Meeting]:
    return [engine.Meeting(str(m.request_id), str(m.slot_id), str(m.table_id)) for m in meetings]


def version_meetings(version: ScheduleVersion | None) -> list[engine.Meeting]:
    if version is None:
        return []
    return plain_as_engine(version.meetings)


def plain_as_engine(meetings: list[dict]) -> list[engine.Meeting]:
    return [engine.Meeting(str(m["request"]), str(m["slot"]), str(m["table"])) for m in meetings]


def as_people_saw(version: ScheduleVersion | None, promised: list[dict]) -> list[engine.Meeting]:
    """What participants saw: `version`'s meetings, with the places they booked themselves
    (`promised`, version-shaped) in place of the version's place for those requests."""
    booked = {str(m["request"]) for m in promised}
    kept = [m for m in version_meetings(version) if m.request not in booked]
    return kept + plain_as_engine(promised)


# --- Versions and what changed between them ------------------------------------------------------


def replaced_version(version: ScheduleVersion) -> ScheduleVersion | None:
    """The version that was current when `version` was published."""
    return (
        ScheduleVersion.objects.filter(event_id=version.event_id, number__lt=version.number)
        .exclude(unpublished_at__lt=version.published_at)
        .order_by("-number")
        .first()
    )


def changes_between(before, after) -> dict[str, list[engine.Change]]:
    """Registration id (string) -> what changed in their meetings, via `engine.diff`.

    `before` and `after` are versions (or None for "nothing published") or lists of engine
    meetings (the draft)."""
    old, new = _as_meetings(before), _as_meetings(after)
    ids = {int(m.request) for m in old} | {int(m.request) for m in new}
    pairs = {
        str(pk): (str(a), str(b))
        for pk, a, b in MeetingRequest.objects.filter(pk__in=ids).values_list(
            "pk", "sender_id", "recipient_id"
        )
    }
    return engine.diff(old, new, pairs)
