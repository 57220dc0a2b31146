"""Building a schedule slot by slot, each slot a maximum-priority matching.

For each slot in turn, the requests that still fit there form a graph on the participants; a
maximum-priority matching of it, with no more meetings than free tables, is placed. The matching is
a min-cost flow (OR-Tools) on the buyer/structure bipartition found by two-colouring the requests;
the few requests whose two participants land on the same side are placed greedily afterwards.

A request's priority is its weight, raised when the relaxation behind the bound chose it, when this
slot is one of its last chances, and when one of its participants risks leaving with no meeting.
"""

from __future__ import annotations

from collections import deque

import numpy as np
from ortools.graph.python import min_cost_flow

from .instance import Instance, bits
from .state import FREE, State

SCALE = 1000
LAST_CHANCES = 2


def two_colouring(instance: Instance) -> list[int]:
    """A side (0 or 1) per participant such that most requests join the two sides."""
    side = [-1] * instance.n_participants
    for root in range(instance.n_participants):
        if side[root] != -1:
            continue
        side[root] = 0
        queue = deque([root])
        while queue:
            p = queue.popleft()
            for r in instance.requests_of[p]:
                q = instance.other(r, p)
                if side[q] == -1:
                    side[q] = 1 - side[p]
                    queue.append(q)
    return side


def requests_by_slot(instance: Instance) -> list[list[int]]:
    by_slot: list[list[int]] = [[] for _ in range(instance.n_slots)]
    for r in range(instance.n_requests):
        for s in bits(instance.slots_of[r]):
            by_slot[s].append(r)
    return by_slot


class Constructor:
    def __init__(self, instance: Instance, hint: np.ndarray | None) -> None:
        self.instance = instance
        self.side = two_colouring(instance)
        self.by_slot = requests_by_slot(instance)
        self.hint = hint if hint is not None else np.zeros(instance.n_requests)

    def _candidates(self, state: State, s: int) -> list[int]:
        inst = self.instance
        busy, count, cap, ra, rb = state.busy, state.count, inst.cap, inst.ra, inst.rb
        slot_of = state.slot_of
        return [
            r
            for r in self.by_slot[s]
            if slot_of[r] == FREE
            and busy[ra[r]][s] == FREE
            and busy[rb[r]][s] == FREE
            and count[ra[r]] < cap[ra[r]]
            and count[rb[r]] < cap[rb[r]]
        ]

    def _chances_left(self, state: State, p: int, s: int) -> int:
        """Later slots in which participant p could still meet someone, roughly."""
        reach = 0
        for r in self.instance.requests_of[p]:
            if state.slot_of[r] == FREE:
                reach |= self.instance.slots_of[r]
        return (reach >> (s + 1)).bit_count()

    def priority(self, state: State, r: int, s: int) -> int:
        inst = self.instance
        value = inst.weight[r] * SCALE
        value += int(inst.weight[r] * SCALE * self.hint[r])
        if (inst.slots_of[r] >> (s + 1)).bit_count() < LAST_CHANCES:
            value += inst.weight[r] * SCALE // 2
        for p in (inst.ra[r], inst.rb[r]):
            if not state.is_met(p) and self._chances_left(state, p, s) < LAST_CHANCES:
                value += 100 * SCALE
        return value

    def _matching(self, state: State, s: int, candidates: list[int], room: int) -> list[int]:
        inst = self.instance
        node: dict[int, int] = {}
        left, right = [], []
        for r in candidates:
            a, b = inst.ra[r], inst.rb[r]
            if self.side[a] == 1:
                a, b = b, a
            left.append(node.setdefault(a, len(node) + 2))
            right.append(node.setdefault(b, len(node) + 2))
        cost = [-self.priority(state, r, s) for r in candidates]
        people = list(node.items())
        flow = min_cost_flow.SimpleMinCostFlow()
        starts = [0] + [0 if self.side[p] == 0 else n for p, n in people] + left
        ends = [1] + [n if self.side[p] == 0 else 1 for p, n in people] + right
        capacities = [room] + [1] * (len(people) + len(candidates))
        costs = [0] * (1 + len(people)) + cost
        arcs = flow.add_arcs_with_capacity_and_unit_cost(
            np.array(starts), np.array(ends), np.array(capacities), np.array(costs)
        )
        flow.set_nodes_supplies(np.array([0, 1]), np.array([room, -room]))
        if flow.solve() != flow.OPTIMAL:
            return []
        used = flow.flows(arcs)[1 + len(people) :]
        chosen = [(c, r) for r, c, f in zip(candidates, cost, used, strict=True) if f > 0]
        return [r for _, r in sorted(chosen)]

    def fill_slot(self, state: State, s: int) -> None:
        room = self.instance.table_cap[s] - state.in_slot[s]
        candidates = self._candidates(state, s)
        if room <= 0 or not candidates:
            return
        side = self.side
        inst = self.instance
        split = [r for r in candidates if side[inst.ra[r]] != side[inst.rb[r]]]
        odd = [r for r in candidates if side[inst.ra[r]] == side[inst.rb[r]]]
        for r in self._matching(state, s, split, room) if split else []:
            if state.fits(r, s):
                state.place(r, s)
        for r in sorted(odd, key=lambda r: -self.priority(state, r, s)):
            if state.fits(r, s):
                state.place(r, s)

    def build(self, state: State, slots: list[int] | None = None) -> State:
        for s in slots if slots is not None else range(self.instance.n_slots):
            self.fill_slot(state, s)
        return state
