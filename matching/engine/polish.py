"""Criteria 3 and 4 once criteria 1 and 2 are settled: moves that change neither who is met nor
the weight.

- `start_from_previous` seeds a re-run with the published meetings that still fit, heaviest first.
- `restore_previous` moves meetings back to their previous slot, pushing a meeting that is in the
  way to another slot when that one was not in its own previous slot.
- `reduce_gaps` moves meetings (never locked ones, never ones back in their previous slot) to slots
  that shorten idle gaps. An idle gap is a slot between a participant's first and last meeting in
  which they are available and have no meeting; slots they are unavailable in are not idle.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from .state import FREE, State


def start_from_previous(state: State, wanted: Sequence[float]) -> None:
    """Place the previous meetings the relaxation wants (`wanted[r]` > 1/2) back in their slot.

    Previous meetings the relaxation drops (a heavier request took their place) are left out so
    they do not block it; `restore_previous` puts them back later if they still fit.
    """
    inst = state.instance
    previous = [r for r in range(inst.n_requests) if inst.prev_slot[r] >= 0 and wanted[r] > 0.5]
    for r in sorted(previous, key=lambda r: (-inst.weight[r], r)):
        s = inst.prev_slot[r]
        if (inst.slots_of[r] >> s) & 1 and state.fits(r, s):
            state.place(r, s)


def _kept(state: State, r: int) -> bool:
    return state.slot_of[r] != FREE and state.slot_of[r] == state.instance.prev_slot[r]


def _move_away(state: State, q: int, s: int) -> int:
    """Move placed request q from slot s to another slot where it fits; the new slot or FREE."""
    state.remove(q)
    for other in state.instance.slot_list[q]:
        if other != s and state.fits(q, other):
            state.place(q, other)
            return other
    state.place(q, s)
    return FREE


def _restore_one(state: State, r: int) -> bool:
    """Move r back to its previous slot, pushing non-kept blockers elsewhere; all or nothing."""
    inst = state.instance
    target, current = inst.prev_slot[r], state.slot_of[r]
    state.remove(r)
    if state.fits(r, target):
        state.place(r, target)
        return True
    blockers = {state.busy[p][target] for p in (inst.ra[r], inst.rb[r])} - {FREE}
    moved: list[int] = []
    if blockers and not any(_kept(state, q) for q in blockers):
        for q in sorted(blockers):
            if _move_away(state, q, target) != FREE:
                moved.append(q)
        if state.fits(r, target):
            state.place(r, target)
            return True
    for q in moved:
        state.remove(q)
        state.place(q, target)
    state.place(r, current)
    return False


def restore_previous(state: State, deadline: float) -> None:
    inst = state.instance
    for r in range(inst.n_requests):
        if time.monotonic() > deadline:
            return
        target = inst.prev_slot[r]
        if target < 0 or state.slot_of[r] in (FREE, target) or not (inst.slots_of[r] >> target) & 1:
            continue
        _restore_one(state, r)


def idle_gaps(state: State, p: int) -> int:
    available = state.instance.available[p]
    meetings = available & ~state.open[p]
    if not meetings:
        return 0
    first = meetings & -meetings
    span = (1 << meetings.bit_length()) - first
    return (available & span & ~meetings).bit_count()


def total_idle_gaps(state: State) -> int:
    return sum(idle_gaps(state, p) for p in range(state.instance.n_participants))


def _gaps_of(state: State, r: int) -> int:
    inst = state.instance
    return idle_gaps(state, inst.ra[r]) + idle_gaps(state, inst.rb[r])


def _better_slot(state: State, r: int) -> None:
    """Move placed request r to the slot that most reduces its participants' idle gaps."""
    current = state.slot_of[r]
    best_slot, best_gaps = current, _gaps_of(state, r)
    state.remove(r)
    for s in state.instance.slot_list[r]:
        if s != current and state.fits(r, s):
            state.place(r, s)
            gaps = _gaps_of(state, r)
            state.remove(r)
            if gaps < best_gaps:
                best_slot, best_gaps = s, gaps
    state.place(r, best_slot)


def reduce_gaps(state: State, deadline: float, passes: int = 2) -> None:
    inst = state.instance
    for _ in range(passes):
        before = total_idle_gaps(state)
        for r in range(inst.n_requests):
            if time.monotonic() > deadline:
                return
            if state.slot_of[r] != FREE and not _kept(state, r) and _gaps_of(state, r) > 0:
                _better_slot(state, r)
        if total_idle_gaps(state) >= before:
            return
