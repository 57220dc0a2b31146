"""The bridge between the database and the scheduling engine (`osez-schedule/1`).

Way in: `problem_document(event)` builds the plain problem dict from the database and
`build_problem(event)` parses it with `engine.load_problem`. Ids are the primary keys as strings:
slots are Slot rows of the meeting blocks, tables are Table rows, participants are validated
Registrations with at least one accepted request, requests are accepted MeetingRequests.

Way back: `current_schedule(problem, event)` reads the Meeting rows as an engine schedule (for
`engine.check`, warnings and diffs); the write itself, `apply_schedule`, is a service in
matching/services/schedule.py.

Also here, because they are read off the engine problem: why a request is unscheduled
(`unscheduled_reasons`) and what looks wrong in a draft (`warnings`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Q
from django.utils.translation import gettext as _

from core import times
from events.enums import RegistrationStatus, SessionKind
from events.models import Registration, Session, Slot, Table, Unavailability
from matching import engine, violations
from matching.enums import RequestStatus
from matching.models import Meeting, MeetingRequest, ScheduleVersion
from matching.services.requests import request_weights
from pitches.enums import PitchStatus
from pitches.models import Pitch


def event_slots_queryset(event):
    return Slot.objects.filter(session__event=event, session__kind=SessionKind.MEETINGS).order_by(
        "starts_at", "pk"
    )


def event_slots(event) -> list[Slot]:
    return list(event_slots_queryset(event))


def accepted_requests(event) -> list[MeetingRequest]:
    """Accepted requests of the event whose two sides are still validated participants."""
    return list(
        MeetingRequest.objects.filter(
            event=event,
            status=RequestStatus.ACCEPTED,
            sender__status=RegistrationStatus.VALIDATED,
            recipient__status=RegistrationStatus.VALIDATED,
        )
        .select_related("sender", "recipient")
        .order_by("pk")
    )


def _overlapping(slots: list[Slot], starts_at, ends_at) -> list[str]:
    return [str(s.pk) for s in slots if s.starts_at < ends_at and s.ends_at > starts_at]


def unavailable_slots(
    event, registrations: list[Registration], slots: list[Slot]
) -> dict[int, dict]:
    """Registration id -> {slot id: why}, from what the data says: their unavailabilities, the
    workshops they have a seat in (as booking checks them, matching/services/requests.py), and
    the pitch session for a buyer whose organisation has a published pitch at the event."""
    from workshops.models import Seat

    result: dict[int, dict] = defaultdict(dict)
    ids = [r.pk for r in registrations]
    for row in Unavailability.objects.filter(registration_id__in=ids):
        for slot_id in _overlapping(slots, row.starts_at, row.ends_at):
            result[row.registration_id][slot_id] = row.reason or _("unavailable")
    seats = Seat.objects.filter(registration_id__in=ids).values_list(
        "registration_id",
        "workshop__session__title",
        "workshop__session__starts_at",
        "workshop__session__ends_at",
    )
    for registration_id, title, starts_at, ends_at in seats:
        for slot_id in _overlapping(slots, starts_at, ends_at):
            result[registration_id].setdefault(slot_id, title)
    pitch_sessions = list(Session.objects.filter(event=event, kind=SessionKind.PITCHES))
    if pitch_sessions:
        pitching = set(
            Pitch.objects.filter(event=event, status=PitchStatus.PUBLISHED).values_list(
                "buyer_id", flat=True
            )
        )
        for registration in registrations:
            if registration.organisation_id in pitching:
                for session in pitch_sessions:
                    for slot_id in _overlapping(slots, session.starts_at, session.ends_at):
                        result[registration.pk].setdefault(slot_id, session.title)
    return result


def published_version(event) -> ScheduleVersion | None:
    """The event's current version: the latest one not unpublished."""
    return (
        ScheduleVersion.objects.filter(event=event, unpublished_at__isnull=True)
        .order_by("-number")
        .first()
    )


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


def build(event, *, previous: list[dict] | None = None) -> Built:
    """Read the database into an `osez-schedule/1` document (see module docstring).

    `previous` defaults to the current published version's meetings; without one, the current
    draft meetings, so that a re-run moves as few of them as it can.
    """
    slots = event_slots(event)
    tables = list(Table.objects.filter(event=event).order_by("name", "pk"))
    requests = accepted_requests(event)
    weights = request_weights(requests)
    people_ids = {r.sender_id for r in requests} | {r.recipient_id for r in requests}
    registrations = {
        r.pk: r
        for r in Registration.objects.filter(pk__in=people_ids)
        .select_related("organisation", "user")
        .order_by("pk")
    }
    unavailable = unavailable_slots(event, list(registrations.values()), slots)
    slot_ids = {str(s.pk) for s in slots}
    table_ids = {str(t.pk) for t in tables}
    request_ids = {str(r.pk) for r in requests}
    meetings = list(
        Meeting.objects.filter(slot__session__event=event).values(
            "request_id", "slot_id", "table_id", "locked"
        )
    )
    if previous is None:
        version = published_version(event)
        previous = version.meetings if version else _as_plain(meetings)

    def known(items):
        return [
            {"request": str(m["request"]), "slot": str(m["slot"]), "table": str(m["table"])}
            for m in items
            if str(m["request"]) in request_ids
            and str(m["slot"]) in slot_ids
            and str(m["table"]) in table_ids
        ]

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
        "locked": known(_as_plain([m for m in meetings if m["locked"]])),
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


