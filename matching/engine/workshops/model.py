"""Workshop placement and seating: plain data and the `osez-workshops/1` JSON format.

See WORKSHOPS.md beside the engine for the documents. `load_problem` refuses a problem that breaks
the format with a `FormatError` listing every error with the offending id; `load_plan` only checks a
plan's shape, `check` judges what it means.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ..formats import MAX_COUNT, FormatError, _ids, _is_int, _objects, shown  # shared helpers

FORMAT = "osez-workshops/1"


@dataclass(frozen=True)
class Workshop:
    id: str
    capacity: int
    duration: int = 1  # consecutive blocks


@dataclass(frozen=True)
class Room:
    id: str
    capacity: int


@dataclass(frozen=True)
class Person:
    id: str
    wishes: tuple[str, ...]  # workshop ids, best first
    wants: int = 1  # how many workshops they want to attend


@dataclass(frozen=True)
class Placement:
    workshop: str
    room: str
    block: str  # the first block; the workshop runs for `duration` consecutive blocks


@dataclass(frozen=True)
class Seat:
    person: str
    workshop: str


@dataclass(frozen=True)
class WorkshopProblem:
    blocks: tuple[str, ...]
    rooms: tuple[Room, ...]
    workshops: tuple[Workshop, ...]
    people: tuple[Person, ...]
    fixed: tuple[Placement, ...] = ()

    @cached_property
    def block_index(self) -> dict[str, int]:
        return {block: i for i, block in enumerate(self.blocks)}

    @cached_property
    def room_by_id(self) -> dict[str, Room]:
        return {room.id: room for room in self.rooms}

    @cached_property
    def workshop_by_id(self) -> dict[str, Workshop]:
        return {workshop.id: workshop for workshop in self.workshops}

    @cached_property
    def person_by_id(self) -> dict[str, Person]:
        return {person.id: person for person in self.people}

    def blocks_of(self, placement: Placement) -> range:
        """Block indices a placed workshop occupies."""
        start = self.block_index[placement.block]
        return range(start, start + self.workshop_by_id[placement.workshop].duration)

    def seat_cap(self, placement: Placement) -> int:
        """Seats of a placed workshop: its own capacity, or the room's if smaller."""
        workshop = self.workshop_by_id[placement.workshop]
        return min(workshop.capacity, self.room_by_id[placement.room].capacity)


@dataclass(frozen=True)
class PlanStats:
    people_with_wishes: int
    people_served: int
    seats: int
    first_wishes: int
    wanted_seats: int
    co_wish_pairs: int
    co_wish_pairs_apart: int
    seconds: float
    people_served_upper_bound: int = 0  # for every placement (see solver.upper_bounds)
    seats_upper_bound: int = 0
    seating_optimal: bool = False  # HiGHS proved the seating optimal for this placement
    optimal: bool = False  # both bounds reached: no placement serves more people or seats


@dataclass(frozen=True)
class Plan:
    placements: tuple[Placement, ...]
    seats: tuple[Seat, ...]
    unplaced: tuple[str, ...] = ()
    stats: PlanStats | None = None
    format: str = FORMAT


def _positive(item: dict, key: str, label: str, errors: list[str], default: int | None) -> int:
    value = item.get(key, default)
    if not _is_int(value) or not 1 <= value <= MAX_COUNT:
        errors.append(f"{label}: {key} {shown(value)} is not an integer from 1 to {MAX_COUNT:,}")
        return 1
    return value


def _blocks(doc: dict, errors: list[str]) -> tuple[str, ...]:
    blocks = doc.get("blocks")
    if not isinstance(blocks, list) or not all(isinstance(b, str) and b for b in blocks):
        errors.append("blocks: missing or not a list of block ids")
        return ()
    for block in {b for b in blocks if blocks.count(b) > 1}:
        errors.append(f"block {block}: duplicate id")
    return tuple(dict.fromkeys(blocks))


def _person(item: dict, workshop_ids: set[str], errors: list[str]) -> Person:
    label = f"person {item['id']}"
    wishes = item.get("wishes", [])
    if not isinstance(wishes, list) or not all(isinstance(w, str) for w in wishes):
        errors.append(f"{label}: wishes is not a list of workshop ids")
        wishes = []
    for workshop_id in wishes:
        if workshop_id not in workshop_ids:
            errors.append(f"{label}: unknown workshop {shown(workshop_id)} in wishes")
    if len(set(wishes)) != len(wishes):
        errors.append(f"{label}: a workshop is wished twice")
    wants = _positive(item, "wants", label, errors, default=1)
    return Person(item["id"], tuple(wishes), wants)


