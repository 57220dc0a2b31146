"""Local improvement of a slot assignment: insertion and ejection chains.

For an unplaced request and a slot it could take, the meetings in the way (its participants'
meetings in that slot, a meeting of a participant at their cap, a meeting holding the last table)
are taken out, the request goes in, and each meeting taken out tries to find another slot, itself
ejecting what is in its way up to a small depth. The move is kept only if it improves (participants
met, weight) lexicographically; otherwise every step is undone. Moves are tried in a fixed order
drawn from the seed, so a run is reproducible.
"""

from __future__ import annotations

import random
import time

from .instance import HOME, Instance
from .state import FREE, State

MAX_DEPTH = 3


class Repairer:
    def __init__(
        self,
        state: State,
        seed: int,
        deadline: float,
        target: tuple[int, int] | None = None,
    ) -> None:
        self.state = state
        self.target = target
        self.instance: Instance = state.instance
        self.rng = random.Random(seed)
        self.deadline = deadline
        self.journal: list[tuple[str, int, int]] = []

    # -- journalled changes -------------------------------------------------------------
    def _place(self, r: int, s: int) -> None:
        self.state.place(r, s)
        self.journal.append(("place", r, s))

    def _remove(self, r: int) -> None:
        s = self.state.remove(r)
        self.journal.append(("remove", r, s))

    def _undo(self, mark: int) -> None:
        while len(self.journal) > mark:
            action, r, s = self.journal.pop()
            if action == "place":
                self.state.remove(r)
            else:
                self.state.place(r, s)

    # -- finding what is in the way ----------------------------------------------------
    def _lightest(self, requests: list[int] | set[int], keep: set[int]) -> int:
        """The lightest meeting among requests not in `keep`, or FREE if none; between equals,
        one that is not in its previous slot."""
        weight, previous, slot_of = (
            self.instance.weight,
            self.instance.prev_slot,
            self.state.slot_of,
        )
        best, best_key = FREE, (1 << 30, 1)
        for r in requests:
            key = (weight[r], 1 if slot_of[r] == previous[r] else 0)
            if r not in keep and key < best_key:
                best, best_key = r, key
        return best

    def _clear_way(self, r: int, s: int, keep: set[int]) -> list[int] | None:
        """Remove what stops r from going to slot s; the removed requests, or None if stuck."""
        state, inst = self.state, self.instance
        removed: list[int] = []
        for p in (inst.ra[r], inst.rb[r]):
            blocker = state.busy[p][s]
            if blocker != FREE:
                if blocker in keep:
                    return None
                self._remove(blocker)
                removed.append(blocker)
        for p in (inst.ra[r], inst.rb[r]):
            if state.count[p] >= inst.cap[p]:
                victim = self._lightest(state.meetings_of[p], keep)
                if victim == FREE:
                    return None
                self._remove(victim)
                removed.append(victim)
        if not state.table_room(r, s):
            members = state.members[s]
            if inst.kind[r] == HOME:
                pool = [q for q in members if inst.kind[q] == HOME and inst.home[q] == inst.home[r]]
            elif state.in_slot[s] >= inst.table_cap[s]:
                pool = list(members)
            else:
                pool = [q for q in members if inst.uses_accessible[q]]
            victim = self._lightest(pool, keep)
            if victim == FREE:
                return None
            self._remove(victim)
            removed.append(victim)
        return removed if state.fits(r, s) else None

    # -- moves ------------------------------------------------------------------------
    def _place_directly(self, r: int) -> bool:
        """Place r where it fits as things are: its previous slot if possible, else the first."""
        state = self.state
        mask = state.open_slots(r)
        previous = self.instance.prev_slot[r]
        if previous >= 0 and (mask >> previous) & 1 and state.table_room(r, previous):
            self._place(r, previous)
            return True
        while mask:
            low = mask & -mask
            s = low.bit_length() - 1
            if state.table_room(r, s):
                self._place(r, s)
                return True
            mask ^= low
        return False

    def _insert_anywhere(self, r: int, depth: int, keep: set[int]) -> bool:
        """Place r in some slot, ejecting and re-placing others up to `depth` levels."""
        if self._place_directly(r):
            return True
        if depth == 0:
            return False
        slots = self.instance.slot_list[r][:]
        self.rng.shuffle(slots)
        return any(self._eject_into(r, s, depth, keep) for s in slots)

    def _eject_into(self, r: int, s: int, depth: int, keep: set[int]) -> bool:
        """Put r in slot s, re-placing what it ejects; keep the change only if nothing is lost."""
        mark_len = len(self.journal)
        before = self.state.score()
        removed = self._clear_way(r, s, keep)
        if removed is None:
            self._undo(mark_len)
            return False
        self._place(r, s)
        keep = keep | {r}
        for q in removed:
            self._insert_anywhere(q, depth - 1, keep)
        if self.state.score() >= before:
            return True
        self._undo(mark_len)
        return False

    def try_request(self, r: int, depth: int) -> bool:
        """Try to place an unplaced request so that the score strictly improves."""
        mark = len(self.journal)
        before = self.state.score()
        if self._place_directly(r):
            return True
        slots = self.instance.slot_list[r][:]
        self.rng.shuffle(slots)
        for s in slots:
            if time.monotonic() > self.deadline:
                break
            if depth == 1 and self._hopeless(r, s):
                continue
            removed = self._clear_way(r, s, {r})
            if removed is None:
                self._undo(mark)
                continue
            self._place(r, s)
            for q in removed:
                self._insert_anywhere(q, depth - 1, {r})
            if self.state.score() > before:
                self.journal.clear()
                return True
            self._undo(mark)
        return False

    def _hopeless(self, r: int, s: int) -> bool:
        """Whether a one-level ejection into slot s surely loses at least as much weight as r
        brings, without changing who is met; judged without touching the state."""
        state, inst = self.state, self.instance
        a, b = inst.ra[r], inst.rb[r]
        if not (state.is_met(a) and state.is_met(b)):
            return False
        lost = 0
        for p in (a, b):
            q = state.busy[p][s]
            if q == FREE:
                continue
            if not self._could_move(q, s):
                lost += inst.weight[q]
        return lost >= inst.weight[r]

    def _could_move(self, q: int, s: int) -> bool:
        """Whether placed request q has another slot with both participants free and a table."""
        state, inst = self.state, self.instance
        mask = inst.slots_of[q] & state.open[inst.ra[q]] & state.open[inst.rb[q]] & ~(1 << s)
        while mask:
            low = mask & -mask
            if state.table_room(q, low.bit_length() - 1):
                return True
            mask ^= low
        return False

    def _worth_trying(self, r: int) -> bool:
        """Cheap test: could placing r improve the score at all?"""
        state, inst = self.state, self.instance
        if not inst.slots_of[r]:
            return False
        helps_met = not state.is_met(inst.ra[r]) or not state.is_met(inst.rb[r])
        if helps_met:
            return True
        for p in (inst.ra[r], inst.rb[r]):
            if state.count[p] >= inst.cap[p]:
                lightest = min((inst.weight[q] for q in state.meetings_of[p]), default=0)
                if lightest >= inst.weight[r]:
                    return False
        return True

    def done(self) -> bool:
        """Whether the state reached the target score (a proven bound)."""
        return self.target is not None and self.state.score() >= self.target

    def sweep(self, order: list[int], depth: int) -> bool:
        """One pass over the unplaced requests; whether anything improved."""
        improved = False
        for r in order:
            if time.monotonic() > self.deadline or self.done():
                return improved
            if self.state.slot_of[r] == FREE and self._worth_trying(r):
                improved |= self.try_request(r, depth)
                self.journal.clear()
        return improved

    def run(self, order: list[int] | None = None, max_passes: int = 3) -> State:
        """Shallow sweeps until they stop paying, then deeper ones, within the deadline."""
        order = order if order is not None else list(range(self.instance.n_requests))
        for depth in range(1, MAX_DEPTH + 1):
            for _ in range(max_passes):
                if not self.sweep(order, depth) or time.monotonic() > self.deadline:
                    break
            if self.done():
                break
        return self.state
