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

from django.utils import timezone
from django.utils.translation import gettext as _

from events.enums import RegistrationStatus, SessionKind
from events.models import Registration, Session, Slot, Table, Unavailability
from matching import engine
from matching.enums import WEIGHT_ABOUT_PITCH, WEIGHT_MUTUAL, WEIGHT_ONE_SIDED, RequestStatus
from matching.models import Meeting, MeetingRequest, ScheduleVersion
from pitches.enums import PitchStatus
from pitches.models import Pitch


def _weight_function():
    """`request_weight` of the requests area (mutual interest weighs most), wherever it lives."""
    from matching.services import requests as request_services

    found = getattr(request_services, "request_weight", None)
    if found is None:
        try:
            from matching import queries

            found = getattr(queries, "request_weight", None)
        except ImportError:
            found = None
    return found or _fallback_weight


def _fallback_weight(request: MeetingRequest) -> int:
    """Until `request_weight` exists: both asked → mutual, about a pitch → more, else one-sided."""
    if getattr(request, "_mutual", False):
        return WEIGHT_MUTUAL
    return WEIGHT_ABOUT_PITCH if request.pitch_id else WEIGHT_ONE_SIDED


def request_weight(request: MeetingRequest) -> int:
    weight = int(_weight_function()(request))
    return min(10, max(1, weight))


def event_slots(event) -> list[Slot]:
    return list(
        Slot.objects.filter(session__event=event, session__kind=SessionKind.MEETINGS).order_by(
            "starts_at", "pk"
        )
    )


def accepted_requests(event) -> list[MeetingRequest]:
    """Accepted requests of the event whose two sides are still validated participants."""
    return list(
        MeetingRequest.objects.filter(
            event=event,
            status=RequestStatus.ACCEPTED,
            sender__status=RegistrationStatus.VALIDATED,
            recipient__status=RegistrationStatus.VALIDATED,
        )
        .select_related("pitch")
        .order_by("pk")
    )


def _overlapping(slots: list[Slot], starts_at, ends_at) -> list[str]:
    return [str(s.pk) for s in slots if s.starts_at < ends_at and s.ends_at > starts_at]


def unavailable_slots(
    event, registrations: list[Registration], slots: list[Slot]
) -> dict[int, dict]:
    """Registration id -> {slot id: why}, from what the data says: their unavailabilities, and the
    pitch session for a buyer whose organisation has a published pitch at the event."""
    result: dict[int, dict] = defaultdict(dict)
    ids = [r.pk for r in registrations]
    for row in Unavailability.objects.filter(registration_id__in=ids):
        for slot_id in _overlapping(slots, row.starts_at, row.ends_at):
            result[row.registration_id][slot_id] = row.reason or _("unavailable")
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

    @property
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
    pairs = {(r.sender_id, r.recipient_id) for r in requests}
    for request in requests:
        request._mutual = (request.recipient_id, request.sender_id) in pairs
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
                "weight": request_weight(r),
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


def version_meetings(version: ScheduleVersion | None) -> list[engine.Meeting]:
    if version is None:
        return []
    return [
        engine.Meeting(str(m["request"]), str(m["slot"]), str(m["table"])) for m in version.meetings
    ]


# --- Explanations --------------------------------------------------------------------------------


def _name(registration: Registration) -> str:
    return str(registration.organisation or registration.user)


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
            reasons[request_id] = _("lower priority: the engine chose other meetings")
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
    for line in engine.check(problem, schedule):
        found.append(Warning("rule", line))
    return found


def _pair(problem: engine.Problem, request_id: str) -> tuple[str, str]:
    request = problem.request_by_id[request_id]
    return request.a, request.b


def slot_label(slot: Slot | None, event) -> str:
    """ "14:00" in the event's time zone."""
    if slot is None:
        return "?"
    return timezone.localtime(slot.starts_at, event.tzinfo).strftime("%H:%M")
