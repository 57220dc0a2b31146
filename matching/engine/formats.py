"""Read and write the `osez-schedule/1` JSON documents as plain dataclasses.

`load_problem` refuses a problem that breaks the format with a `FormatError` listing every error, one
per line, each naming the offending id; locked meetings are checked against the hard rules here, with
the same rule functions `check` uses. `load_schedule` only checks the shape of a schedule (types);
what a schedule means against a problem (unknown ids, missing requests, broken rules) is `check`'s
job.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from .model import FORMAT, Meeting, Participant, Problem, Request, Schedule, Slot, Stats, Table

MIN_WEIGHT = 1
MAX_WEIGHT = 10
MAX_COUNT = 10**9  # a larger max_meetings (or workshop count) is a mistake, not a wish
SHOWN = 60  # characters of an offending value quoted in an error line


def shown(value: object) -> str:
    """`repr(value)`, cut to `SHOWN` characters: an error line stays one short line."""
    try:
        text = repr(value)
    except (ValueError, RecursionError):  # a 4,300+ digit integer, a structure too deep
        text = f"<{type(value).__name__}>"
    return text if len(text) <= SHOWN else text[: SHOWN - 3] + "..."


class FormatError(ValueError):
    """A document that breaks the format; `errors` holds one line per problem."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _objects(doc: dict[str, Any], key: str, errors: list[str], required: bool) -> list[dict]:
    """The list of objects under `key`, reporting a missing key or an entry that is no object."""
    if key not in doc:
        if required:
            errors.append(f"{key}: missing")
        return []
    items = doc[key]
    if not isinstance(items, list):
        errors.append(f"{key}: not a list")
        return []
    good = []
    for position, item in enumerate(items):
        if isinstance(item, dict):
            good.append(item)
        else:
            errors.append(f"{key}[{position}]: not an object")
    return good


def _ids(items: list[dict], kind: str, errors: list[str]) -> list[dict]:
    """Keep the items with a string id, reporting missing and duplicate ids."""
    seen: set[str] = set()
    kept = []
    for position, item in enumerate(items):
        item_id = item.get("id")
        if not isinstance(item_id, str) or not item_id:
            errors.append(f"{kind}[{position}]: missing or non-string id")
        elif item_id in seen:
            errors.append(f"{kind} {item_id}: duplicate id")
        else:
            seen.add(item_id)
            kept.append(item)
    return kept


def _datetime(value: object, label: str, errors: list[str]) -> datetime | None:
    if not isinstance(value, str):
        errors.append(f"{label}: not an ISO 8601 string")
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        errors.append(f"{label}: bad ISO 8601 datetime {shown(value)}")
        return None
    if parsed.tzinfo is None:
        errors.append(f"{label}: datetime {shown(value)} has no UTC offset")
        return None
    return parsed


def _bool(item: dict, key: str, label: str, errors: list[str]) -> bool:
    value = item.get(key, False)
    if not isinstance(value, bool):
        errors.append(f"{label}: {key} is not true or false")
        return False
    return value


def _parse_slots(doc: dict, errors: list[str]) -> tuple[tuple[Slot, ...], set[str]]:
    """The well-formed slots, and every declared slot id (so one bad slot is reported once)."""
    slots: list[Slot] = []
    items = _ids(_objects(doc, "slots", errors, required=True), "slot", errors)
    for item in items:
        label = f"slot {item['id']}"
        start = _datetime(item.get("start"), f"{label} start", errors)
        end = _datetime(item.get("end"), f"{label} end", errors)
        if start is None or end is None:
            continue
        if end <= start:
            errors.append(f"{label}: end is not after start")
            continue
        if slots and start < slots[-1].end:
            errors.append(f"{label}: overlaps or comes before slot {slots[-1].id}")
        slots.append(Slot(item["id"], start, end))
    return tuple(slots), {item["id"] for item in items}


def _parse_tables(doc: dict, errors: list[str]) -> tuple[Table, ...]:
    return tuple(
        Table(item["id"], _bool(item, "accessible", f"table {item['id']}", errors))
        for item in _ids(_objects(doc, "tables", errors, required=True), "table", errors)
    )


