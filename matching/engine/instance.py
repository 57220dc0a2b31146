"""A problem compiled to integer arrays for the solvers.

Slots, tables, participants and the requests still to place (every request but the locked ones) get
dense indices. Sets of slots are Python ints used as bit masks (bit s = slot s). Locked meetings are
taken out up front: they occupy their participants' slots, their table and part of each cap.

Tables enter the solvers only through per-slot counts. Each meeting may use either one table (the
home table of one of its participants), any accessible table (one of them needs it), or any table.
By Hall's theorem, meetings of a slot can be seated exactly when, in that slot:

- at most one meeting uses each home table, and that table is not taken by a locked meeting;
- meetings that need an accessible table, plus home-table meetings at accessible tables, do not
  outnumber the accessible tables left free by locked meetings;
- all meetings do not outnumber the tables left free by locked meetings.

`tables.seat` then picks the tables, so solvers never search over them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .model import Problem

ANY, ACCESSIBLE, HOME = 0, 1, 2
NO_CAP = 1 << 30


_TABLE_BYTES = 8  # slots 0-63 by table look-up, beyond that bit by bit
_BYTE_BITS = [
    [[8 * k + b for b in range(8) if byte >> b & 1] for byte in range(256)]
    for k in range(_TABLE_BYTES)
]


def bits(mask: int) -> list[int]:
    """The slot indices set in a mask, in increasing order."""
    out: list[int] = []
    for k in range(_TABLE_BYTES):
        if not mask:
            return out
        out += _BYTE_BITS[k][mask & 0xFF]
        mask >>= 8
    offset = 8 * _TABLE_BYTES
    while mask:
        if mask & 1:
            out.append(offset)
        mask >>= 1
        offset += 1
    return out


@dataclass
class Instance:
    problem: Problem
    n_slots: int
    n_participants: int
    slot_ids: list[str]
    table_ids: list[str]
    participant_ids: list[str]
    table_accessible: list[bool]
    # participants: caps and free slots once locked meetings are taken out
    cap: list[int]
    available: list[int]
    free_slots: list[int]
    locked_count: list[int]
    has_request: list[bool]
    # requests still to place
    request_ids: list[str]
    ra: list[int]
    rb: list[int]
    weight: list[int]
    kind: list[int]
    home: list[int]
    uses_accessible: list[bool]
    slots_of: list[int]
    prev_slot: list[int]
    prev_table: list[int]
    # slots: tables left free by locked meetings
    table_cap: list[int]
    accessible_cap: list[int]
    locked_tables: list[set[int]]
    requests_of: list[list[int]] = field(default_factory=list)
    slot_list: list[list[int]] = field(default_factory=list)

    @property
    def n_requests(self) -> int:
        return len(self.request_ids)

    def other(self, r: int, p: int) -> int:
        return self.rb[r] if self.ra[r] == p else self.ra[r]


def compile_problem(problem: Problem) -> Instance:
    """Index a valid problem (as returned by `load_problem`)."""
    slot_index = {slot.id: s for s, slot in enumerate(problem.slots)}
    table_index = {table.id: t for t, table in enumerate(problem.tables)}
    participant_index = {p.id: i for i, p in enumerate(problem.participants)}
    n_slots, n_participants = len(problem.slots), len(problem.participants)
    all_slots = (1 << n_slots) - 1

    free_slots = [all_slots] * n_participants
    cap = [NO_CAP] * n_participants
    for i, participant in enumerate(problem.participants):
        for slot_id in participant.unavailable:
            free_slots[i] &= ~(1 << slot_index[slot_id])
        if participant.max_meetings is not None:
            cap[i] = participant.max_meetings

    available = free_slots[:]
    table_accessible = [table.accessible for table in problem.tables]
    locked_tables: list[set[int]] = [set() for _ in range(n_slots)]
    locked_count = [0] * n_participants
    locked_ids = set()
    for meeting in problem.locked:
        request = problem.request_by_id[meeting.request]
        s = slot_index[meeting.slot]
        locked_ids.add(request.id)
        locked_tables[s].add(table_index[meeting.table])
        for pid in (request.a, request.b):
            i = participant_index[pid]
            free_slots[i] &= ~(1 << s)
            cap[i] -= 1
            locked_count[i] += 1

    n_tables = len(problem.tables)
    n_accessible = sum(table_accessible)
    table_cap = [n_tables - len(locked_tables[s]) for s in range(n_slots)]
    accessible_cap = [
        n_accessible - sum(table_accessible[t] for t in locked_tables[s]) for s in range(n_slots)
    ]
    usable = sum(1 << s for s in range(n_slots) if table_cap[s] > 0)
    usable_accessible = sum(1 << s for s in range(n_slots) if accessible_cap[s] > 0)

    previous = {m.request: m for m in problem.previous}
    has_request = [False] * n_participants
    instance = Instance(
        problem=problem,
        n_slots=n_slots,
        n_participants=n_participants,
        slot_ids=[slot.id for slot in problem.slots],
        table_ids=[table.id for table in problem.tables],
        participant_ids=[p.id for p in problem.participants],
        table_accessible=table_accessible,
        cap=cap,
        available=available,
        free_slots=free_slots,
        locked_count=locked_count,
        has_request=has_request,
        request_ids=[],
        ra=[],
        rb=[],
        weight=[],
        kind=[],
        home=[],
        uses_accessible=[],
        slots_of=[],
        prev_slot=[],
        prev_table=[],
        table_cap=table_cap,
        accessible_cap=accessible_cap,
        locked_tables=locked_tables,
    )
    requests_of: list[list[int]] = [[] for _ in range(n_participants)]
    # per participant: home table index (-1: none) and whether they need an accessible table
    home_of = [
        table_index[p.home_table] if p.home_table is not None else -1 for p in problem.participants
    ]
    needs_of = [p.needs_accessible_table for p in problem.participants]
    home_locked = [0] * len(problem.tables)  # slots in which a locked meeting takes the table
    for s, taken in enumerate(locked_tables):
        for t in taken:
            home_locked[t] |= 1 << s
    request_ids, ras, rbs, weights, kinds, homes = (
        instance.request_ids,
        instance.ra,
        instance.rb,
        instance.weight,
        instance.kind,
        instance.home,
    )
    accessibles, slots_of, prev_slots, prev_tables = (
        instance.uses_accessible,
        instance.slots_of,
        instance.prev_slot,
        instance.prev_table,
    )
    for request in problem.requests:
        a, b = participant_index[request.a], participant_index[request.b]
        has_request[a] = has_request[b] = True
        if locked_ids and request.id in locked_ids:
            continue
        # the table kind: one home table between them (HOME), else accessible or any; -1 if none
        ha, hb = home_of[a], home_of[b]
        needs_accessible = needs_of[a] or needs_of[b]
        if ha >= 0 and hb >= 0 and ha != hb:
            kind, home = -1, -1
        elif ha >= 0 or hb >= 0:
            home = ha if ha >= 0 else hb
            kind = -1 if needs_accessible and not table_accessible[home] else HOME
            if kind < 0:
                home = -1
        else:
            kind, home = (ACCESSIBLE if needs_accessible else ANY), -1
        mask = free_slots[a] & free_slots[b] & usable if kind >= 0 else 0
        if kind == ACCESSIBLE:
            mask &= usable_accessible
        uses_accessible = kind == ACCESSIBLE
        if kind == HOME:
            mask &= ~home_locked[home]
            if table_accessible[home]:
                uses_accessible = True
                mask &= usable_accessible
        if cap[a] <= 0 or cap[b] <= 0:
            mask = 0
        r = len(request_ids)
        request_ids.append(request.id)
        ras.append(a)
        rbs.append(b)
        weights.append(request.weight)
        kinds.append(kind)
        homes.append(home)
        accessibles.append(uses_accessible)
        slots_of.append(mask)
        if previous:
            before = previous.get(request.id)
            known = before is not None and before.slot in slot_index and before.table in table_index
            prev_slots.append(slot_index[before.slot] if known else -1)
            prev_tables.append(table_index[before.table] if known else -1)
        else:
            prev_slots.append(-1)
            prev_tables.append(-1)
        requests_of[a].append(r)
        requests_of[b].append(r)
    instance.requests_of = requests_of
    instance.slot_list = [bits(mask) for mask in instance.slots_of]
    return instance


def column_count(instance: Instance) -> int:
    """(request, slot) pairs: the columns of the time-indexed programme (`milp`)."""
    return sum(len(slots) for slots in instance.slot_list)


def shared_home_requests(instance: Instance) -> dict[int, list[int]]:
    """Requests seated at each home table that more than one participant calls home.

    A table that is one participant's home is kept to one meeting per slot by that participant's
    own one-meeting-per-slot rule; a shared home table needs its own count.
    """
    owners = Counter(p.home_table for p in instance.problem.participants if p.home_table)
    shared = {instance.table_ids.index(t) for t, count in owners.items() if count > 1}
    groups: dict[int, list[int]] = defaultdict(list)
    for r in range(instance.n_requests):
        if instance.kind[r] == HOME and instance.home[r] in shared:
            groups[instance.home[r]].append(r)
    return dict(groups)
