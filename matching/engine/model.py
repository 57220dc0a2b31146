"""Plain, immutable data for the meeting-schedule format `osez-schedule/1`.

These classes carry no behaviour beyond convenient look-ups; parsing lives in `formats`, the hard
rules in `check`, and the solvers in their own modules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

FORMAT = "osez-schedule/1"


@dataclass(frozen=True)
class Slot:
    id: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Table:
    id: str
    accessible: bool = False


@dataclass(frozen=True)
class Participant:
    id: str
    unavailable: frozenset[str] = frozenset()
    max_meetings: int | None = None
    needs_accessible_table: bool = False
    home_table: str | None = None


@dataclass(frozen=True)
class Request:
    id: str
    a: str
    b: str
    weight: int


@dataclass(frozen=True)
class Meeting:
    request: str
    slot: str
    table: str


@dataclass(frozen=True)
class Problem:
    slots: tuple[Slot, ...]
    tables: tuple[Table, ...]
    participants: tuple[Participant, ...]
    requests: tuple[Request, ...]
    locked: tuple[Meeting, ...] = ()
    previous: tuple[Meeting, ...] = ()

    @cached_property
    def slot_by_id(self) -> dict[str, Slot]:
        return {slot.id: slot for slot in self.slots}

    @cached_property
    def table_by_id(self) -> dict[str, Table]:
        return {table.id: table for table in self.tables}

    @cached_property
    def participant_by_id(self) -> dict[str, Participant]:
        return {participant.id: participant for participant in self.participants}

    @cached_property
    def request_by_id(self) -> dict[str, Request]:
        return {request.id: request for request in self.requests}


@dataclass(frozen=True)
class Stats:
    method: str
    seconds: float
    weight: int
    weight_upper_bound: int
    participants_met: int
    participants_with_requests: int
    moved: int


@dataclass(frozen=True)
class Schedule:
    meetings: tuple[Meeting, ...]
    unscheduled: tuple[str, ...]
    stats: Stats | None = None
    format: str = FORMAT
