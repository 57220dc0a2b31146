"""`solve`: from a problem to a schedule, optimising the four criteria of the format in order.

The pipeline, within the time limit (counted from `started`: the CLI passes the start of the
process, so that reading the file and writing the schedule count too):

0. Compile; the time it takes is this machine's yardstick (`unit`) for what comes after: the tail
   kept for seating, stats and writing out is a few units, and the relaxation is skipped when
   fewer units remain than it would need (the combinatorial bound is used instead).
1. Bound: the slot-free relaxation of `bound` gives proven bounds on participants met and weight,
   and its solution says which requests are worth placing.
2. Start: on a re-run, the previous meetings the relaxation keeps, in their slot; then every
   request in the order the relaxation prefers (chosen by it first, heavier first), each in its
   previous slot if it fits there, else in the first slot that fits.
3. Repair: ejection chains (`repair`) while they improve (participants met, weight); when an
   exact step follows, for `REPAIR_SHARE` of the search time at most.
   Before it, from `AT_BOUND_MIN_COLUMNS` (request, slot) columns, if the start does not reach the
   bound: a first repair for `FIRST_REPAIR_SHARE` of the search time, then, if that falls short
   too, the programme at the bound (`milp.solve_at_bound`: the time-indexed programme restricted
   by reduced-cost fixing in the relaxation, its linear relaxation, then the integer programme
   over the columns that relaxation uses), for `AT_BOUND_SHARE` of the time left at most. It
   proves M-hard optimal in 2-3 s (it reaches the bound); otherwise the better schedule goes on.
4. Exact: if the schedule does not reach the bound, either HiGHS solves the whole time-indexed
   integer programme from that schedule (up to `WHOLE_MILP_COLUMNS` columns, or with
   `exact=True`), or, above that size (where HiGHS's set-up alone can outlast the limit), regions
   of the schedule are re-solved exactly one after another (`lns`). Neither can make it worse.
5. Polish: previous meetings back to their slot, fewer idle gaps (`polish`), then tables (`tables`).

`stats.method` says what proved what: "...; optimal" when criteria 1 and 2 are proven optimal
(the schedule reaches the bound, or HiGHS proved the programme optimal). Runs are deterministic for a
given seed unless the time limit cuts a phase short. Every phase after compiling stops at its own
deadline, so the whole run ends by `started + time_limit` plus at most the tail's misestimate.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from .bound import Bound, locked_weight, upper_bound, weight_bound
from .instance import Instance, column_count, compile_problem
from .model import Meeting, Problem, Schedule, Stats
from .polish import reduce_gaps, restore_previous, start_from_previous
from .repair import Repairer
from .state import State
from .tables import seat

DEFAULT_TIME_LIMIT = 10.0
SEARCH_SHARE = 0.9  # of the time after the bound, for the repair and the exact method
REPAIR_SHARE = 0.3  # of that, for the repair when the whole exact programme follows
REPAIR_SHARE_BEFORE_REGIONS = 0.6  # and when regions follow (L: the repair still gains late)
MAX_EXACT_COLUMNS = 250_000  # milp.MAX_COLUMNS (milp, with scipy, is imported only when used)
WHOLE_MILP_COLUMNS = 30_000  # above, HiGHS's set-up alone may outlast the limit: regions instead
LNS_MIN_SECONDS = 1.0  # importing scipy and HiGHS, then one region: not worth less
FILL_UNITS = 3.0  # kept after the relaxation for the fill (1.5 on XL) and the repair's start
QUICK_BOUND_UNITS = 4.0  # with less time left, in compile times, no combinatorial bound
TAIL_UNITS = 2.0  # seating, stats and writing the schedule out, in compile times (XL: 1.2-1.5)
LP_UNITS = 2.0  # the least time worth giving the relaxation, in compile times (XL needs ~4)
FIRST_REPAIR_SHARE = 0.1  # of the search time, for the repair before the programme at the bound
AT_BOUND_SHARE = 0.8  # of the search time left, for the programme at the bound (`_at_bound`): it
# needs 1-2 s on M-hard and stops there, reached or not; more only when the load slows HiGHS down
AT_BOUND_COLUMNS = 60_000  # its columns after the fixing, at most (M-hard 28,000-32,000, M
# 40,000-45,000; L-hard 157,000, whose relaxation alone took 27 s)
AT_BOUND_MIN_SECONDS = 1.0
AT_BOUND_MIN_COLUMNS = 10_000  # below (S, S-hard: 5,000-7,000), the repair proves it in 0.1 s


def check_time_limit(time_limit: float) -> float:
    """The limit as a float; ValueError for a limit that is not a positive finite number."""
    value = float(time_limit)
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"time limit must be a positive number of seconds, got {time_limit!r}")
    return value


def _preferred_order(instance: Instance, bound: Bound) -> list[int]:
    """Chosen by the relaxation first (to 3 decimals), heavier first, then in request order."""
    n = instance.n_requests
    weight = instance.weight
    if bound.choice is None:  # no relaxation (no time for it): numpy is not even imported
        return sorted(range(n), key=lambda r: (-weight[r], r))
    import numpy as np

    choice = np.round(bound.choice, 3)
    return np.lexsort((np.arange(n), -np.asarray(weight, dtype=np.int64), -choice)).tolist()


def _fill(state: State, order: list[int], deadline: float = math.inf) -> None:
    """Each unplaced request in its previous slot if it fits there, else in the first that fits
    (until `deadline`: what is left stays unplaced)."""
    previous = state.instance.prev_slot
    for position, r in enumerate(order):
        if not position & 1023 and time.monotonic() > deadline:
            return
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


def _target(state: State, bound: Bound) -> tuple[int, int]:
    """The bound as a `State.score()` to reach: a state's weight leaves the locked meetings out."""
    return bound.met, bound.weight_if_met - locked_weight(state.instance)


