"""Placing workshops in rooms and blocks, then seating people by their ranked wishes.

Placement (heuristic): fixed workshops first, then the others by demand, each at the (room, start
block) of least cost, then moves and swaps while the cost falls. The cost counts, in seats:

- the seats a room lacks: min(workshop capacity, people wishing it) above the room's capacity, twice;
- co-wish clashes: for each person who wants two or more workshops, each pair of their top wishes
  (as many as they want) placed in overlapping blocks;
- a small tie-break towards the smallest room that is big enough, to keep big rooms free.

Seating (exact, HiGHS): binaries person x wished workshop, at most `wants` per person, one workshop
per block per person, seats per workshop within min(its capacity, the room's). The objective is
lexicographic: people served (one seat or more), then seats up to what people want, then rank
quality (a better-ranked wish scores more). A greedy seating is the start and the fallback.
"""

from __future__ import annotations

import itertools
import math
import random
import time
from collections import Counter, defaultdict

import numpy as np
from scipy import sparse

from .. import highs
from .model import Placement, Plan, PlanStats, Seat, WorkshopProblem

SHORTFALL_COST = 2.0
ROOM_WASTE_COST = 1e-3


def co_wishes(problem: WorkshopProblem) -> dict[tuple[str, str], int]:
    """(workshop, workshop) -> people who want both among the workshops they want to attend."""
    pairs: Counter[tuple[str, str]] = Counter()
    for person in problem.people:
        if person.wants >= 2:
            top = sorted(person.wishes[: person.wants])
            pairs.update(itertools.combinations(top, 2))
    return dict(pairs)


class _Placer:
    def __init__(self, problem: WorkshopProblem, seed: int, deadline: float) -> None:
        self.problem = problem
        self.rng = random.Random(seed)
        self.deadline = deadline
        self.demand = Counter(w for person in problem.people for w in person.wishes)
        self.clash: dict[str, dict[str, int]] = defaultdict(dict)
        for (a, b), count in co_wishes(problem).items():
            self.clash[a][b] = self.clash[b][a] = count
        self.where: dict[str, Placement] = {}
        self.room_use: dict[tuple[str, int], str] = {}
        self.fixed = {p.workshop for p in problem.fixed}

    def _blocks(self, workshop: str, start: int) -> range:
        return range(start, start + self.problem.workshop_by_id[workshop].duration)

    def _free(self, workshop: str, room: str, start: int) -> bool:
        span = self._blocks(workshop, start)
        if span.stop > len(self.problem.blocks):
            return False
        return all(self.room_use.get((room, b), workshop) == workshop for b in span)

    def _cost(self, workshop: str, room: str, start: int) -> float:
        problem = self.problem
        capacity = problem.workshop_by_id[workshop].capacity
        wanted = min(capacity, self.demand[workshop])
        room_capacity = problem.room_by_id[room].capacity
        cost = SHORTFALL_COST * max(0, wanted - room_capacity)
        cost += ROOM_WASTE_COST * max(0, room_capacity - wanted)
        span = set(self._blocks(workshop, start))
        for other, count in self.clash[workshop].items():
            placed = self.where.get(other)
            if placed is not None and span & set(problem.blocks_of(placed)):
                cost += count
        return cost

    def _put(self, placement: Placement) -> None:
        self.where[placement.workshop] = placement
        for b in self.problem.blocks_of(placement):
            self.room_use[placement.room, b] = placement.workshop

    def _take(self, workshop: str) -> Placement:
        placement = self.where.pop(workshop)
        for b in self.problem.blocks_of(placement):
            del self.room_use[placement.room, b]
        return placement

    def _options(self, workshop: str) -> list[tuple[float, str, int]]:
        return [
            (self._cost(workshop, room.id, start), room.id, start)
            for room in self.problem.rooms
            for start in range(len(self.problem.blocks))
            if self._free(workshop, room.id, start)
        ]

    def _best(self, workshop: str) -> Placement | None:
        options = self._options(workshop)
        if not options:
            return None
        _, room, start = min(options)
        return Placement(workshop, room, self.problem.blocks[start])

    def _improve_one(self, workshop: str) -> bool:
        current = self._take(workshop)
        start = self.problem.block_index[current.block]
        before = self._cost(workshop, current.room, start)
        best = self._best(workshop)
        if best is not None:
            after = self._cost(workshop, best.room, self.problem.block_index[best.block])
            if after < before - 1e-9:
                self._put(best)
                return True
        self._put(current)
        return False

    def place(self) -> tuple[dict[str, Placement], list[str]]:
        for placement in self.problem.fixed:
            self._put(placement)
        unplaced = []
        order = sorted(
            (w for w in self.problem.workshops if w.id not in self.fixed),
            key=lambda w: (-self.demand[w.id], -w.duration, w.id),
        )
        for workshop in order:
            best = self._best(workshop.id)
            if best is None:
                unplaced.append(workshop.id)
            else:
                self._put(best)
        movable = [w for w in self.where if w not in self.fixed]
        for _ in range(20):
            self.rng.shuffle(movable)
            improved = False
            for workshop in movable:
                if time.monotonic() > self.deadline:
                    return self.where, unplaced
                improved |= self._improve_one(workshop)
            if not improved:
                break
        return self.where, unplaced


