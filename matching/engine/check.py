"""The validator: every way a schedule can break the format or a hard rule.

Written apart from the solvers and sharing no code with them, so that it can judge their results.
Each hard rule of `schedule-format.md` has one function here; `formats.load_problem` reuses rules
1-4 to refuse locked meetings that break them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator

from .model import FORMAT, Meeting, Problem, Schedule


def _participants(problem: Problem, meeting: Meeting) -> tuple[str, str]:
    request = problem.request_by_id[meeting.request]
    return request.a, request.b


def rule_1_one_meeting_per_slot(problem: Problem, meetings: Iterable[Meeting]) -> Iterator[str]:
    """A participant has at most one meeting per slot, and none in a slot they are unavailable in."""
    by_participant_slot: dict[tuple[str, str], list[str]] = defaultdict(list)
    for meeting in meetings:
        for participant_id in _participants(problem, meeting):
            by_participant_slot[participant_id, meeting.slot].append(meeting.request)
            if meeting.slot in problem.participant_by_id[participant_id].unavailable:
                yield (
                    f"rule 1: participant {participant_id} is unavailable in slot {meeting.slot} "
                    f"(request {meeting.request})"
                )
    for (participant_id, slot_id), request_ids in by_participant_slot.items():
        if len(request_ids) > 1:
            yield (
                f"rule 1: participant {participant_id} has {len(request_ids)} meetings in slot "
                f"{slot_id} (requests {', '.join(request_ids)})"
            )


def rule_2_one_meeting_per_table(problem: Problem, meetings: Iterable[Meeting]) -> Iterator[str]:
    """A table holds at most one meeting per slot."""
    by_table_slot: dict[tuple[str, str], list[str]] = defaultdict(list)
    for meeting in meetings:
        by_table_slot[meeting.table, meeting.slot].append(meeting.request)
    for (table_id, slot_id), request_ids in by_table_slot.items():
        if len(request_ids) > 1:
            yield (
                f"rule 2: table {table_id} holds {len(request_ids)} meetings in slot {slot_id} "
                f"(requests {', '.join(request_ids)})"
            )


def rule_3_max_meetings(problem: Problem, meetings: Iterable[Meeting]) -> Iterator[str]:
    """A participant has at most `max_meetings` meetings."""
    counts = Counter(pid for meeting in meetings for pid in _participants(problem, meeting))
    for participant_id, count in counts.items():
        cap = problem.participant_by_id[participant_id].max_meetings
        if cap is not None and count > cap:
            yield f"rule 3: participant {participant_id} has {count} meetings, max_meetings {cap}"


def rule_4_table_fits(problem: Problem, meetings: Iterable[Meeting]) -> Iterator[str]:
    """Accessible tables for those who need one; a participant's home table if they have one."""
    for meeting in meetings:
        accessible = problem.table_by_id[meeting.table].accessible
        for participant_id in _participants(problem, meeting):
            participant = problem.participant_by_id[participant_id]
            if participant.needs_accessible_table and not accessible:
                yield (
                    f"rule 4: participant {participant_id} needs an accessible table, "
                    f"request {meeting.request} is at table {meeting.table}"
                )
            if participant.home_table is not None and participant.home_table != meeting.table:
                yield (
                    f"rule 4: participant {participant_id} meets at home table "
                    f"{participant.home_table}, request {meeting.request} is at table "
                    f"{meeting.table}"
                )


def rule_5_locked_kept(problem: Problem, meetings: Iterable[Meeting]) -> Iterator[str]:
    """Every locked meeting is in the schedule, at its slot and table."""
    placed = {(m.request, m.slot, m.table) for m in meetings}
    for locked in problem.locked:
        if (locked.request, locked.slot, locked.table) not in placed:
            yield (
                f"rule 5: locked request {locked.request} is not at slot {locked.slot}, "
                f"table {locked.table}"
            )


def hard_rule_violations(problem: Problem, meetings: Iterable[Meeting]) -> list[str]:
    """Rules 1-4 for meetings whose request, slot and table ids are all known."""
    meetings = list(meetings)
    return [
        *rule_1_one_meeting_per_slot(problem, meetings),
        *rule_2_one_meeting_per_table(problem, meetings),
        *rule_3_max_meetings(problem, meetings),
        *rule_4_table_fits(problem, meetings),
    ]


def _unknown_ids(problem: Problem, schedule: Schedule) -> Iterator[str]:
    for meeting in schedule.meetings:
        if meeting.request not in problem.request_by_id:
            yield f"meeting {meeting.request}: unknown request"
        if meeting.slot not in problem.slot_by_id:
            yield f"meeting {meeting.request}: unknown slot {meeting.slot!r}"
        if meeting.table not in problem.table_by_id:
            yield f"meeting {meeting.request}: unknown table {meeting.table!r}"
    for request_id in schedule.unscheduled:
        if request_id not in problem.request_by_id:
            yield f"unscheduled {request_id}: unknown request"


def _each_request_once(problem: Problem, schedule: Schedule) -> Iterator[str]:
    listed = Counter([m.request for m in schedule.meetings] + list(schedule.unscheduled))
    for request in problem.requests:
        count = listed[request.id]
        if count == 0:
            yield f"request {request.id}: neither in meetings nor in unscheduled"
        elif count > 1:
            yield f"request {request.id}: listed {count} times"


def check(problem: Problem, schedule: Schedule) -> list[str]:
    """Every violation of the format and of hard rules 1-5, one readable line each; [] if valid."""
    violations: list[str] = []
    if schedule.format != FORMAT:
        violations.append(f"format: expected {FORMAT!r}, got {schedule.format!r}")
    violations.extend(_unknown_ids(problem, schedule))
    violations.extend(_each_request_once(problem, schedule))
    known = [
        m
        for m in schedule.meetings
        if m.request in problem.request_by_id
        and m.slot in problem.slot_by_id
        and m.table in problem.table_by_id
    ]
    violations.extend(hard_rule_violations(problem, known))
    violations.extend(rule_5_locked_kept(problem, schedule.meetings))
    return violations
