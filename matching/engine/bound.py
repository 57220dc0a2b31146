"""Proven upper bounds on criteria 1 and 2, from a relaxation that forgets which slot each meeting
takes.

The relaxation chooses a set of requests (fractionally) such that:

- each participant has at most min(max_meetings, slots in which they could meet any partner) of them;
- all of them fit in the tables of all slots, those needing an accessible table in the accessible
  tables of all slots, and those at a home table in the slots that table is free;
- a request counts only if its two participants share a free slot where a table suits them.

Every valid schedule gives such a set, so the optimum of the relaxation's linear programme (solved by
HiGHS), rounded down because weights are integers, bounds the weight of every valid schedule; the
same programme with "participant has at least one meeting" variables bounds criterion 1. Locked
meetings are counted as they are. If HiGHS cannot finish within the time given, a weaker
combinatorial bound is used: each meeting counted from both ends, each participant keeping their
heaviest requests up to their capacity.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .instance import HOME, Instance

if TYPE_CHECKING:  # numpy, scipy, HiGHS: imported when a programme is built (0.3-0.6 s)
    import numpy as np
    from scipy import sparse

    from . import highs

EPSILON = 1e-6


@dataclass(frozen=True)
class Bound:
    """`weight` bounds every valid schedule (combinatorially); `weight_if_met` bounds those that
    meet `met` participants (criterion 1 at its bound), so reaching (met, weight_if_met) proves
    both criteria optimal."""

    weight: int
    met: int
    weight_if_met: int
    choice: np.ndarray | None  # the relaxation's value per request (None: not solved), a hint
    # the relaxation's reduced cost per request (in its objective: premium * met + weight) and how
    # far its optimum lies above (met, weight_if_met) in that objective: a request whose reduced
    # cost exceeds `slack` is, in every schedule that reaches the bound, placed if the relaxation
    # chose it and unplaced if not (reduced-cost fixing); `milp.solve_at_bound` uses it as a hint
    reduced: np.ndarray | None = None
    slack: float = math.inf


def capacities(instance: Instance) -> list[int]:
    """How many meetings each participant could have, at most, ignoring the other participants."""
    caps = []
    for p in range(instance.n_participants):
        reach = 0
        for r in instance.requests_of[p]:
            reach |= instance.slots_of[r]
        caps.append(min(instance.cap[p], reach.bit_count()) if instance.cap[p] > 0 else 0)
    return caps


def _locked(instance: Instance) -> tuple[int, int]:
    problem = instance.problem
    weight = sum(problem.request_by_id[m.request].weight for m in problem.locked)
    met = sum(1 for count in instance.locked_count if count > 0)
    return weight, met


def locked_weight(instance: Instance) -> int:
    """The weight of the locked meetings: counted in the bounds, not in a `State`'s weight."""
    return _locked(instance)[0]


def _rows(instance: Instance, candidates: list[int]) -> tuple[list[list[int]], list[float]]:
    """Relaxation rows as (column positions, upper bound), over candidate request positions."""
    caps = capacities(instance)
    position = {r: i for i, r in enumerate(candidates)}
    rows: list[list[int]] = []
    upper: list[float] = []
    for p in range(instance.n_participants):
        mine = [position[r] for r in instance.requests_of[p] if r in position]
        if len(mine) > caps[p]:
            rows.append(mine)
            upper.append(caps[p])
    everything = list(range(len(candidates)))
    rows.append(everything)
    upper.append(sum(instance.table_cap))
    accessible = [i for i, r in enumerate(candidates) if instance.uses_accessible[r]]
    rows.append(accessible)
    upper.append(sum(instance.accessible_cap))
    by_home: dict[int, list[int]] = {}
    for i, r in enumerate(candidates):
        if instance.kind[r] == HOME:
            by_home.setdefault(instance.home[r], []).append(i)
    for members in by_home.values():
        reach = 0
        for i in members:
            reach |= instance.slots_of[candidates[i]]
        rows.append(members)
        upper.append(reach.bit_count())
    return rows, upper


def _matrix(rows: list[list[int]], n_cols: int) -> sparse.csc_matrix:
    import numpy as np
    from scipy import sparse

    row_index = np.fromiter((i for i, row in enumerate(rows) for _ in row), dtype=np.int64)
    col_index = np.fromiter((c for row in rows for c in row), dtype=np.int64)
    data = np.ones(len(col_index))
    return sparse.csc_matrix((data, (row_index, col_index)), shape=(len(rows), n_cols))


def _weight_lp(instance: Instance, candidates: list[int], time_limit: float) -> highs.Result:
    deadline = time.monotonic() + time_limit  # importing and building the programme count too
    import numpy as np

    from . import highs

    rows, upper = _rows(instance, candidates)
    model = highs.Model(
        cost=np.array([instance.weight[r] for r in candidates], dtype=float),
        matrix=_matrix(rows, len(candidates)),
        row_lower=np.full(len(rows), -np.inf),
        row_upper=np.array(upper, dtype=float),
        integer=False,
    )
    return highs.solve(model, deadline - time.monotonic())


def _previous_bonus(instance: Instance, candidates: list[int]) -> np.ndarray:
    """A tie-break towards requests that have a previous meeting, worth less than 1/2 in all, so
    that the relaxation keeps published meetings among equally heavy choices. The bound stays
    valid: the objective only grows, and rounding down absorbs a total bonus below 1/2."""
    import numpy as np

    previous = np.array([instance.prev_slot[r] >= 0 for r in candidates], dtype=float)
    return previous * (0.5 / (previous.sum() + 1))


