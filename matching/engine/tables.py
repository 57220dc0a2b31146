"""Choosing a table for every placed meeting, slot by slot.

The solvers only respect per-slot table counts (see `instance`); this module turns counts into
tables. In each slot, in this order: locked meetings keep their table, home-table meetings take their
home table, meetings placed in their previous slot get back their previous table when that leaves
enough accessible tables for those who need one, then meetings that need an accessible table take
the remaining accessible ones, and the others take what is left, plain tables first.
"""

from __future__ import annotations

from collections import defaultdict, deque

from .instance import ACCESSIBLE, HOME, Instance
from .model import Meeting
from .state import FREE, State


class SeatingError(RuntimeError):
    """The counts allowed a slot that the tables cannot seat: a bug in a solver."""


def _seat_slot(instance: Instance, s: int, requests: list[int]) -> dict[int, int]:
    free = [t for t in range(len(instance.table_ids)) if t not in instance.locked_tables[s]]
    taken: set[int] = set()
    seat: dict[int, int] = {}
    for r in requests:
        if instance.kind[r] == HOME:
            seat[r] = instance.home[r]
            taken.add(instance.home[r])
    accessible_needed = sum(1 for r in requests if instance.kind[r] == ACCESSIBLE)
    accessible_left = sum(1 for t in free if instance.table_accessible[t] and t not in taken)
    for r in requests:
        t = instance.prev_table[r]
        if r in seat or instance.prev_slot[r] != s or t < 0 or t in taken:
            continue
        if t not in free:
            continue
        if instance.table_accessible[t]:
            is_needed = instance.kind[r] == ACCESSIBLE
            if not is_needed and accessible_left <= accessible_needed:
                continue
            accessible_left -= 1
            accessible_needed -= is_needed
        elif instance.kind[r] == ACCESSIBLE:
            continue
        seat[r] = t
        taken.add(t)
    accessible = deque(t for t in free if t not in taken and instance.table_accessible[t])
    plain = deque(t for t in free if t not in taken and not instance.table_accessible[t])
    for r in requests:
        if r not in seat and instance.kind[r] == ACCESSIBLE:
            if not accessible:
                raise SeatingError(f"no accessible table left in slot {instance.slot_ids[s]}")
            seat[r] = accessible.popleft()
    rest = plain + accessible
    for r in requests:
        if r not in seat:
            if not rest:
                raise SeatingError(f"no table left in slot {instance.slot_ids[s]}")
            seat[r] = rest.popleft()
    return seat


def seat(state: State) -> list[Meeting]:
    """All meetings of the schedule, locked ones included, in slot then table order."""
    instance = state.instance
    by_slot: dict[int, list[int]] = defaultdict(list)
    for r, s in enumerate(state.slot_of):
        if s != FREE:
            by_slot[s].append(r)
    placed: list[tuple[int, int, str]] = []
    for s, requests in by_slot.items():
        for r, t in _seat_slot(instance, s, requests).items():
            placed.append((s, t, instance.request_ids[r]))
    slot_index = {slot_id: s for s, slot_id in enumerate(instance.slot_ids)}
    table_index = {table_id: t for t, table_id in enumerate(instance.table_ids)}
    for meeting in instance.problem.locked:
        placed.append((slot_index[meeting.slot], table_index[meeting.table], meeting.request))
    placed.sort()
    return [Meeting(r, instance.slot_ids[s], instance.table_ids[t]) for s, t, r in placed]