def _as_plain(meetings: list[dict]) -> list[dict]:
    return [
        {"request": m["request_id"], "slot": m["slot_id"], "table": m["table_id"]} for m in meetings
    ]


def build_problem(event) -> engine.Problem:
    return build(event).problem


def draft_meetings(event) -> list[Meeting]:
    return list(
        Meeting.objects.filter(slot__session__event=event)
        .select_related("slot", "table")
        .order_by("slot__starts_at", "table__name")
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
    return [
        engine.Meeting(str(m["request"]), str(m["slot"]), str(m["table"])) for m in version.meetings
    ]


# --- Explanations --------------------------------------------------------------------------------


def _name(registration: Registration) -> str:
    """The organisation and the person: several people of one organisation may take part."""
    person = registration.user.get_full_name() or registration.user.email
    if registration.organisation is None:
        return person
    return f"{registration.organisation} ({person})"


def unscheduled_reasons(built: Built, schedule: engine.Schedule) -> dict[str, str]:
    """Request id -> why it has no meeting in `schedule`, from simple checks on the problem."""
    problem = built.problem
    people = problem.participant_by_id
    busy: dict[str, set[str]] = defaultdict(set)
    taken: dict[str, set[str]] = defaultdict(set)
    count: dict[str, int] = defaultdict(int)
    for meeting in schedule.meetings:
        request = problem.request_by_id[meeting.request]
        for person in (request.a, request.b):
            busy[person].add(meeting.slot)
            count[person] += 1
        taken[meeting.slot].add(meeting.table)
    accessible = {t.id for t in problem.tables if t.accessible}
    reasons = {}
    for request_id in schedule.unscheduled:
        request = problem.request_by_id[request_id]
        a, b = people[request.a], people[request.b]
        needs_accessible = a.needs_accessible_table or b.needs_accessible_table
        usable = accessible if needs_accessible else {t.id for t in problem.tables}
        common = [s.id for s in problem.slots if s.id not in a.unavailable | b.unavailable]
        capped = [p for p in (a, b) if p.max_meetings is not None and count[p.id] >= p.max_meetings]
        if not problem.tables or not problem.slots:
            reasons[request_id] = _("no slot grid or no table yet")
        elif needs_accessible and not accessible:
            reasons[request_id] = _("accessible table missing")
        elif not common:
            reasons[request_id] = _("no common free slot")
        elif capped:
            names = ", ".join(_name(built.registrations[int(p.id)]) for p in capped)
            reasons[request_id] = _("meeting cap reached (%(names)s)") % {"names": names}
        elif any(s not in busy[a.id] and s not in busy[b.id] and usable - taken[s] for s in common):
            reasons[request_id] = _("can be placed by hand")
        else:
            reasons[request_id] = _(
                "lower priority: their common free slots are taken by other meetings"
            )
    return reasons


@dataclass(frozen=True)
class Warning:
    kind: str
    text: str


def warnings(built: Built, meetings: list[Meeting]) -> list[Warning]:
    """What an organiser should look at before publishing."""
    problem = built.problem
    schedule = current_schedule(problem, meetings)
    found: list[Warning] = []
    met = {p for m in schedule.meetings for p in _pair(problem, m.request)}
    for person in problem.participants:
        if person.id not in met:
            name = _name(built.registrations[int(person.id)])
            found.append(
                Warning("no_meeting", _("%(name)s has requests but no meeting.") % {"name": name})
            )
    slot_by_id = {str(s.pk): s for s in built.slots}
    for meeting in schedule.meetings:
        for person in _pair(problem, meeting.request):
            why = built.unavailable.get(int(person), {}).get(meeting.slot)
            if why:
                found.append(
                    Warning(
                        "unavailable",
                        _("%(name)s has a meeting at %(slot)s while unavailable (%(why)s).")
                        % {
                            "name": _name(built.registrations[int(person)]),
                            "slot": slot_label(slot_by_id.get(meeting.slot), built.event),
                            "why": why,
                        },
                    )
                )
    for meeting in meetings:
        if str(meeting.request_id) not in problem.request_by_id:
            found.append(
                Warning(
                    "stale",
                    _(
                        "A meeting at %(slot)s, table %(table)s, is for a request that is no longer accepted."
                    )
                    % {"slot": slot_label(meeting.slot, built.event), "table": meeting.table},
                )
            )
    names = violation_names(built)
    for line in engine.check(problem, schedule):
        found.append(Warning("rule", violations.describe(line, names)))
    return found


def violation_names(built: Built) -> violations.Names:
    """Names for the ids of the engine's violation lines (matching.violations); an id the
    database does not know raises KeyError."""
    slots = {str(s.pk): s for s in built.slots}
    tables = {str(t.pk): t.name for t in built.tables}

    def request(request_id: str) -> str:
        row = built.requests[int(request_id)]
        return _("the meeting of %(a)s and %(b)s") % {
            "a": _name(built.registrations[row.sender_id]),
            "b": _name(built.registrations[row.recipient_id]),
        }

    return violations.Names(
        participant=lambda pid: _name(built.registrations[int(pid)]),
        slot=lambda sid: slot_label(slots[sid], built.event, with_end=True),
        table=lambda tid: tables[tid],
        request=request,
    )


def _pair(problem: engine.Problem, request_id: str) -> tuple[str, str]:
    request = problem.request_by_id[request_id]
    return request.a, request.b


def slot_label(slot: Slot | None, event, *, with_end: bool = False) -> str:
    """The slot's start (and end) in the event's time zone, 24-hour clock."""
    if slot is None:
        return "?"
    if not with_end:
        return times.hhmm(slot.starts_at, event)
    return times.time_range(slot.starts_at, slot.ends_at, event)


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


@dataclass(frozen=True)
class ChangeLine:
    kind: str  # added, removed, moved
    other: str  # the other organisation
    before: str  # "14:00 · T01" or ""
    after: str


@dataclass(frozen=True)
class PersonChanges:
    registration: Registration
    lines: list[ChangeLine]

    @property
    def name(self) -> str:
        return _name(self.registration)


def describe_changes(event, changes: dict[str, list[engine.Change]]) -> list[PersonChanges]:
    """Readable changes per person (a fixed number of queries, whatever their number)."""
    request_ids = {int(c.request) for lines in changes.values() for c in lines}
    pairs = {
        pk: (a, b)
        for pk, a, b in MeetingRequest.objects.filter(pk__in=request_ids).values_list(
            "pk", "sender_id", "recipient_id"
        )
    }
    people_ids = {int(p) for p in changes} | {p for pair in pairs.values() for p in pair}
    people = {
        r.pk: r
        for r in Registration.objects.filter(pk__in=people_ids).select_related(
            "organisation", "user"
        )
    }
    slot_ids = {
        int(m.slot) for lines in changes.values() for c in lines for m in (c.before, c.after) if m
    }
    table_ids = {
        int(m.table) for lines in changes.values() for c in lines for m in (c.before, c.after) if m
    }
    slots = {s.pk: s for s in Slot.objects.filter(pk__in=slot_ids)}
    tables = {t.pk: t for t in Table.objects.filter(pk__in=table_ids)}

    def where(meeting: engine.Meeting | None) -> str:
        if meeting is None:
            return ""
        slot, table = slots.get(int(meeting.slot)), tables.get(int(meeting.table))
        return f"{slot_label(slot, event)} · {table or '?'}"

    rows = []
    for person_id, lines in changes.items():
        me = int(person_id)
        if me not in people:
            continue
        described = []
        for change in lines:
            a, b = pairs.get(int(change.request), (None, None))
            other = people.get(b if a == me else a)
            described.append(
                ChangeLine(
                    change.kind,
                    _name(other) if other else "?",
                    where(change.before),
                    where(change.after),
                )
            )
        rows.append(PersonChanges(people[me], described))
    return sorted(rows, key=lambda row: row.name.lower())


# --- What the console and the agenda show --------------------------------------------------------


@dataclass(frozen=True)
class Unscheduled:
    request: MeetingRequest
    sender: Registration
    recipient: Registration
    weight: int
    reason: str

    @property
    def sender_name(self) -> str:
        return _name(self.sender)

    @property
    def recipient_name(self) -> str:
        return _name(self.recipient)


def _console_meetings(event) -> list[Meeting]:
    return list(
        Meeting.objects.filter(slot__session__event=event)
        .select_related(
            "slot",
            "table",
            "request__sender__organisation",
            "request__sender__user",
            "request__recipient__organisation",
            "request__recipient__user",
        )
        .order_by("slot__starts_at", "table__name")
    )


def console_context(event, user) -> dict:
    """Everything the scheduling console page shows, in a fixed number of queries."""
    from matching.models import ScheduleRun

    built = build(event)
    meetings = _console_meetings(event)
    problem_errors: list[str] = []
    try:
        problem = built.problem
    except engine.FormatError as error:
        problem, problem_errors = None, error.errors
    by_cell = {(m.slot_id, m.table_id): m for m in meetings}
    grid = [(slot, [by_cell.get((slot.pk, t.pk)) for t in built.tables]) for slot in built.slots]
    unscheduled: list[Unscheduled] = []
    names = violation_names(built)
    found_warnings = [Warning("rule", violations.describe(line, names)) for line in problem_errors]
    met = 0
    weights = {int(r["id"]): r["weight"] for r in built.document["requests"]}
    if problem is not None:
        schedule = current_schedule(problem, meetings)
        reasons = unscheduled_reasons(built, schedule)
        for request_id in schedule.unscheduled:
            request = built.requests[int(request_id)]
            unscheduled.append(
                Unscheduled(
                    request,
                    built.registrations[request.sender_id],
                    built.registrations[request.recipient_id],
                    weights[request.pk],
                    reasons[request_id],
                )
            )
        unscheduled.sort(key=lambda u: (-u.weight, u.request.pk))
        found_warnings += warnings(built, meetings)
        met = len({p for m in schedule.meetings for p in _pair(problem, m.request)})
    version = published_version(event)
    pending_changes = changes_between(version, draft_as_engine(meetings))
    run = ScheduleRun.objects.filter(event=event).first()
    return {
        "event": event,
        "section": "schedule",
        "run": run,
        "run_violations": [violations.describe(line, names) for line in run.violations]
        if run is not None and run.violations
        else [],
        "grid": grid,
        "tables": built.tables,
        "any_inaccessible": any(not t.accessible for t in built.tables),
        "meetings_count": len(meetings),
        "requests_count": len(built.requests),
        "participants_count": len(built.registrations),
        "participants_met": met,
        "placed_weight": sum(weights.get(m.request_id, 0) for m in meetings),
        "unscheduled": unscheduled,
        "warnings": found_warnings,
        "version": version,
        "people_changed": len(pending_changes),
        "can_change": user.has_perm("matching.change_schedule", event),
    }


@dataclass(frozen=True)
class AgendaLine:
    slot: Slot
    table: Table
    other: Registration
    request: MeetingRequest
    locked: bool = False
    meeting_id: int | None = None

    @property
    def other_name(self) -> str:
        return _name(self.other)


@dataclass(frozen=True)
class PersonAgenda:
    registration: Registration
    lines: list[AgendaLine]
    requests: int

    @property
    def name(self) -> str:
        return _name(self.registration)


def participants_agendas(event) -> list[PersonAgenda]:
    """The draft per participant: everyone with an accepted request or a meeting."""
    built = build(event)
    meetings = _console_meetings(event)
    lines: dict[int, list[AgendaLine]] = defaultdict(list)
    people = dict(built.registrations)
    for m in meetings:
        sender, recipient = m.request.sender, m.request.recipient
        people.setdefault(sender.pk, sender)
        people.setdefault(recipient.pk, recipient)
        lines[sender.pk].append(AgendaLine(m.slot, m.table, recipient, m.request, m.locked, m.pk))
        lines[recipient.pk].append(AgendaLine(m.slot, m.table, sender, m.request, m.locked, m.pk))
    requests: dict[int, int] = defaultdict(int)
    for request in built.requests.values():
        requests[request.sender_id] += 1
        requests[request.recipient_id] += 1
    rows = [PersonAgenda(person, lines[pk], requests[pk]) for pk, person in people.items()]
    return sorted(rows, key=lambda row: row.name.lower())


def agenda_context(event, registration: Registration) -> dict:
    """A participant's meetings in the current published version (the database is the truth)."""
    version = published_version(event)
    lines: list[AgendaLine] = []
    if version is not None:
        placed = {int(m["request"]): m for m in version.meetings}
        mine = (
            MeetingRequest.objects.filter(pk__in=placed)
            .filter(Q(sender=registration) | Q(recipient=registration))
            .select_related(
                "sender__organisation",
                "recipient__organisation",
                "sender__user",
                "recipient__user",
                "pitch",
            )
        )
        mine = list(mine)
        slots = Slot.objects.in_bulk({int(placed[r.pk]["slot"]) for r in mine})
        tables = Table.objects.in_bulk({int(placed[r.pk]["table"]) for r in mine})
        for request in mine:
            where = placed[request.pk]
            slot, table = slots.get(int(where["slot"])), tables.get(int(where["table"]))
            if slot is None or table is None:
                continue
            other = request.recipient if request.sender_id == registration.pk else request.sender
            lines.append(AgendaLine(slot, table, other, request))
        lines.sort(key=lambda line: line.slot.starts_at)
    return {"event": event, "registration": registration, "version": version, "lines": lines}