def _parse_participant(
    item: dict, slot_ids: set[str], tables: dict[str, Table], errors: list[str]
) -> Participant:
    label = f"participant {item['id']}"
    unavailable = item.get("unavailable", [])
    if not isinstance(unavailable, list) or not all(isinstance(s, str) for s in unavailable):
        errors.append(f"{label}: unavailable is not a list of slot ids")
        unavailable = []
    for slot_id in unavailable:
        if slot_id not in slot_ids:
            errors.append(f"{label}: unknown slot {shown(slot_id)} in unavailable")
    max_meetings = item.get("max_meetings")
    if max_meetings is not None and (
        not _is_int(max_meetings) or not 0 <= max_meetings <= MAX_COUNT
    ):
        errors.append(f"{label}: max_meetings is not an integer from 0 to {MAX_COUNT:,}")
        max_meetings = None
    needs_accessible = _bool(item, "needs_accessible_table", label, errors)
    home = item.get("home_table")
    if home is not None:
        if not isinstance(home, str) or home not in tables:
            errors.append(f"{label}: unknown home_table {shown(home)}")
            home = None
        elif needs_accessible and not tables[home].accessible:
            errors.append(f"{label}: needs an accessible table but home_table {home} is not")
    return Participant(
        id=item["id"],
        unavailable=frozenset(unavailable),
        max_meetings=max_meetings,
        needs_accessible_table=needs_accessible,
        home_table=home,
    )


def _parse_request(item: dict, participant_ids: set[str], errors: list[str]) -> Request | None:
    label = f"request {item['id']}"
    ok = True
    for end in ("a", "b"):
        value = item.get(end)
        if not isinstance(value, str) or value not in participant_ids:
            errors.append(f"{label}: unknown participant {shown(value)} as {end}")
            ok = False
    if ok and item["a"] == item["b"]:
        errors.append(f"{label}: self-request, a and b are both {item['a']}")
        ok = False
    weight = item.get("weight")
    if not _is_int(weight) or not MIN_WEIGHT <= weight <= MAX_WEIGHT:
        errors.append(f"{label}: weight {shown(weight)} is not an integer from 1 to 10")
        ok = False
    return Request(item["id"], item["a"], item["b"], weight) if ok else None


def _parse_requests(doc: dict, participant_ids: set[str], errors: list[str]) -> tuple[Request, ...]:
    requests: list[Request] = []
    by_pair: dict[tuple[str, str], str] = {}
    for item in _ids(_objects(doc, "requests", errors, required=True), "request", errors):
        request = _parse_request(item, participant_ids, errors)
        if request is None:
            continue
        a, b = request.a, request.b
        pair = (a, b) if a < b else (b, a)
        if pair in by_pair:
            errors.append(
                f"request {request.id}: duplicate pair {request.a}/{request.b}, "
                f"already request {by_pair[pair]}"
            )
            continue
        by_pair[pair] = request.id
        requests.append(request)
    return tuple(requests)


def _fast_participants(
    doc: dict, slot_ids: set[str], tables: dict[str, Table]
) -> tuple[Participant, ...] | None:
    """The participants in one pass when every one is well formed, else None (then the slow path
    names each error): no per-item label, list or error bookkeeping (XL: 13,000 participants)."""
    items = doc.get("participants")
    if type(items) is not list:
        return None
    seen: set[str] = set()
    out = []
    empty: frozenset[str] = frozenset()
    for item in items:
        if type(item) is not dict:
            return None
        pid = item.get("id")
        unavailable = item.get("unavailable", ())
        max_meetings = item.get("max_meetings")
        needs = item.get("needs_accessible_table", False)
        home = item.get("home_table")
        if type(pid) is not str or not pid or pid in seen or type(unavailable) not in (list, tuple):
            return None
        if unavailable and not all(type(x) is str for x in unavailable):
            return None  # (before `frozenset`: a list or object in it is unhashable)
        off = frozenset(unavailable) if unavailable else empty
        if not slot_ids.issuperset(off):
            return None
        if max_meetings is not None and (
            type(max_meetings) is not int or not 0 <= max_meetings <= MAX_COUNT
        ):
            return None
        if type(needs) is not bool:
            return None
        if home is not None and (
            type(home) is not str or home not in tables or (needs and not tables[home].accessible)
        ):
            return None
        seen.add(pid)
        out.append(Participant(pid, off, max_meetings, needs, home))
    return tuple(out)


