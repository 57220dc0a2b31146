"""The exact method: a time-indexed integer programme solved by HiGHS.

One binary per (request, slot it could take), one per participant "has at least one meeting". Rows:
each request at most once; each participant at most one meeting per slot and at most their cap;
per slot, the table counts of `instance` (all tables, accessible tables, shared home tables). The
objective ranks criterion 1 above criterion 2 above criterion 3 with weights that make it exactly
lexicographic: met * P1 + weight * P2 + kept, where P2 exceeds the most `previous` meetings that can
be kept and P1 exceeds P2 times the total weight. Criterion 4 is left to `polish`.

Used when the model is small enough and the heuristic did not already reach the bound; it starts
from the heuristic's schedule and stops at the time limit with the best schedule found.

`solve_at_bound` is the same programme aimed at the slot-free bound of `bound`: requests whose
reduced cost in that relaxation exceeds its slack are fixed (left out, or forced in), criterion 1
becomes a constraint, the model is built with numpy (0.03 s for M-hard's 30,000 kept columns;
`_Builder` takes 0.4 s for all 66,000), and HiGHS solves its linear relaxation, then the integer
programme over the columns that relaxation uses. On every M-hard seed measured the bound is
reached, which proves the schedule optimal (the bound is what proves it, not the fixing).
"""

from __future__ import annotations

import dataclasses
import time
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from . import highs
from .bound import Bound, lonely_candidates
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


# The programme at the bound --------------------------------------------------------------------


def request_mask(instance: Instance, bound: Bound) -> tuple[np.ndarray, np.ndarray]:
    """(kept, forced) per request: reduced-cost fixing in the slot-free relaxation at its bound.

    A request whose reduced cost exceeds the relaxation's slack above the bound takes, in every
    schedule that reaches the bound, the value the relaxation gave it: unchosen ones are left out,
    chosen ones must be placed. This only narrows where a schedule at the bound is looked for: what
    proves it optimal is reaching the bound, so the fixing's numerical tolerance cannot make a
    wrong claim.
    """
    n = instance.n_requests
    placeable = np.fromiter((mask != 0 for mask in instance.slots_of), dtype=bool, count=n)
    if bound.reduced is None or bound.choice is None:
        return placeable, np.zeros(n, dtype=bool)
    margin = bound.slack + FIXING_TOLERANCE
    chosen = bound.choice > 0.5
    dropped = ~chosen & (bound.reduced < -margin)
    forced = placeable & chosen & (bound.reduced > margin)
    return placeable & ~dropped, forced


FIXING_TOLERANCE = 1e-3


def at_bound_columns(instance: Instance, bound: Bound) -> int:
    """The columns of `solve_at_bound`'s programme (requests left out by the fixing have none)."""
    kept, _forced = request_mask(instance, bound)
    lengths = np.fromiter((len(s) for s in instance.slot_list), dtype=np.int64, count=len(kept))
    return int(lengths[kept].sum())


