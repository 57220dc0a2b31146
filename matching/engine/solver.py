"""`solve`: from a problem to a schedule, optimising the four criteria of the format in order.

The pipeline, within the time limit:

1. Bound: the slot-free relaxation of `bound` gives proven bounds on participants met and weight,
   and its solution says which requests are worth placing.
2. Start: on a re-run, the previous meetings the relaxation keeps, in their slot; then every
   request in the order the relaxation prefers (chosen by it first, heavier first), each in its
   previous slot if it fits there, else in the first slot that fits.
3. Repair: ejection chains (`repair`) while they improve (participants met, weight).
4. Exact: if the schedule does not reach the bound and the time-indexed integer programme is small
   enough (`milp.MAX_COLUMNS`), HiGHS solves it from that schedule; the better one is kept.
5. Polish: previous meetings back to their slot, fewer idle gaps (`polish`), then tables (`tables`).

`stats.method` says what proved what: "...; optimal" when criteria 1 and 2 are proven optimal
(the schedule reaches the bound, or HiGHS proved the programme optimal). Runs are deterministic for a
given seed unless the time limit cuts a phase short.
"""

from __future__ import annotations

import time

from .bound import Bound, upper_bound, weight_bound
from .instance import Instance, compile_problem
from .milp import MAX_COLUMNS, column_count, solve_exact
from .model import Meeting, Problem, Schedule, Stats
from .polish import reduce_gaps, restore_previous, start_from_previous
from .repair import Repairer
from .state import State
from .tables import seat

DEFAULT_TIME_LIMIT = 10.0
SEARCH_SHARE = 0.8  # of the time limit, for the bound, the repair and the exact method
POLISH_SHARE = 0.95  # polishing stops here; the rest is for seating and output


def _preferred_order(instance: Instance, bound: Bound) -> list[int]:
    choice = bound.choice
    return sorted(
        range(instance.n_requests), key=lambda r: (-round(choice[r], 3), -instance.weight[r], r)
    )


def _fill(state: State, order: list[int]) -> None:
    """Each unplaced request in its previous slot if it fits there, else in the first that fits."""
    previous = state.instance.prev_slot
    for r in order:
        if state.slot_of[r] < 0 and previous[r] >= 0 and state.fits(r, previous[r]):
            state.place(r, previous[r])
        elif state.slot_of[r] < 0:
            mask = state.open_slots(r)
            while mask:
                low = mask & -mask
                s = low.bit_length() - 1
                if state.table_room(r, s):
                    state.place(r, s)
                    break
                mask ^= low


def _reaches(state: State, bound: Bound) -> bool:
    return state.met >= bound.met and state.weight >= bound.weight_if_met


def _rank(state: State) -> tuple[int, int, int]:
    return state.met, state.weight, state.kept_previous()


def moved_count(problem: Problem, meetings: list[Meeting] | tuple[Meeting, ...]) -> int:
    """Previous meetings not kept at their slot and table.

    A previous meeting whose request no longer exists in the problem does not count: there is
    nothing left to keep.
    """
    placed = {(m.request, m.slot, m.table) for m in meetings}
    return sum(
        1
        for m in problem.previous
        if m.request in problem.request_by_id and (m.request, m.slot, m.table) not in placed
    )


def _schedule(
    problem: Problem, state: State, bound: Bound, method: str, started: float, time_budget: float
) -> Schedule:
    """The schedule document: tables chosen, stats filled in.

    `weight_upper_bound` is a proven bound on criterion 2. When the schedule meets as many
    participants as the bound allows (so criterion 1 is proven optimal), it bounds the weight of
    schedules that do so, which is what criterion 2 ranks; otherwise it bounds every schedule.
    """
    instance = state.instance
    meetings = seat(state)
    scheduled = {m.request for m in meetings}
    weight = sum(problem.request_by_id[m.request].weight for m in meetings)
    met = {p for m in meetings for p in _pair(problem, m)}
    if len(met) >= bound.met:
        ceiling = bound.weight_if_met
    else:
        ceiling = min(bound.weight, weight_bound(instance, time_limit=time_budget))
    seconds = time.monotonic() - started
    stats = Stats(
        method=method,
        seconds=round(seconds, 3),
        weight=weight,
        weight_upper_bound=ceiling,
        participants_met=len(met),
        participants_with_requests=sum(instance.has_request),
        moved=moved_count(problem, meetings),
    )
    unscheduled = tuple(r.id for r in problem.requests if r.id not in scheduled)
    return Schedule(meetings=tuple(meetings), unscheduled=unscheduled, stats=stats)


def _pair(problem: Problem, meeting: Meeting) -> tuple[str, str]:
    request = problem.request_by_id[meeting.request]
    return request.a, request.b


def solve(
    problem: Problem,
    time_limit: float = DEFAULT_TIME_LIMIT,
    seed: int = 0,
    exact: bool | None = None,
) -> Schedule:
    """Schedule a valid problem (from `load_problem`) within about `time_limit` seconds.

    `exact` forces (True) or forbids (False) the integer programme; by default it is used when the
    heuristic does not reach the bound and the programme has at most `milp.MAX_COLUMNS` columns.
    """
    started = time.monotonic()
    deadline = started + time_limit * SEARCH_SHARE
    instance = compile_problem(problem)
    bound = upper_bound(instance, time_limit=max(0.1, time_limit * 0.5))
    order = _preferred_order(instance, bound)

    state = State(instance)
    start_from_previous(state, bound.choice)
    _fill(state, order)
    Repairer(state, seed, deadline, target=(bound.met, bound.weight_if_met)).run(order)
    polish_deadline = started + time_limit * POLISH_SHARE
    restore_previous(state, polish_deadline)
    method = "matching+repair"
    proven = _reaches(state, bound)

    use_exact = exact if exact is not None else column_count(instance) <= MAX_COLUMNS
    remaining = deadline - time.monotonic()
    if use_exact and not proven and remaining > 0.2:
        result = solve_exact(instance, state, remaining, seed)
        if result.state is not None and _rank(result.state) >= _rank(state):
            state = result.state
            method = "milp"
        proven = result.optimal or _reaches(state, bound)

    restore_previous(state, polish_deadline)
    reduce_gaps(state, polish_deadline)
    if proven:
        method += "; optimal"
    remaining = max(1.0, started + time_limit - time.monotonic())
    return _schedule(problem, state, bound, method, started, remaining)