def _fast_requests(doc: dict, participant_ids: set[str]) -> tuple[Request, ...] | None:
    """The requests in one pass when every one is well formed, else None (then the slow path
    names each error). XL has 100,000 requests: this takes a third of the slow path's time."""
    items = doc.get("requests")
    if type(items) is not list:
        return None
    seen: set[str] = set()
    pairs: set[tuple[str, str]] = set()
    out = []
    for item in items:
        if type(item) is not dict:
            return None
        rid = item.get("id")
        a = item.get("a")
        b = item.get("b")
        weight = item.get("weight")
        if (
            type(rid) is not str
            or not rid
            or rid in seen
            or type(a) is not str
            or type(b) is not str
            or a == b
            or a not in participant_ids
            or b not in participant_ids
            or type(weight) is not int
            or not MIN_WEIGHT <= weight <= MAX_WEIGHT
        ):
            return None
        pair = (a, b) if a < b else (b, a)
        if pair in pairs:
            return None
        seen.add(rid)
        pairs.add(pair)
        out.append(Request(rid, a, b, weight))
    return tuple(out)


def _parse_meetings(items: list[dict], kind: str, errors: list[str]) -> list[Meeting]:
    """Meetings with string fields, each request at most once."""
    meetings: list[Meeting] = []
    seen: set[str] = set()
    for position, item in enumerate(items):
        fields = [item.get(key) for key in ("request", "slot", "table")]
        if not all(isinstance(value, str) for value in fields):
            name = fields[0] if isinstance(fields[0], str) else f"[{position}]"
            errors.append(f"{kind} {name}: request, slot and table must be strings")
            continue
        meeting = Meeting(*fields)
        if meeting.request in seen:
            errors.append(f"{kind} {meeting.request}: request listed twice")
            continue
        seen.add(meeting.request)
        meetings.append(meeting)
    return meetings


def _known_locked(meetings: list[Meeting], problem: Problem, errors: list[str]) -> list[Meeting]:
    known = []
    for meeting in meetings:
        ok = True
        for kind, value, index in (
            ("request", meeting.request, problem.request_by_id),
            ("slot", meeting.slot, problem.slot_by_id),
            ("table", meeting.table, problem.table_by_id),
        ):
            if value not in index:
                errors.append(f"locked {meeting.request}: unknown {kind} {shown(value)}")
                ok = False
        if ok:
            known.append(meeting)
    return known


def load_problem(doc: object) -> Problem:
    """Parse and validate a problem document (a dict from JSON); raise `FormatError` if broken."""
    from .check import hard_rule_violations  # one place per rule: check.py

    if not isinstance(doc, dict):
        raise FormatError(["problem: not a JSON object"])
    errors: list[str] = []
    if doc.get("format") != FORMAT:
        errors.append(f"format: expected {FORMAT!r}, got {shown(doc.get('format'))}")
    slots, slot_ids = _parse_slots(doc, errors)
    tables = _parse_tables(doc, errors)
    table_by_id = {table.id: table for table in tables}
    participants = _fast_participants(doc, slot_ids, table_by_id)
    if participants is None:
        participant_items = _ids(_objects(doc, "participants", errors, True), "participant", errors)
        participants = tuple(
            _parse_participant(item, slot_ids, table_by_id, errors) for item in participant_items
        )
    participant_ids = {p.id for p in participants}
    requests = _fast_requests(doc, participant_ids)
    if requests is None:
        requests = _parse_requests(doc, participant_ids, errors)
    locked = _parse_meetings(_objects(doc, "locked", errors, False), "locked", errors)
    previous = _parse_meetings(_objects(doc, "previous", errors, False), "previous", errors)
    problem = Problem(slots, tables, participants, requests, (), tuple(previous))
    locked = _known_locked(locked, problem, errors)
    errors.extend(f"locked: {line}" for line in hard_rule_violations(problem, locked))
    if errors:
        raise FormatError(errors)
    return Problem(slots, tables, participants, requests, tuple(locked), tuple(previous))


