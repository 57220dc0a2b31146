"""Named reads of the organisers' scheduling console and of the participant's agenda: what the
pages show, read off the database and the engine problem (matching/bridge.py translates, this
module explains). The writes are in matching/services/schedule.py."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import times
from events import badges, day, ical
from events.enums import DayKind
from events.models import Registration, Slot, Table, table_order
from matching import bridge, engine, rules, violations
from matching.enums import PresenceState, RequestStatus
from matching.models import Meeting, MeetingOutcome, MeetingPresence, MeetingRequest, ScheduleRun

# --- Explanations --------------------------------------------------------------------------------


def _name(registration: Registration) -> str:
    """The organisation and the person: several people of one organisation may take part."""
    person = registration.user.get_full_name() or registration.user.email
    if registration.organisation is None:
        return person
    return f"{registration.organisation} ({person})"


def unscheduled_reasons(built: bridge.Built, schedule: engine.Schedule) -> dict[str, str]:
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


def warnings(built: bridge.Built, meetings: list[Meeting]) -> list[Warning]:
    """What an organiser should look at before publishing."""
    problem = built.problem
    schedule = bridge.current_schedule(problem, meetings)
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


def violation_names(built: bridge.Built) -> violations.Names:
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
        .order_by("slot__starts_at", *table_order("table__"))
    )


def console_context(event, user) -> dict:
    """Everything the scheduling console page shows, in a fixed number of queries."""
    built = bridge.build(event)
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
        schedule = bridge.current_schedule(problem, meetings)
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
    version = bridge.published_version(event)
    promised = bridge.booked_places(event)
    pending_changes = bridge.changes_between(
        bridge.as_people_saw(version, promised), bridge.draft_as_engine(meetings)
    )
    draft_place = {(m.request_id, m.slot_id, m.table_id) for m in meetings}
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
        # Meetings participants booked themselves: they see them already, wherever the draft is.
        "booked_count": len(promised),
        "booked_moved": sum(
            (p["request"], p["slot"], p["table"]) not in draft_place for p in promised
        ),
        # Where the grid opens: the first meeting, by slot then table order.
        "first_meeting_id": meetings[0].pk if meetings else None,
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
    cancelled: bool = False

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
    built = bridge.build(event)
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


# --- The participant's agenda ("My agenda") -------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Where a meeting is, as its participants know it."""

    slot: Slot
    table: Table


def promised_places(event, requests: list[MeetingRequest]) -> dict[int, Place]:
    """Request id -> where its participants know the meeting is: the place they booked themselves
    (self-service), else its place in the current published version. Draft moves the organisers
    have not published yet are not shown. Three queries, whatever the number of requests."""
    version = bridge.published_version(event)
    where: dict[int, tuple[int, int]] = {}
    if version is not None:
        where = {int(m["request"]): (int(m["slot"]), int(m["table"])) for m in version.meetings}
    for request in requests:
        if request.booked_slot_id and request.booked_table_id:
            where[request.pk] = (request.booked_slot_id, request.booked_table_id)
    mine = {r.pk for r in requests}
    where = {pk: place for pk, place in where.items() if pk in mine}
    slots = Slot.objects.in_bulk({s for s, _t in where.values()})
    tables = Table.objects.in_bulk({t for _s, t in where.values()})
    return {
        pk: Place(slots[s], tables[t]) for pk, (s, t) in where.items() if s in slots and t in tables
    }


def _requests_of(registration: Registration):
    """The registration's requests, with both sides and the pitch, as agenda lines need them."""
    return MeetingRequest.objects.filter(
        Q(sender=registration) | Q(recipient=registration)
    ).with_sides()


def agenda_lines(event, registration: Registration) -> list[AgendaLine]:
    """A participant's meetings as they know them (`promised_places`), by time."""
    mine = list(_requests_of(registration).filter(status=RequestStatus.ACCEPTED))
    places = promised_places(event, mine)
    lines = []
    for request in mine:
        place = places.get(request.pk)
        if place is None:
            continue
        other = request.recipient if request.sender_id == registration.pk else request.sender
        lines.append(AgendaLine(place.slot, place.table, other, request))
    return sorted(lines, key=lambda line: (line.slot.starts_at, line.request.pk))


def cancelled_lines(event, registration: Registration) -> list[AgendaLine]:
    """A participant's cancelled meetings where they knew them to be, until the event is over:
    calendars keep them as STATUS:CANCELLED rather than letting them vanish. One query."""
    if times.today(event) > event.end_date:
        return []
    rows = (
        _requests_of(registration)
        .filter(
            status=RequestStatus.CANCELLED,
            cancelled_slot__isnull=False,
            cancelled_table__isnull=False,
        )
        .select_related("cancelled_slot", "cancelled_table")
    )
    lines = []
    for request in rows:
        other = request.recipient if request.sender_id == registration.pk else request.sender
        lines.append(
            AgendaLine(
                request.cancelled_slot, request.cancelled_table, other, request, cancelled=True
            )
        )
    return sorted(lines, key=lambda line: (line.slot.starts_at, line.request.pk))


