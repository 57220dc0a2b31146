"""Property tests: random small problems always get valid schedules, and the validator catches
every broken rule of random schedules (compared with a naive restatement of the rules)."""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.engine import Meeting, Problem, Schedule, check, load_problem, solve

from .conftest import problem_doc

SLOTS = ["s1", "s2", "s3"]
TABLES = ["T1", "T2", "T3"]


@st.composite
def problems(draw: st.DrawFn) -> dict[str, Any]:
    n_people = draw(st.integers(2, 6))
    names = [f"p{i}" for i in range(n_people)]
    n_tables = draw(st.integers(1, 3))
    tables = [{"id": t, "accessible": draw(st.booleans())} for t in TABLES[:n_tables]]
    participants = []
    for name in names:
        person: dict[str, Any] = {
            "id": name,
            "unavailable": draw(st.lists(st.sampled_from(SLOTS), unique=True, max_size=2)),
        }
        if draw(st.booleans()):
            person["max_meetings"] = draw(st.integers(0, 3))
        kind = draw(st.sampled_from(["plain", "plain", "accessible", "home"]))
        if kind == "accessible":
            person["needs_accessible_table"] = True
        elif kind == "home":
            home = draw(st.sampled_from(tables))
            person["home_table"] = home["id"]
            person["needs_accessible_table"] = home["accessible"] and draw(st.booleans())
        participants.append(person)
    pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1 :]]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, min_size=1, max_size=8))
    requests = [(a, b, draw(st.integers(1, 10))) for a, b in chosen]
    return problem_doc(n_slots=3, tables=tables, participants=participants, requests=requests)


def naive_valid(problem: Problem, meetings: list[Meeting]) -> bool:
    """Rules 1-4 restated as plainly as possible (the problem has no locked meetings)."""
    people = problem.participant_by_id
    busy = Counter()
    tables = Counter()
    counts = Counter()
    for m in meetings:
        request = problem.request_by_id[m.request]
        tables[m.slot, m.table] += 1
        for pid in (request.a, request.b):
            person = people[pid]
            busy[pid, m.slot] += 1
            counts[pid] += 1
            if m.slot in person.unavailable:
                return False
            if person.needs_accessible_table and not problem.table_by_id[m.table].accessible:
                return False
            if person.home_table is not None and person.home_table != m.table:
                return False
    if any(n > 1 for n in busy.values()) or any(n > 1 for n in tables.values()):
        return False
    return all(
        people[pid].max_meetings is None or n <= people[pid].max_meetings
        for pid, n in counts.items()
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_solve_random_problem_passes_check(doc):
    problem = load_problem(doc)

    schedule = solve(problem, time_limit=5)

    assert check(problem, schedule) == []
    assert schedule.stats.weight <= schedule.stats.weight_upper_bound


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.data())
def test_solve_random_locked_meetings_kept(doc, data):
    problem = load_problem(doc)
    first = solve(problem, time_limit=5)
    locked = (
        data.draw(st.lists(st.sampled_from(first.meetings), unique=True)) if first.meetings else []
    )
    doc = {**doc, "locked": [dataclasses.asdict(m) for m in locked]}
    locked_problem = load_problem(doc)

    schedule = solve(locked_problem, time_limit=5)

    assert check(locked_problem, schedule) == []
    assert set(locked) <= set(schedule.meetings)


@settings(max_examples=150, deadline=None)
@given(problems(), st.data())
def test_check_random_schedule_agrees_with_naive_rules(doc, data):
    problem = load_problem(doc)
    meetings = []
    for request in problem.requests:
        if data.draw(st.booleans()):
            slot = data.draw(st.sampled_from(SLOTS))
            table = data.draw(st.sampled_from([t.id for t in problem.tables]))
            meetings.append(Meeting(request.id, slot, table))
    scheduled = {m.request for m in meetings}
    unscheduled = tuple(r.id for r in problem.requests if r.id not in scheduled)

    violations = check(problem, Schedule(tuple(meetings), unscheduled))

    assert (violations == []) == naive_valid(problem, meetings)