def _placements(items: list[dict], kind: str, errors: list[str]) -> list[Placement]:
    placements = []
    for position, item in enumerate(items):
        fields = [item.get(key) for key in ("workshop", "room", "block")]
        if all(isinstance(value, str) for value in fields):
            placements.append(Placement(*fields))
        else:
            errors.append(f"{kind}[{position}]: workshop, room and block must be strings")
    return placements


def _check_fixed(problem: WorkshopProblem, errors: list[str]) -> None:
    from .check import placement_violations  # one place per rule: check.py

    seen: set[str] = set()
    known = []
    for placement in problem.fixed:
        label = f"fixed {placement.workshop}"
        ok = placement.workshop in problem.workshop_by_id
        ok = ok and placement.room in problem.room_by_id and placement.block in problem.block_index
        if not ok:
            errors.append(f"{label}: unknown workshop, room or block")
        elif placement.workshop in seen:
            errors.append(f"{label}: fixed twice")
        else:
            seen.add(placement.workshop)
            known.append(placement)
    errors.extend(f"fixed: {line}" for line in placement_violations(problem, known))


def load_problem(doc: object) -> WorkshopProblem:
    """Parse and validate a workshop problem; raise `FormatError` listing every error."""
    if not isinstance(doc, dict):
        raise FormatError(["problem: not a JSON object"])
    errors: list[str] = []
    if doc.get("format") != FORMAT:
        errors.append(f"format: expected {FORMAT!r}, got {shown(doc.get('format'))}")
    blocks = _blocks(doc, errors)
    rooms = tuple(
        Room(item["id"], _positive(item, "capacity", f"room {item['id']}", errors, None))
        for item in _ids(_objects(doc, "rooms", errors, required=True), "room", errors)
    )
    workshops = []
    for item in _ids(_objects(doc, "workshops", errors, required=True), "workshop", errors):
        label = f"workshop {item['id']}"
        capacity = _positive(item, "capacity", label, errors, None)
        duration = _positive(item, "duration", label, errors, 1)
        if blocks and duration > len(blocks):
            errors.append(f"{label}: duration {duration} is longer than the {len(blocks)} blocks")
        workshops.append(Workshop(item["id"], capacity, duration))
    workshop_ids = {w.id for w in workshops}
    people = tuple(
        _person(item, workshop_ids, errors)
        for item in _ids(_objects(doc, "people", errors, required=True), "person", errors)
    )
    fixed = _placements(_objects(doc, "fixed", errors, required=False), "fixed", errors)
    problem = WorkshopProblem(blocks, rooms, tuple(workshops), people, tuple(fixed))
    if not errors:
        _check_fixed(problem, errors)
    if errors:
        raise FormatError(errors)
    return problem


def load_plan(doc: object) -> Plan:
    """Parse the shape of a plan document; raise `FormatError` if it is malformed."""
    if not isinstance(doc, dict):
        raise FormatError(["plan: not a JSON object"])
    errors: list[str] = []
    placements = _placements(
        _objects(doc, "placements", errors, required=True), "placements", errors
    )
    seats = []
    for position, item in enumerate(_objects(doc, "seats", errors, required=True)):
        person, workshop = item.get("person"), item.get("workshop")
        if isinstance(person, str) and isinstance(workshop, str):
            seats.append(Seat(person, workshop))
        else:
            errors.append(f"seats[{position}]: person and workshop must be strings")
    unplaced = doc.get("unplaced", [])
    if not isinstance(unplaced, list) or not all(isinstance(w, str) for w in unplaced):
        errors.append("unplaced: not a list of workshop ids")
        unplaced = []
    if errors:
        raise FormatError(errors)
    plan_format = doc.get("format")
    return Plan(
        placements=tuple(placements),
        seats=tuple(seats),
        unplaced=tuple(unplaced),
        format=plan_format if isinstance(plan_format, str) else repr(plan_format),
    )


def dump_plan(plan: Plan) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "format": plan.format,
        "placements": [
            {"workshop": p.workshop, "room": p.room, "block": p.block} for p in plan.placements
        ],
        "seats": [{"person": s.person, "workshop": s.workshop} for s in plan.seats],
        "unplaced": list(plan.unplaced),
    }
    if plan.stats is not None:
        doc["stats"] = {key: getattr(plan.stats, key) for key in PlanStats.__dataclass_fields__}
    return doc