def lonely_candidates(instance: Instance) -> list[int]:
    """Participants not met by a locked meeting who have a request that could be placed."""
    return [
        p
        for p in range(instance.n_participants)
        if instance.locked_count[p] == 0
        and any(instance.slots_of[r] for r in instance.requests_of[p])
    ]


def _lexicographic_lp(
    instance: Instance, candidates: list[int], premium: int, time_limit: float
) -> highs.Result:
    """Maximise premium * (participants met) + weight over the relaxation."""
    deadline = time.monotonic() + time_limit  # importing and building the programme count too
    import numpy as np
    from scipy import sparse

    from . import highs

    rows, upper = _rows(instance, candidates)
    n = len(candidates)
    lonely = lonely_candidates(instance)
    position = {r: i for i, r in enumerate(candidates)}
    met_row, met_col, met_value = [], [], []
    for k, p in enumerate(lonely):
        mine = [position[r] for r in instance.requests_of[p] if r in position]
        met_row.extend([k] * (len(mine) + 1))
        met_col.extend([n + k, *mine])
        met_value.extend([1.0] + [-1.0] * len(mine))
    met_rows = sparse.csc_matrix(
        (met_value, (met_row, met_col)), shape=(len(lonely), n + len(lonely))
    )
    matrix = _matrix(rows, n + len(lonely))
    model = highs.Model(
        cost=np.concatenate(
            [
                np.array([instance.weight[r] for r in candidates], dtype=float)
                + _previous_bonus(instance, candidates),
                np.full(len(lonely), float(premium)),
            ]
        ),
        matrix=sparse.vstack([matrix, met_rows]).tocsc(),
        row_lower=np.full(len(rows) + len(lonely), -np.inf),
        row_upper=np.concatenate([np.array(upper, dtype=float), np.zeros(len(lonely))]),
        integer=False,
    )
    return highs.solve(model, deadline - time.monotonic())


def combinatorial_weight_bound(instance: Instance) -> int:
    """Half the sum, over participants, of their heaviest requests up to their capacity."""
    caps = capacities(instance)
    total = 0
    for p in range(instance.n_participants):
        weights = sorted(
            (instance.weight[r] for r in instance.requests_of[p] if instance.slots_of[r]),
            reverse=True,
        )
        total += sum(weights[: caps[p]])
    everything = sum(instance.weight[r] for r in range(instance.n_requests) if instance.slots_of[r])
    return min(total // 2, everything)


def weight_bound(instance: Instance, time_limit: float = 30.0) -> int:
    """A bound on the weight of every valid schedule, from the relaxation's linear programme (or
    the combinatorial bound if HiGHS cannot finish in time)."""
    locked_weight, _ = _locked(instance)
    candidates = [r for r in range(instance.n_requests) if instance.slots_of[r]]
    if not candidates:
        return locked_weight
    result = _weight_lp(instance, candidates, time_limit)
    if result.status == "optimal":  # highs.OPTIMAL (highs imported only with a programme)
        return math.floor(result.objective + EPSILON) + locked_weight
    return combinatorial_weight_bound(instance) + locked_weight


def upper_bound(
    instance: Instance, time_limit: float = 30.0, relax: bool = True, quick: bool = False
) -> Bound:
    """Bounds on participants met, and on weight for schedules that meet that many.

    `Bound.weight` here is only the combinatorial bound, valid for every schedule; call
    `weight_bound` for the tighter linear-programming one when a schedule falls short of `met`.
    With `relax=False` (no time for the linear programme) only the combinatorial bounds are given;
    with `quick=True` (hardly any time at all: XL at 1-2 s) the total weight instead, which costs
    nothing (the combinatorial bound sorts every participant's requests: 0.1-0.3 s on XL).
    """
    deadline = time.monotonic() + time_limit  # the combinatorial bound counts too
    locked_weight, locked_met = _locked(instance)
    candidates = [r for r in range(instance.n_requests) if instance.slots_of[r]]
    choice = reduced = None
    slack = math.inf
    if quick:
        everything = sum(instance.weight[r] for r in candidates)
        met = len(lonely_candidates(instance))
        return Bound(everything + locked_weight, met + locked_met, everything + locked_weight, None)
    weight = combinatorial_weight_bound(instance)
    if not candidates:
        return Bound(locked_weight, locked_met, locked_weight, choice)
    premium = sum(instance.weight[r] for r in candidates) + 1
    lex_result = (
        _lexicographic_lp(instance, candidates, premium, deadline - time.monotonic())
        if relax
        else None
    )
    if lex_result is not None and lex_result.status == "optimal":
        value = math.floor(lex_result.objective + EPSILON)
        met = value // premium
        weight_if_all_met = min(weight, value - premium * met)
        import numpy as np

        choice = np.zeros(instance.n_requests)
        choice[candidates] = lex_result.x[: len(candidates)]
        if lex_result.reduced is not None:
            reduced = np.zeros(instance.n_requests)
            reduced[candidates] = lex_result.reduced[: len(candidates)]
            slack = lex_result.objective - (premium * met + weight_if_all_met)
    else:
        met, weight_if_all_met = len(lonely_candidates(instance)), weight
    return Bound(
        weight=weight + locked_weight,
        met=met + locked_met,
        weight_if_met=weight_if_all_met + locked_weight,
        choice=choice,
        reduced=reduced,
        slack=slack,
    )
