"""The exact method: a time-indexed integer programme solved by HiGHS.

One binary per (request, slot it could take), one per participant "has at least one meeting". Rows:
each request at most once; each participant at most one meeting per slot and at most their cap;
per slot, the table counts of `instance` (all tables, accessible tables, shared home tables). The
objective ranks criterion 1 above criterion 2 above criterion 3 with weights that make it exactly
lexicographic: met * P1 + weight * P2 + kept, where P2 exceeds the most `previous` meetings that can
be kept and P1 exceeds P2 times the total weight. Criterion 4 is left to `polish`.

Used when the model is small enough and the heuristic did not already reach the bound; it starts
from the heuristic's schedule and stops at the time limit with the best schedule found.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from . import highs
from .instance import Instance, column_count, shared_home_requests
from .state import State

MAX_COLUMNS = 250_000


@dataclass
class ExactResult:
    state: State | None
    optimal: bool


class _Builder:
    def __init__(self) -> None:
        self.rows: list[list[tuple[int, float]]] = []
        self.upper: list[float] = []

    def add(self, terms: list[tuple[int, float]], upper: float) -> None:
        self.rows.append(terms)
        self.upper.append(upper)

    def matrix(self, n_cols: int) -> sparse.csc_matrix:
        row = [i for i, terms in enumerate(self.rows) for _ in terms]
        col = [c for terms in self.rows for c, _ in terms]
        value = [v for terms in self.rows for _, v in terms]
        return sparse.csc_matrix((value, (row, col)), shape=(len(self.rows), n_cols))


def _columns(instance: Instance) -> list[tuple[int, int]]:
    return [(r, s) for r in range(instance.n_requests) for s in instance.slot_list[r]]


def _add_rows(instance: Instance, columns: list[tuple[int, int]], rows: _Builder) -> None:
    by_request: dict[int, list[int]] = defaultdict(list)
    by_person_slot: dict[tuple[int, int], list[int]] = defaultdict(list)
    by_person: dict[int, list[int]] = defaultdict(list)
    by_slot: dict[int, list[int]] = defaultdict(list)
    accessible_by_slot: dict[int, list[int]] = defaultdict(list)
    for c, (r, s) in enumerate(columns):
        by_request[r].append(c)
        by_slot[s].append(c)
        if instance.uses_accessible[r]:
            accessible_by_slot[s].append(c)
        for p in (instance.ra[r], instance.rb[r]):
            by_person_slot[p, s].append(c)
            by_person[p].append(c)
    for cols in by_request.values():
        if len(cols) > 1:
            rows.add([(c, 1.0) for c in cols], 1)
    for cols in by_person_slot.values():
        if len(cols) > 1:
            rows.add([(c, 1.0) for c in cols], 1)
    for p, cols in by_person.items():
        if len(cols) > instance.cap[p]:
            rows.add([(c, 1.0) for c in cols], instance.cap[p])
    for s, cols in by_slot.items():
        if len(cols) > instance.table_cap[s]:
            rows.add([(c, 1.0) for c in cols], instance.table_cap[s])
    for s, cols in accessible_by_slot.items():
        if len(cols) > instance.accessible_cap[s]:
            rows.add([(c, 1.0) for c in cols], instance.accessible_cap[s])
    shared = shared_home_requests(instance)
    position = {rs: c for c, rs in enumerate(columns)}
    for requests in shared.values():
        for s in range(instance.n_slots):
            cols = [position[r, s] for r in requests if (r, s) in position]
            if len(cols) > 1:
                rows.add([(c, 1.0) for c in cols], 1)


def build_estimate(instance: Instance, unit: float) -> float:
    """Seconds to build the programme in Python, from `unit` (the time `compile_problem` took):
    about five times the compile time per request, per column (measured on M and M-hard)."""
    return 5.0 * column_count(instance) * unit / max(1, instance.n_requests)


def solve_exact(instance: Instance, start: State, time_limit: float, seed: int) -> ExactResult:
    """Solve the integer programme from `start` within `time_limit` seconds, building included;
    the best state found and whether it is proven."""
    deadline = time.monotonic() + time_limit
    columns = _columns(instance)
    n_x = len(columns)
    lonely = [
        p
        for p in range(instance.n_participants)
        if instance.locked_count[p] == 0
        and any(instance.slots_of[r] for r in instance.requests_of[p])
    ]
    rows = _Builder()
    _add_rows(instance, columns, rows)
    by_person: dict[int, list[int]] = defaultdict(list)
    for c, (r, _s) in enumerate(columns):
        by_person[instance.ra[r]].append(c)
        by_person[instance.rb[r]].append(c)
    for k, p in enumerate(lonely):
        rows.add([(n_x + k, 1.0)] + [(c, -1.0) for c in by_person[p]], 0)

    n_previous = sum(1 for s in instance.prev_slot if s >= 0)
    premium_weight = n_previous + 1
    premium_met = premium_weight * (sum(instance.weight) + 1)
    cost = np.zeros(n_x + len(lonely))
    for c, (r, s) in enumerate(columns):
        cost[c] = instance.weight[r] * premium_weight + (1 if instance.prev_slot[r] == s else 0)
    cost[n_x:] = premium_met
    model = highs.Model(
        cost=cost,
        matrix=rows.matrix(n_x + len(lonely)),
        row_lower=np.full(len(rows.upper), -np.inf),
        row_upper=np.array(rows.upper, dtype=float),
        integer=True,
    )
    vector = _start_vector(start, columns, lonely)
    remaining = deadline - time.monotonic()
    if remaining < 0.1:
        return ExactResult(None, False)
    # a tenth kept for reading the answer back (`_state_from`)
    result = highs.solve(model, 0.9 * remaining - highs.GRACE, seed=seed, start=vector)
    if result.x is None:
        return ExactResult(None, False)
    return ExactResult(_state_from(instance, columns, result.x), result.status == highs.OPTIMAL)


def _start_vector(state: State, columns: list[tuple[int, int]], lonely: list[int]) -> np.ndarray:
    x = np.array([1.0 if state.slot_of[r] == s else 0.0 for r, s in columns])
    met = np.array([1.0 if state.is_met(p) else 0.0 for p in lonely])
    return np.concatenate([x, met])


def _state_from(instance: Instance, columns: list[tuple[int, int]], x: np.ndarray) -> State:
    state = State(instance)
    for c, (r, s) in enumerate(columns):
        if x[c] > 0.5:
            if not state.fits(r, s):
                raise RuntimeError(f"exact solution breaks a rule at request {r}, slot {s}")
            state.place(r, s)
    return state