def _reaches(state: State, bound: Bound) -> bool:
    met, weight = _target(state, bound)
    return state.met >= met and state.weight >= weight


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


def _ceiling(state: State, bound: Bound, deadline: float, unit: float) -> int:
    """A proven bound on criterion 2 for the stats, the linear one only if time allows.

    When the schedule meets as many participants as the bound allows (so criterion 1 is proven
    optimal), it bounds the weight of schedules that do so, which is what criterion 2 ranks;
    otherwise it bounds every schedule (a second linear programme, or the combinatorial bound).
    """
    if state.met >= bound.met:
        return bound.weight_if_met
    budget = deadline - time.monotonic() - LP_UNITS * unit
    if budget <= 0:
        return bound.weight
    return min(bound.weight, weight_bound(state.instance, time_limit=budget))


def _schedule(
    problem: Problem, state: State, ceiling: int, method: str, started: float
) -> Schedule:
    """The schedule document: tables chosen, stats filled in."""
    instance = state.instance
    meetings = seat(state)
    scheduled = {m.request for m in meetings}
    weight = sum(problem.request_by_id[m.request].weight for m in meetings)
    met = {p for m in meetings for p in _pair(problem, m)}
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


def fallback_schedule(problem: Problem, started: float) -> Schedule:
    """The schedule written when the clock runs out before any search: the locked meetings (valid
    by `load_problem`), every other request unscheduled. Cheap (XL: 0.02-0.05 s); the weight bound
    is the total weight, which holds for every schedule."""
    locked = {m.request for m in problem.locked}
    weight = sum(problem.request_by_id[r].weight for r in locked)
    met = {p for m in problem.locked for p in _pair(problem, m)}
    with_requests = {p for r in problem.requests for p in (r.a, r.b)}
    stats = Stats(
        method="deadline before the search: locked meetings only",
        seconds=round(time.monotonic() - started, 3),
        weight=weight,
        weight_upper_bound=sum(r.weight for r in problem.requests),
        participants_met=len(met),
        participants_with_requests=len(with_requests),
        moved=moved_count(problem, problem.locked),
    )
    unscheduled = tuple(r.id for r in problem.requests if r.id not in locked)
    return Schedule(meetings=problem.locked, unscheduled=unscheduled, stats=stats)


def _pair(problem: Problem, meeting: Meeting) -> tuple[str, str]:
    request = problem.request_by_id[meeting.request]
    return request.a, request.b


def _at_bound_fits(state: State, bound: Bound, columns: int, exact: bool | None) -> bool:
    """Whether the programme at the bound is for this problem: the start falls short of the bound,
    the relaxation was solved (its reduced costs), and the programme, once narrowed, is neither
    trivial (the repair proves S in 0.1 s) nor too big (L-hard: 157,000 columns, 27 s)."""
    if exact is not None or columns < AT_BOUND_MIN_COLUMNS or bound.reduced is None:
        return False
    if _reaches(state, bound):
        return False
    from .milp import at_bound_columns  # scipy and HiGHS: only when used

    return at_bound_columns(state.instance, bound) <= AT_BOUND_COLUMNS


