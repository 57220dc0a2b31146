"""A mutable slot assignment with the counters that keep it within the hard rules.

Every solver builds its answer in a `State`: `fits` says whether a request can go to a slot without
breaking rules 1-4 (tables as counts, see `instance`), `place` and `remove` keep the counters true.
"""

from __future__ import annotations

from .instance import HOME, Instance

FREE = -1


class State:
    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        self.slot_of = [FREE] * instance.n_requests
        self.busy = [[FREE] * instance.n_slots for _ in range(instance.n_participants)]
        self.open = list(instance.free_slots)  # per participant: free slots without a meeting
        self.count = [0] * instance.n_participants
        self.meetings_of: list[set[int]] = [set() for _ in range(instance.n_participants)]
        self.in_slot = [0] * instance.n_slots
        self.members: list[set[int]] = [set() for _ in range(instance.n_slots)]
        self.accessible_in_slot = [0] * instance.n_slots
        self.home_busy: dict[int, int] = {}
        self.weight = 0
        self.met = sum(1 for p in range(instance.n_participants) if instance.locked_count[p] > 0)

    def copy(self) -> State:
        other = State.__new__(State)
        other.instance = self.instance
        other.slot_of = self.slot_of[:]
        other.busy = [row[:] for row in self.busy]
        other.open = self.open[:]
        other.count = self.count[:]
        other.meetings_of = [set(m) for m in self.meetings_of]
        other.in_slot = self.in_slot[:]
        other.members = [set(m) for m in self.members]
        other.accessible_in_slot = self.accessible_in_slot[:]
        other.home_busy = dict(self.home_busy)
        other.weight = self.weight
        other.met = self.met
        return other

    def score(self) -> tuple[int, int]:
        """Criteria 1 and 2: participants met (locked meetings included) and weight placed."""
        return self.met, self.weight

    def is_met(self, p: int) -> bool:
        return self.count[p] + self.instance.locked_count[p] > 0

    def table_room(self, r: int, s: int) -> bool:
        """Whether slot s still has a table for request r."""
        inst = self.instance
        if self.in_slot[s] >= inst.table_cap[s]:
            return False
        if inst.uses_accessible[r] and self.accessible_in_slot[s] >= inst.accessible_cap[s]:
            return False
        return not (inst.kind[r] == HOME and (self.home_busy.get(inst.home[r], 0) >> s) & 1)

    def open_slots(self, r: int) -> int:
        """Slots (as a mask) where both participants of r are free and under their cap."""
        inst = self.instance
        a, b = inst.ra[r], inst.rb[r]
        if self.count[a] >= inst.cap[a] or self.count[b] >= inst.cap[b]:
            return 0
        return inst.slots_of[r] & self.open[a] & self.open[b]

    def fits(self, r: int, s: int) -> bool:
        inst = self.instance
        a, b = inst.ra[r], inst.rb[r]
        return (
            (inst.slots_of[r] >> s) & 1 == 1
            and self.busy[a][s] == FREE
            and self.busy[b][s] == FREE
            and self.count[a] < inst.cap[a]
            and self.count[b] < inst.cap[b]
            and self.table_room(r, s)
        )

    def place(self, r: int, s: int) -> None:
        inst = self.instance
        for p in (inst.ra[r], inst.rb[r]):
            if not self.is_met(p):
                self.met += 1
            self.busy[p][s] = r
            self.open[p] &= ~(1 << s)
            self.count[p] += 1
            self.meetings_of[p].add(r)
        self.slot_of[r] = s
        self.members[s].add(r)
        self.in_slot[s] += 1
        if inst.uses_accessible[r]:
            self.accessible_in_slot[s] += 1
        if inst.kind[r] == HOME:
            self.home_busy[inst.home[r]] = self.home_busy.get(inst.home[r], 0) | (1 << s)
        self.weight += inst.weight[r]

    def remove(self, r: int) -> int:
        """Take request r out of its slot; return that slot."""
        inst = self.instance
        s = self.slot_of[r]
        for p in (inst.ra[r], inst.rb[r]):
            self.busy[p][s] = FREE
            self.open[p] |= 1 << s
            self.count[p] -= 1
            self.meetings_of[p].discard(r)
            if not self.is_met(p):
                self.met -= 1
        self.slot_of[r] = FREE
        self.members[s].discard(r)
        self.in_slot[s] -= 1
        if inst.uses_accessible[r]:
            self.accessible_in_slot[s] -= 1
        if inst.kind[r] == HOME:
            self.home_busy[inst.home[r]] &= ~(1 << s)
        self.weight -= inst.weight[r]
        return s

    def placed(self) -> list[int]:
        return [r for r, s in enumerate(self.slot_of) if s != FREE]

    def kept_previous(self) -> int:
        """Requests placed in their previous slot (tables are chosen later, by `tables.seat`)."""
        prev = self.instance.prev_slot
        return sum(1 for r, s in enumerate(self.slot_of) if s != FREE and s == prev[r])