@dataclass(frozen=True)
class NowLine:
    """A meeting of the person's under way: what the two sides said at the table."""

    line: AgendaLine
    state: str  # enums.PresenceState
    presence: MeetingPresence | None
    absent: Registration | None  # the side who did not come, when known
    left_alone: bool  # the person may meet someone else instead (rules.repair_refusal)
    marked_by_me: bool  # the person reported the absence themselves


@dataclass(frozen=True)
class OutcomeLine:
    """A meeting of the person's that has ended, with their organisation's outcome if any."""

    line: AgendaLine
    outcome: MeetingOutcome | None


def now_lines(event, registration: Registration, lines: list[AgendaLine], now) -> list[NowLine]:
    """The person's meetings under way at `now` (rules.slot_under_way), each with its state.
    Two queries more (presences, check-in in use) when there is one, none otherwise."""
    current = [line for line in lines if rules.slot_under_way(event, line.slot, now)]
    if not current:
        return []
    presences = {
        (p.request_id, p.slot_id): p
        for p in MeetingPresence.objects.filter(request__in=[line.request for line in current])
    }
    in_use = rules.checkin_in_use(event)
    minutes = rules.no_show_minutes(event)
    result = []
    for line in current:
        presence = presences.get((line.request.pk, line.slot.pk))
        absent = rules.absent_partner(
            line.request, line.slot, presence, now, minutes=minutes, in_use=in_use
        )
        if presence is not None and presence.started_at is not None:
            state = PresenceState.STARTED
        elif absent is not None:
            state = PresenceState.PARTNER_ABSENT
        else:
            state = PresenceState.WAITING
        result.append(
            NowLine(
                line=line,
                state=state,
                presence=presence,
                absent=absent,
                left_alone=absent is not None and absent.pk != registration.pk,
                marked_by_me=presence is not None
                and presence.absent_reported_by_id == registration.pk,
            )
        )
    return result


def outcome_lines(event, registration: Registration, lines: list[AgendaLine], now):
    """The person's meetings that have ended (rules.outcome_refusal), latest first, with their
    organisation's outcome. One query more when there is one."""
    ended = [line for line in lines if rules.outcome_refusal(line.request, line.slot, now) is None]
    if not ended or registration.organisation_id is None:
        return []
    outcomes = {
        o.request_id: o
        for o in MeetingOutcome.objects.filter(
            request__in=[line.request for line in ended],
            organisation_id=registration.organisation_id,
        )
    }
    return [
        OutcomeLine(line, outcomes.get(line.request.pk))
        for line in sorted(ended, key=lambda line: line.slot.starts_at, reverse=True)
    ]


def next_change_in(event, lines: list[AgendaLine], now) -> int | None:
    """Seconds until the clock alone changes what the agenda shows (a meeting starts, its
    partner counts as absent, it ends and asks for its outcome), or None when nothing is left.
    The page fetches itself again then (`#agenda-meetings`): no polling in between."""
    minutes = dt.timedelta(minutes=rules.no_show_minutes(event)) if lines else None
    moments = [
        moment
        for line in lines
        for moment in (line.slot.starts_at, line.slot.starts_at + minutes, line.slot.ends_at)
        if moment > now
    ]
    if not moments:
        return None
    return max(1, math.ceil((min(moments) - now).total_seconds()) + 1)


def agenda_context(event, registration: Registration, now=None) -> dict:
    """'My agenda': the person's whole day from events/day.py (programme, pitch session, workshop
    seats, meetings, unavailability), grouped by day in the event's zone; on the day, the
    meetings under way (`now_lines`) and those ended, for their outcome (`outcome_lines`)."""
    now = now or timezone.now()
    items = day.day_items(event, registration)
    meetings = [
        item.obj
        for item in items
        if item.kind == DayKind.MEETING and not item.cancelled and item.obj is not None
    ]
    return {
        "now_lines": now_lines(event, registration, meetings, now),
        "outcome_lines": outcome_lines(event, registration, meetings, now),
        "refresh_in": next_change_in(event, meetings, now),
        "event": event,
        "registration": registration,
        "version": bridge.published_version(event),
        "days": day.by_day(items, event),
        "calendar": ical.feed_links(event, registration),
        "has_meetings": any(item.kind == DayKind.MEETING and not item.cancelled for item in items),
        "checkin_qr": badges.qr_svg(registration, title=_("My check-in code")),
    }