def _at_bound(
    state: State, bound: Bound, deadline: float, seed: int, method: str
) -> tuple[State, str, bool]:
    """The programme at the bound (`milp.solve_at_bound`), for `AT_BOUND_SHARE` of the search time
    at most: (state, method, proven)."""
    from .milp import solve_at_bound

    instance = state.instance
    budget = AT_BOUND_SHARE * (deadline - time.monotonic())
    if budget < AT_BOUND_MIN_SECONDS:
        return state, method, False
    result = solve_at_bound(instance, bound, budget, seed)
    if result.state is not None and _rank(result.state) > _rank(state):
        state, method = result.state, method + "+milp at the bound"
    return state, method, _reaches(state, bound)


def solve(
    problem: Problem,
    time_limit: float = DEFAULT_TIME_LIMIT,
    seed: int = 0,
    exact: bool | None = None,
    started: float | None = None,
    commit: Callable[[], object] | None = None,
    filled: Callable[[float], None] | None = None,
) -> Schedule:
    """Schedule a valid problem (from `load_problem`) within `time_limit` seconds of `started`
    (a `time.monotonic()` instant, by default now), the seating and stats included.

    `exact` forces (True) or forbids (False) the integer programme; by default it is used when the
    heuristic does not reach the bound and the programme has at most `milp.MAX_COLUMNS` columns.
    `commit`, if given, is called once the search and polishing are over, before seating;
    `filled(tail)` once the first schedule is complete, with the seconds the tail should take.
    """
    time_limit = check_time_limit(time_limit)
    started = time.monotonic() if started is None else started
    compiling = time.monotonic()
    instance = compile_problem(problem)
    unit = max(0.001, time.monotonic() - compiling)
    finish = started + time_limit - TAIL_UNITS * unit  # search and polish end here
    now = time.monotonic()
    # the relaxation is worth most of the time, but the fill must fit after it (XL: 1.5 units)
    lp_budget = min(0.7 * (finish - now), finish - now - FILL_UNITS * unit)
    if lp_budget > min(LP_UNITS * unit, 1.0):  # a second is worth trying on a loaded machine
        bound = upper_bound(instance, time_limit=lp_budget)
    else:  # the combinatorial bound, or only the total weight when the time is nearly up
        quick = finish - now < QUICK_BOUND_UNITS * unit
        bound = upper_bound(instance, time_limit=0.0, relax=False, quick=quick)
    order = _preferred_order(instance, bound)

    state = State(instance)
    if bound.choice is not None:  # else the relaxation wants no previous meeting in particular
        start_from_previous(state, bound.choice)
    _fill(state, order, finish)
    if filled is not None:  # a schedule in hand; seating, stats and writing take about this
        filled(TAIL_UNITS * unit)
    now = time.monotonic()
    deadline = now + SEARCH_SHARE * max(0.0, finish - now)
    columns = column_count(instance)
    use_exact = exact if exact is not None else columns <= MAX_EXACT_COLUMNS
    use_lns = exact is None and columns > WHOLE_MILP_COLUMNS
    if use_lns:
        use_exact = False
    target = _target(state, bound)
    method = "matching+repair"
    proven = False
    if _at_bound_fits(state, bound, columns, exact):  # a first repair: M is proven by it in 0.3 s
        Repairer(state, seed, now + FIRST_REPAIR_SHARE * (deadline - now), target).run(order)
        proven = _reaches(state, bound)
        if not proven:
            state, method, proven = _at_bound(state, bound, deadline, seed, method)
    now = time.monotonic()
    share = REPAIR_SHARE if use_exact else REPAIR_SHARE_BEFORE_REGIONS if use_lns else 1.0
    repair_end = now + share * (deadline - now)
    if not proven:  # (when the fill reaches the bound, the repair stops at once)
        Repairer(state, seed, repair_end, target=target).run(order)
        restore_previous(state, finish)
        proven = _reaches(state, bound)

    if use_lns and not proven and deadline - time.monotonic() > LNS_MIN_SECONDS:
        from .lns import improve  # scipy and HiGHS: imported only when used (0.2-0.5 s)

        improve(state, deadline, seed, target)
        method += "+regions"
        proven = _reaches(state, bound)
    remaining = deadline - time.monotonic()
    if use_exact and not proven and remaining > 0.2:
        from .milp import build_estimate, solve_exact
    if use_exact and not proven and remaining > max(0.2, 2 * build_estimate(instance, unit)):
        result = solve_exact(instance, state, remaining, seed)
        if result.state is not None and _rank(result.state) >= _rank(state):
            state = result.state
            method = "milp"
        proven = result.optimal or _reaches(state, bound)

    ceiling = _ceiling(state, bound, finish, unit)  # polishing keeps criteria 1 and 2
    restore_previous(state, finish)
    reduce_gaps(state, finish)
    if proven:
        method += "; optimal"
    if commit is not None:  # the command line's guard stands down: this schedule is written
        commit()
    return _schedule(problem, state, ceiling, method, started)
