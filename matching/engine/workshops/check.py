"""The workshop plan validator, written apart from the solver.

Rules a plan must keep:

W1. A workshop is placed at most once, in a known room, starting at a known block, and its
    `duration` blocks fit before the last block; every workshop is placed or listed as unplaced.
W2. A room holds at most one workshop in each block.
W3. Fixed placements are kept.
W4. A person sits only in placed workshops they wished for, at most once each, in at most `wants`
    workshops, never in two workshops that share a block.
W5. A workshop seats at most min(its capacity, its room's capacity) people.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator

from .model import FORMAT, Placement, Plan, WorkshopProblem


def _fits_in_blocks(problem: WorkshopProblem, placement: Placement) -> bool:
    start = problem.block_index[placement.block]
    return start + problem.workshop_by_id[placement.workshop].duration <= len(problem.blocks)


def placement_violations(problem: WorkshopProblem, placements: Iterable[Placement]) -> list[str]:
    """Rules W1 (blocks) and W2 for placements with known ids."""
    violations = []
    by_room_block: dict[tuple[str, int], list[str]] = defaultdict(list)
    for placement in placements:
        if not _fits_in_blocks(problem, placement):
            violations.append(
                f"W1: workshop {placement.workshop} starting at block {placement.block} runs "
                "past the last block"
            )
            continue
        for block in problem.blocks_of(placement):
            by_room_block[placement.room, block].append(placement.workshop)
    for (room, block), workshops in by_room_block.items():
        if len(workshops) > 1:
            violations.append(
                f"W2: room {room} holds {', '.join(workshops)} in block {problem.blocks[block]}"
            )
    return violations


def _known_placements(problem: WorkshopProblem, plan: Plan) -> Iterator[str | Placement]:
    seen: set[str] = set()
    for placement in plan.placements:
        label = f"W1: placement of workshop {placement.workshop}"
        if placement.workshop not in problem.workshop_by_id:
            yield f"{label}: unknown workshop"
        elif placement.room not in problem.room_by_id:
            yield f"{label}: unknown room {placement.room!r}"
        elif placement.block not in problem.block_index:
            yield f"{label}: unknown block {placement.block!r}"
        elif placement.workshop in seen:
            yield f"{label}: placed twice"
        else:
            seen.add(placement.workshop)
            yield placement


def _listed_once(problem: WorkshopProblem, plan: Plan, placed: set[str]) -> Iterator[str]:
    unplaced = Counter(plan.unplaced)
    for workshop in problem.workshops:
        count = unplaced[workshop.id] + (workshop.id in placed)
        if count != 1:
            yield f"W1: workshop {workshop.id} is listed {count} times in placements and unplaced"
    for workshop_id in unplaced:
        if workshop_id not in problem.workshop_by_id:
            yield f"W1: unknown workshop {workshop_id!r} in unplaced"


def _fixed_kept(problem: WorkshopProblem, placements: list[Placement]) -> Iterator[str]:
    present = set(placements)
    for fixed in problem.fixed:
        if fixed not in present:
            yield (
                f"W3: fixed workshop {fixed.workshop} is not in room {fixed.room} "
                f"at block {fixed.block}"
            )


def _seat_violations(
    problem: WorkshopProblem, plan: Plan, placements: list[Placement]
) -> Iterator[str]:
    where = {p.workshop: p for p in placements}
    seats_of: dict[str, list[str]] = defaultdict(list)
    seated: Counter[str] = Counter()
    for seat in plan.seats:
        person = problem.person_by_id.get(seat.person)
        if person is None:
            yield f"W4: seat for unknown person {seat.person!r}"
        elif seat.workshop not in where:
            yield f"W4: person {seat.person} sits in {seat.workshop!r}, which is not placed"
        elif seat.workshop not in person.wishes:
            yield f"W4: person {seat.person} sits in {seat.workshop}, not one of their wishes"
        elif seat.workshop in seats_of[seat.person]:
            yield f"W4: person {seat.person} sits twice in {seat.workshop}"
        else:
            seats_of[seat.person].append(seat.workshop)
            seated[seat.workshop] += 1
    for person_id, workshops in seats_of.items():
        wants = problem.person_by_id[person_id].wants
        if len(workshops) > wants:
            yield f"W4: person {person_id} sits in {len(workshops)} workshops, wants {wants}"
        blocks: dict[int, list[str]] = defaultdict(list)
        for workshop_id in workshops:
            for block in problem.blocks_of(where[workshop_id]):
                blocks[block].append(workshop_id)
        for block, clash in sorted(blocks.items()):
            if len(clash) > 1:
                yield (
                    f"W4: person {person_id} sits in {', '.join(clash)} at the same block "
                    f"{problem.blocks[block]}"
                )
    for workshop_id, count in seated.items():
        cap = problem.seat_cap(where[workshop_id])
        if count > cap:
            yield f"W5: workshop {workshop_id} seats {count} people, at most {cap}"


def check(problem: WorkshopProblem, plan: Plan) -> list[str]:
    """Every violated rule of a plan, one line each naming the ids; [] if valid."""
    violations: list[str] = []
    if plan.format != FORMAT:
        violations.append(f"format: expected {FORMAT!r}, got {plan.format!r}")
    placements: list[Placement] = []
    for item in _known_placements(problem, plan):
        if isinstance(item, str):
            violations.append(item)
        else:
            placements.append(item)
    violations.extend(_listed_once(problem, plan, {p.workshop for p in placements}))
    violations.extend(placement_violations(problem, placements))
    violations.extend(_fixed_kept(problem, placements))
    fitting = [p for p in placements if _fits_in_blocks(problem, p)]
    violations.extend(_seat_violations(problem, plan, fitting))
    return violations