def _grouped_rows(
    keys: np.ndarray, columns: np.ndarray, upper_of: np.ndarray | int, first_row: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One row "sum <= upper" per key over its columns, only where the columns outnumber the upper
    bound (else the row cannot bind): (row of each entry, column of each entry, upper per row)."""
    unique, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    upper = np.broadcast_to(
        np.asarray(upper_of)[unique] if np.ndim(upper_of) else upper_of, unique.shape
    )
    binding = counts > upper
    row_of_key = np.full(len(unique), -1, dtype=np.int64)
    row_of_key[binding] = first_row + np.arange(int(binding.sum()))
    entry = binding[inverse]
    return row_of_key[inverse][entry], columns[entry], upper[binding].astype(float)


def _time_indexed(
    instance: Instance, kept: np.ndarray, forced: np.ndarray, met_target: int
) -> tuple[highs.Model, np.ndarray, np.ndarray]:
    """The time-indexed programme of `milp`, built with numpy over the kept requests, with a row
    per forced request (placed once) and "at least `met_target` participants met" as a row;
    the objective is weight * P2 + kept previous meetings (criterion 1 is a constraint here)."""
    lengths = np.fromiter((len(s) for s in instance.slot_list), dtype=np.int64, count=len(kept))
    lengths[~kept] = 0
    request = np.repeat(np.arange(len(kept)), lengths)
    slot = np.fromiter(
        (s for r in np.flatnonzero(kept).tolist() for s in instance.slot_list[r]),
        dtype=np.int64,
        count=int(lengths.sum()),
    )
    n_x, n_slots = len(request), instance.n_slots
    columns = np.arange(n_x)
    a = np.asarray(instance.ra, dtype=np.int64)[request]
    b = np.asarray(instance.rb, dtype=np.int64)[request]
    both = np.concatenate([columns, columns])
    people = np.concatenate([a, b])
    row_parts: list[np.ndarray] = []
    col_parts: list[np.ndarray] = []
    value_parts: list[np.ndarray] = []
    lower_parts: list[np.ndarray] = []
    upper_parts: list[np.ndarray] = []
    n_rows = 0

    def add(
        rows: np.ndarray,
        cols: np.ndarray,
        upper: np.ndarray,
        lower: np.ndarray | None = None,
        values: np.ndarray | None = None,
    ) -> None:
        nonlocal n_rows
        row_parts.append(rows)
        col_parts.append(cols)
        value_parts.append(np.ones(len(cols)) if values is None else values)
        upper_parts.append(upper)
        lower_parts.append(np.full(len(upper), -np.inf) if lower is None else lower)
        n_rows += len(upper)

    # each request at most once (exactly once if forced): a row for every kept request
    kept_ids = np.flatnonzero(kept)
    row_of_request = np.full(len(kept), -1, dtype=np.int64)
    row_of_request[kept_ids] = np.arange(len(kept_ids))
    add(
        row_of_request[request],
        columns,
        np.ones(len(kept_ids)),
        np.where(forced[kept_ids], 1.0, -np.inf),
    )
    add(*_grouped_rows(people * n_slots + np.concatenate([slot, slot]), both, 1, n_rows))
    add(*_grouped_rows(people, both, np.asarray(instance.cap, dtype=np.int64), n_rows))
    add(*_grouped_rows(slot, columns, np.asarray(instance.table_cap, dtype=np.int64), n_rows))
    accessible = np.asarray(instance.uses_accessible, dtype=bool)[request]
    add(
        *_grouped_rows(
            slot[accessible],
            columns[accessible],
            np.asarray(instance.accessible_cap, dtype=np.int64),
            n_rows,
        )
    )
    shared = shared_home_requests(instance)
    if shared:
        home = np.full(len(kept), -1, dtype=np.int64)
        for table, requests in shared.items():
            home[requests] = table
        at_home = home[request] >= 0
        add(
            *_grouped_rows(
                home[request][at_home] * n_slots + slot[at_home], columns[at_home], 1, n_rows
            )
        )
    # y_p <= sum of p's columns, for those who could be met; sum of y >= met_target
    lonely = np.asarray(lonely_candidates(instance), dtype=np.int64)
    position = np.full(instance.n_participants, -1, dtype=np.int64)
    position[lonely] = np.arange(len(lonely))
    mine = position[people] >= 0
    y = n_x + np.arange(len(lonely))
    add(
        np.concatenate([position[people][mine], np.arange(len(lonely))]) + n_rows,
        np.concatenate([both[mine], y]),
        np.zeros(len(lonely)),
        values=np.concatenate([-np.ones(int(mine.sum())), np.ones(len(lonely))]),
    )
    add(np.full(len(lonely), n_rows), y, np.array([np.inf]), np.array([float(met_target)]))

    weight = np.asarray(instance.weight, dtype=float)[request] * _weight_premium(instance)
    previous = np.asarray(instance.prev_slot, dtype=np.int64)[request] == slot
    cost = np.concatenate([weight + previous, np.zeros(len(lonely))])
    matrix = sparse.csc_matrix(
        (np.concatenate(value_parts), (np.concatenate(row_parts), np.concatenate(col_parts))),
        shape=(n_rows, n_x + len(lonely)),
    )
    model = highs.Model(
        cost=cost,
        matrix=matrix,
        row_lower=np.concatenate(lower_parts),
        row_upper=np.concatenate(upper_parts),
        integer=True,
    )
    return model, request, slot


def solve_at_bound(instance: Instance, bound: Bound, time_limit: float, seed: int) -> ExactResult:
    """Look for a schedule that reaches `bound`, within `time_limit` seconds, building included.

    1. The linear relaxation of the time-indexed programme, restricted by reduced-cost fixing in
       the slot-free relaxation (`request_mask`), with criterion 1 held at the bound as a
       constraint. On M-hard (66,000 columns, whose whole integer programme HiGHS cannot even set
       up in 15 s) about 30,000 columns are kept, and its optimum is integral or nearly so, at
       the bound, in 1-2 s.
    2. The integer programme over the columns that optimum uses (its support: 2,400-2,500 on
       M-hard), in hundredths of a second, with the objective of `milp` and neither the fixing nor
       the criterion-1 row, so that it always has a schedule: at the bound on every M-hard seed
       measured; when the bound cannot be reached (its relaxation is not exact there), the best
       schedule over that support, a start for the repair and the regions.

    Returns that schedule (None if HiGHS found none in time); `optimal` is always False: only
    reaching the bound proves anything here.
    """
    deadline = time.monotonic() + time_limit
    kept, forced = request_mask(instance, bound)
    locked_met = sum(1 for count in instance.locked_count if count > 0)
    model, request, slot = _time_indexed(instance, kept, forced, bound.met - locked_met)
    columns = list(zip(request.tolist(), slot.tolist(), strict=True))
    n_x, n_cols = len(request), model.matrix.shape[1]
    relaxed = highs.solve(dataclasses.replace(model, integer=False), _left(deadline), seed=seed)
    if relaxed.status != highs.OPTIMAL or relaxed.x is None:
        return ExactResult(None, False)
    used = np.concatenate([relaxed.x[:n_x] > SUPPORT, np.ones(n_cols - n_x, dtype=bool)])
    support = np.flatnonzero(used)
    cost = model.cost.copy()
    cost[n_x:] = _weight_premium(instance) * (sum(instance.weight) + 1)  # P1, as in `milp`
    small = dataclasses.replace(
        model,
        cost=cost[support],
        matrix=model.matrix[:, support].tocsc(),
        row_lower=np.full(len(model.row_lower), -np.inf),  # no forced request, no met row
    )
    found = highs.solve(small, _left(deadline), seed=seed)
    if found.x is None:
        return ExactResult(None, False)
    x = np.zeros(n_cols)
    x[support] = found.x
    return ExactResult(_state_from(instance, columns, x), False)


SUPPORT = 1e-6  # a column the relaxation uses


def _left(deadline: float) -> float:
    """What is left until `deadline`, a tenth kept for reading the answer back (`_state_from`)."""
    return 0.9 * (deadline - time.monotonic()) - highs.GRACE


def _weight_premium(instance: Instance) -> int:
    """P2 of the objective: above the most previous meetings that can be kept."""
    return sum(1 for s in instance.prev_slot if s >= 0) + 1
