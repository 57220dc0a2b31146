"""What changed between two schedules, per participant, to drive notifications."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .model import Meeting, Problem, Schedule

ADDED, REMOVED, MOVED = "added", "removed", "moved"


@dataclass(frozen=True)
class Change:
    kind: str  # "added", "removed" or "moved" (another slot or table)
    request: str
    before: Meeting | None
    after: Meeting | None


def request_pairs(*problems: Problem) -> dict[str, tuple[str, str]]:
    """Request id -> its two participants, over one or more problems (later ones win)."""
    return {r.id: (r.a, r.b) for problem in problems for r in problem.requests}


def _meetings(schedule: Schedule | Iterable[Meeting]) -> dict[str, Meeting]:
    meetings = schedule.meetings if isinstance(schedule, Schedule) else schedule
    return {m.request: m for m in meetings}


def _changes(before: dict[str, Meeting], after: dict[str, Meeting]) -> list[Change]:
    changes = []
    for request_id in sorted(before.keys() | after.keys()):
        old, new = before.get(request_id), after.get(request_id)
        if old is None:
            changes.append(Change(ADDED, request_id, None, new))
        elif new is None:
            changes.append(Change(REMOVED, request_id, old, None))
        elif (old.slot, old.table) != (new.slot, new.table):
            changes.append(Change(MOVED, request_id, old, new))
    return changes


def diff(
    before: Schedule | Iterable[Meeting],
    after: Schedule | Iterable[Meeting],
    pairs: Mapping[str, tuple[str, str]],
) -> dict[str, list[Change]]:
    """Participant id -> the changes to their meetings, for participants with at least one.

    `pairs` maps every request id found in either schedule to its two participants (see
    `request_pairs`); a request missing from it raises `KeyError` naming it.
    """
    by_participant: dict[str, list[Change]] = {}
    for change in _changes(_meetings(before), _meetings(after)):
        if change.request not in pairs:
            raise KeyError(f"request {change.request}: participants unknown")
        for participant_id in pairs[change.request]:
            by_participant.setdefault(participant_id, []).append(change)
    return dict(sorted(by_participant.items()))