def _seat_columns(
    problem: WorkshopProblem, where: dict[str, Placement]
) -> list[tuple[str, str, int]]:
    """(person, workshop, rank) for every wish whose workshop is placed."""
    return [
        (person.id, workshop, rank)
        for person in problem.people
        for rank, workshop in enumerate(person.wishes)
        if workshop in where
    ]


def _greedy_seats(
    problem: WorkshopProblem, where: dict[str, Placement], columns: list[tuple[str, str, int]]
) -> set[int]:
    """Round by round: everyone's best wish that still fits, people with fewest options first."""
    left = {w: problem.seat_cap(p) for w, p in where.items()}
    busy: dict[str, set[int]] = defaultdict(set)
    count: Counter[str] = Counter()
    by_person: dict[str, list[int]] = defaultdict(list)
    for c, (person, _w, _rank) in enumerate(columns):
        by_person[person].append(c)
    chosen: set[int] = set()
    people = sorted(by_person, key=lambda p: (len(by_person[p]), p))
    for _round in range(max((p.wants for p in problem.people), default=0)):
        for person in people:
            if count[person] >= problem.person_by_id[person].wants:
                continue
            for c in by_person[person]:
                workshop = columns[c][1]
                span = set(problem.blocks_of(where[workshop]))
                if c not in chosen and left[workshop] > 0 and not span & busy[person]:
                    chosen.add(c)
                    left[workshop] -= 1
                    busy[person] |= span
                    count[person] += 1
                    break
    return chosen


def _seat_model(
    problem: WorkshopProblem, where: dict[str, Placement], columns: list[tuple[str, str, int]]
) -> tuple[highs.Model, list[str]]:
    people = sorted({person for person, _w, _r in columns})
    person_index = {p: i for i, p in enumerate(people)}
    n = len(columns)
    rows: list[list[tuple[int, float]]] = []
    upper: list[float] = []
    by_person: dict[str, list[int]] = defaultdict(list)
    by_workshop: dict[str, list[int]] = defaultdict(list)
    by_person_block: dict[tuple[str, int], list[int]] = defaultdict(list)
    for c, (person, workshop, _rank) in enumerate(columns):
        by_person[person].append(c)
        by_workshop[workshop].append(c)
        for b in problem.blocks_of(where[workshop]):
            by_person_block[person, b].append(c)
    for person, cols in by_person.items():
        rows.append([(c, 1.0) for c in cols])
        upper.append(problem.person_by_id[person].wants)
        rows.append([(n + person_index[person], 1.0)] + [(c, -1.0) for c in cols])
        upper.append(0)
    for workshop, cols in by_workshop.items():
        rows.append([(c, 1.0) for c in cols])
        upper.append(problem.seat_cap(where[workshop]))
    for cols in by_person_block.values():
        if len(cols) > 1:
            rows.append([(c, 1.0) for c in cols])
            upper.append(1)
    max_rank = max((len(p.wishes) for p in problem.people), default=0)
    rank_total = n * max_rank + 1
    seat_premium = rank_total
    served_premium = seat_premium * (n + 1)
    cost = np.concatenate(
        [
            np.array([seat_premium + (max_rank - rank) for _p, _w, rank in columns], dtype=float),
            np.full(len(people), float(served_premium)),
        ]
    )
    row = [i for i, terms in enumerate(rows) for _ in terms]
    col = [c for terms in rows for c, _ in terms]
    value = [v for terms in rows for _, v in terms]
    matrix = sparse.csc_matrix((value, (row, col)), shape=(len(rows), n + len(people)))
    model = highs.Model(
        cost=cost,
        matrix=matrix,
        row_lower=np.full(len(rows), -np.inf),
        row_upper=np.array(upper, dtype=float),
        integer=True,
    )
    return model, people