def _parse_stats(doc: dict, errors: list[str]) -> Stats | None:
    stats = doc.get("stats")
    if stats is None:
        return None
    if not isinstance(stats, dict):
        errors.append("stats: not an object")
        return None
    numbers = ("weight", "weight_upper_bound", "participants_met", "participants_with_requests")
    bad = [key for key in (*numbers, "moved") if not _is_int(stats.get(key))]
    if not isinstance(stats.get("method"), str):
        bad.append("method")
    seconds = stats.get("seconds")
    if not isinstance(seconds, int | float) or isinstance(seconds, bool):
        bad.append("seconds")
    if bad:
        errors.append(f"stats: missing or mistyped {', '.join(bad)}")
        return None
    return Stats(**{key: stats[key] for key in Stats.__dataclass_fields__})


def load_schedule(doc: object) -> Schedule:
    """Parse the shape of a schedule document; raise `FormatError` if it is malformed."""
    if not isinstance(doc, dict):
        raise FormatError(["schedule: not a JSON object"])
    errors: list[str] = []
    meetings: list[Meeting] = []
    for position, item in enumerate(_objects(doc, "meetings", errors, required=True)):
        fields = [item.get(key) for key in ("request", "slot", "table")]
        if all(isinstance(value, str) for value in fields):
            meetings.append(Meeting(*fields))
        else:
            errors.append(f"meetings[{position}]: request, slot and table must be strings")
    unscheduled = doc.get("unscheduled", None)
    if not isinstance(unscheduled, list) or not all(isinstance(r, str) for r in unscheduled):
        errors.append("unscheduled: missing or not a list of request ids")
        unscheduled = []
    stats = _parse_stats(doc, errors)
    schedule_format = doc.get("format")
    if errors:
        raise FormatError(errors)
    return Schedule(
        meetings=tuple(meetings),
        unscheduled=tuple(unscheduled),
        stats=stats,
        format=schedule_format if isinstance(schedule_format, str) else repr(schedule_format),
    )


def _meeting_dicts(meetings: Iterable[Meeting]) -> list[dict[str, str]]:
    return [{"request": m.request, "slot": m.slot, "table": m.table} for m in meetings]


def _without_defaults(item: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in defaults or defaults[k] != v}


def dump_schedule(schedule: Schedule) -> dict[str, Any]:
    """The JSON-ready document for a schedule."""
    doc: dict[str, Any] = {
        "format": schedule.format,
        "meetings": _meeting_dicts(schedule.meetings),
        "unscheduled": list(schedule.unscheduled),
    }
    if schedule.stats is not None:
        doc["stats"] = {key: getattr(schedule.stats, key) for key in Stats.__dataclass_fields__}
    return doc


def dump_problem(problem: Problem) -> dict[str, Any]:
    """The JSON-ready document for a problem (defaults left out)."""
    participant_defaults = {
        "unavailable": [],
        "max_meetings": None,
        "needs_accessible_table": False,
        "home_table": None,
    }
    participant_fields: dict[str, Callable[[Participant], Any]] = {
        "id": lambda p: p.id,
        "unavailable": lambda p: sorted(p.unavailable, key=_slot_order(problem)),
        "max_meetings": lambda p: p.max_meetings,
        "needs_accessible_table": lambda p: p.needs_accessible_table,
        "home_table": lambda p: p.home_table,
    }
    return {
        "format": FORMAT,
        "slots": [
            {"id": s.id, "start": s.start.isoformat(), "end": s.end.isoformat()}
            for s in problem.slots
        ],
        "tables": [{"id": t.id, "accessible": t.accessible} for t in problem.tables],
        "participants": [
            _without_defaults(
                {key: get(p) for key, get in participant_fields.items()}, participant_defaults
            )
            for p in problem.participants
        ],
        "requests": [
            {"id": r.id, "a": r.a, "b": r.b, "weight": r.weight} for r in problem.requests
        ],
        "locked": _meeting_dicts(problem.locked),
        "previous": _meeting_dicts(problem.previous),
    }


def _slot_order(problem: Problem) -> Callable[[str], int]:
    order = {slot.id: position for position, slot in enumerate(problem.slots)}
    return lambda slot_id: order.get(slot_id, len(order))
