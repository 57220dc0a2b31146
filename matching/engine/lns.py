"""Large-neighbourhood search: the exact method on small regions of a schedule.

On a tight day the whole time-indexed programme is too big for HiGHS to even set up within the
limit (M-hard: 66,000 columns, a set-up step that cannot be interrupted runs past 15 s), while a
region of a few thousand columns is solved to optimality in a fraction of a second. A region is a
group of participants grown from one who could gain (unmet, or with an unplaced request), partner
by partner; every meeting of theirs is freed and everything else stays fixed: fixed meetings keep
their participants' slots, a share of their caps and the tables of their slot. HiGHS solves the
region from its current assignment (so it never gets worse) with the same lexicographic objective
as `milp`; the answer is written back. Regions are drawn from the seed, so a run that is not cut
by the clock is reproducible.
"""

from __future__ import annotations

import dataclasses
import random
import time
from collections import deque

from .instance import HOME, Instance, bits
from .milp import solve_exact
from .state import FREE, State

REGION_COLUMNS = 10000  # (request, slot) pairs freed at once
CALL_LIMIT = 2.0  # seconds for one region at most


def _sub_instance(state: State, freed: list[int]) -> Instance:
    """The region as an instance of its own: the freed requests, with the rest of `state` (from
    which they have been removed) counted as locked."""
    inst = state.instance
    n = inst.n_participants
    slots_of = []
    for r in freed:
        a, b = inst.ra[r], inst.rb[r]
        mask = inst.slots_of[r] & state.open[a] & state.open[b]
        if inst.kind[r] == HOME:
            mask &= ~state.home_busy.get(inst.home[r], 0)
        if state.count[a] >= inst.cap[a] or state.count[b] >= inst.cap[b]:
            mask = 0
        slots_of.append(mask)
    requests_of: list[list[int]] = [[] for _ in range(n)]
    for i, r in enumerate(freed):
        requests_of[inst.ra[r]].append(i)
        requests_of[inst.rb[r]].append(i)
    sub = dataclasses.replace(
        inst,
        cap=[inst.cap[p] - state.count[p] for p in range(n)],
        locked_count=[inst.locked_count[p] + state.count[p] for p in range(n)],
        request_ids=[inst.request_ids[r] for r in freed],
        ra=[inst.ra[r] for r in freed],
        rb=[inst.rb[r] for r in freed],
        weight=[inst.weight[r] for r in freed],
        kind=[inst.kind[r] for r in freed],
        home=[inst.home[r] for r in freed],
        uses_accessible=[inst.uses_accessible[r] for r in freed],
        slots_of=slots_of,
        prev_slot=[inst.prev_slot[r] for r in freed],
        prev_table=[inst.prev_table[r] for r in freed],
        table_cap=[inst.table_cap[s] - state.in_slot[s] for s in range(inst.n_slots)],
        accessible_cap=[
            inst.accessible_cap[s] - state.accessible_in_slot[s] for s in range(inst.n_slots)
        ],
        requests_of=requests_of,
        slot_list=[bits(mask) for mask in slots_of],
    )
    return sub


def _region(state: State, seed_request: int, rng: random.Random) -> list[int]:
    """The seed request, then the placed meetings of its participants, of their partners, and so
    on (the meetings an ejection chain would move), then the unplaced requests between the people
    reached, heaviest first: about `REGION_COLUMNS` (request, slot) pairs in all."""
    inst = state.instance
    people = {inst.ra[seed_request], inst.rb[seed_request]}
    queue = deque(sorted(people))
    freed: dict[int, None] = {seed_request: None}
    columns = len(inst.slot_list[seed_request])
    budget = REGION_COLUMNS // 2
    while queue and columns < budget:
        p = queue.popleft()
        meetings = sorted(state.meetings_of[p])
        rng.shuffle(meetings)
        for r in meetings:
            if r in freed:
                continue
            freed[r] = None
            columns += len(inst.slot_list[r])
            q = inst.rb[r] if inst.ra[r] == p else inst.ra[r]
            if q not in people:
                people.add(q)
                queue.append(q)
    unplaced = sorted(
        {
            r
            for p in people
            for r in inst.requests_of[p]
            if state.slot_of[r] == FREE
            and inst.slots_of[r]
            and inst.ra[r] in people
            and inst.rb[r] in people
            and r not in freed
        },
        key=lambda r: (-inst.weight[r], r),
    )
    for r in unplaced:
        if columns >= REGION_COLUMNS:
            break
        freed[r] = None
        columns += len(inst.slot_list[r])
    return list(freed)


def _candidates(state: State) -> list[int]:
    """Unplaced requests that could be placed, heaviest first: where gains may hide."""
    inst = state.instance
    return sorted(
        (r for r in range(inst.n_requests) if state.slot_of[r] == FREE and inst.slots_of[r]),
        key=lambda r: (-inst.weight[r], r),
    )


def improve(state: State, deadline: float, seed: int, target: tuple[int, int]) -> int:
    """Re-optimise regions of `state` until `deadline` or `target` (met, weight); regions tried."""
    rng = random.Random(seed)
    tried = 0
    candidates = _candidates(state)
    while candidates and state.score() < target:
        remaining = deadline - time.monotonic()
        if remaining < 0.3:
            break
        seed_request = candidates[rng.randrange(min(len(candidates), 50))]
        freed = _region(state, seed_request, rng)
        tried += 1
        before = state.score(), state.kept_previous()
        slots = {r: state.slot_of[r] for r in freed}
        for r in freed:
            if slots[r] != FREE:
                state.remove(r)
        sub = _sub_instance(state, freed)
        start = State(sub)
        for i, r in enumerate(freed):
            if slots[r] != FREE:
                start.place(i, slots[r])
        result = solve_exact(sub, start, min(CALL_LIMIT, remaining), seed + tried)
        answer = result.state if result.state is not None else start
        for i, r in enumerate(freed):
            if answer.slot_of[i] != FREE:
                state.place(r, answer.slot_of[i])
        if (state.score(), state.kept_previous()) < before:  # cannot happen; kept safe
            for r in freed:
                if state.slot_of[r] != FREE:
                    state.remove(r)
            for r in freed:
                if slots[r] != FREE:
                    state.place(r, slots[r])
        candidates = _candidates(state)
    return tried