def _seats(
    problem: WorkshopProblem,
    where: dict[str, Placement],
    deadline: float,
    seed: int,
) -> tuple[list[Seat], bool]:
    """The seats, and whether HiGHS proved them optimal for this placement."""
    columns = _seat_columns(problem, where)
    if not columns:
        return [], True
    building = time.monotonic()
    chosen = _greedy_seats(problem, where, columns)
    model, people = _seat_model(problem, where, columns)
    start = np.zeros(len(columns) + len(people))
    start[list(chosen)] = 1.0
    seated = {columns[c][0] for c in chosen}
    for i, person in enumerate(people):
        start[len(columns) + i] = 1.0 if person in seated else 0.0
    built = time.monotonic()
    budget = deadline - built - (built - building)  # as long again for the stats and output
    proven = False
    if budget > 0.01:
        result = highs.solve(model, budget, seed=seed, start=start)
        if result.x is not None and result.objective >= float(model.cost @ start) - 0.5:
            chosen = {c for c in range(len(columns)) if result.x[c] > 0.5}
        proven = result.status == highs.OPTIMAL
    return [Seat(columns[c][0], columns[c][1]) for c in sorted(chosen)], proven


def upper_bounds(problem: WorkshopProblem) -> tuple[int, int]:
    """Bounds on people served and on seats that hold for every placement.

    A person takes at most min(wants, wishes, blocks) seats; a workshop gives at most
    min(its capacity, the largest room, the people who wish it) seats; a person served takes a
    seat.
    """
    largest_room = max((room.capacity for room in problem.rooms), default=0)
    demand = Counter(w for person in problem.people for w in person.wishes)
    supply = sum(
        min(w.capacity, largest_room, demand[w.id])
        for w in problem.workshops
        if w.duration <= len(problem.blocks)
    )
    wanted = sum(min(p.wants, len(p.wishes), len(problem.blocks)) for p in problem.people)
    with_wishes = sum(1 for p in problem.people if p.wishes)
    return min(with_wishes, supply), min(wanted, supply)


def plan_stats(
    problem: WorkshopProblem, plan: Plan, seconds: float, seating_optimal: bool = False
) -> PlanStats:
    where = {p.workshop: p for p in plan.placements}
    seats_of: dict[str, set[str]] = defaultdict(set)
    for seat in plan.seats:
        seats_of[seat.person].add(seat.workshop)
    pairs = apart = 0
    for person in problem.people:
        if person.wants < 2:
            continue
        for a, b in itertools.combinations(person.wishes[: person.wants], 2):
            pairs += 1
            if a in where and b in where:
                apart += not set(problem.blocks_of(where[a])) & set(problem.blocks_of(where[b]))
    served_bound, seats_bound = upper_bounds(problem)
    served = sum(1 for p in problem.people if seats_of[p.id])
    return PlanStats(
        people_with_wishes=sum(1 for p in problem.people if p.wishes),
        people_served=served,
        seats=len(plan.seats),
        first_wishes=sum(1 for p in problem.people if p.wishes and p.wishes[0] in seats_of[p.id]),
        wanted_seats=sum(min(p.wants, len(p.wishes)) for p in problem.people),
        co_wish_pairs=pairs,
        co_wish_pairs_apart=apart,
        seconds=round(seconds, 3),
        people_served_upper_bound=served_bound,
        seats_upper_bound=seats_bound,
        seating_optimal=seating_optimal,
        optimal=served >= served_bound and len(plan.seats) >= seats_bound,
    )


def solve(
    problem: WorkshopProblem,
    time_limit: float = 10.0,
    seed: int = 0,
    started: float | None = None,
) -> Plan:
    """Place the workshops and seat people within `time_limit` seconds of `started` (a
    `time.monotonic()` instant, default now); see the module docstring for what is optimised."""
    time_limit = float(time_limit)
    if not math.isfinite(time_limit) or time_limit <= 0:
        raise ValueError(f"time limit must be a positive number of seconds, got {time_limit!r}")
    started = time.monotonic() if started is None else started
    end = started + time_limit
    now = time.monotonic()
    where, unplaced = _Placer(problem, seed, now + 0.4 * max(0.0, end - now)).place()
    seats, seating_optimal = _seats(problem, where, started + 0.95 * time_limit, seed)
    order = {w.id: i for i, w in enumerate(problem.workshops)}
    plan = Plan(
        placements=tuple(sorted(where.values(), key=lambda p: order[p.workshop])),
        seats=tuple(seats),
        unplaced=tuple(sorted(unplaced, key=order.__getitem__)),
    )
    return Plan(
        plan.placements,
        plan.seats,
        plan.unplaced,
        plan_stats(problem, plan, time.monotonic() - started, seating_optimal),
    )
