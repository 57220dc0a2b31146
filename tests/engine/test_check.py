"""The validator: each hard rule and each format-level issue is caught, naming the ids."""

from __future__ import annotations

from matching.engine import Meeting, Schedule, check, load_problem

from .conftest import problem_doc


def schedule(meetings: list[tuple[str, str, str]], unscheduled: list[str]) -> Schedule:
    return Schedule(tuple(Meeting(*m) for m in meetings), tuple(unscheduled))


def test_check_valid_schedule_is_empty(small_doc):
    problem = load_problem(small_doc)
    valid = schedule([("r1", "s2", "T2"), ("r4", "s1", "T1")], ["r2", "r3"])

    assert check(problem, valid) == []


def test_check_request_missing_and_listed_twice():
    problem = load_problem(problem_doc(requests=[("a", "b", 1), ("a", "c", 1)]))

    violations = check(problem, schedule([("r1", "s1", "T1")], ["r1"]))

    assert violations == [
        "request r1: listed 2 times",
        "request r2: neither in meetings nor in unscheduled",
    ]


def test_check_unknown_ids_reported():
    problem = load_problem(problem_doc())

    violations = check(problem, schedule([("r1", "s7", "T7"), ("r8", "s1", "T1")], ["r9"]))

    assert violations == [
        "meeting r1: unknown slot 's7'",
        "meeting r1: unknown table 'T7'",
        "meeting r8: unknown request",
        "unscheduled r9: unknown request",
    ]


def test_check_wrong_format_reported():
    problem = load_problem(problem_doc())
    wrong = Schedule((), ("r1",), format="osez/0")

    assert check(problem, wrong) == ["format: expected 'osez-schedule/1', got 'osez/0'"]


def test_check_rule_1_two_meetings_in_a_slot():
    problem = load_problem(problem_doc(requests=[("a", "b", 1), ("a", "c", 1)]))

    violations = check(problem, schedule([("r1", "s1", "T1"), ("r2", "s1", "T2")], []))

    assert violations == ["rule 1: participant a has 2 meetings in slot s1 (requests r1, r2)"]


def test_check_rule_1_unavailable_slot():
    problem = load_problem(
        problem_doc(participants=[{"id": "a", "unavailable": ["s2"]}, {"id": "b"}])
    )

    violations = check(problem, schedule([("r1", "s2", "T1")], []))

    assert violations == ["rule 1: participant a is unavailable in slot s2 (request r1)"]


def test_check_rule_2_table_shared():
    problem = load_problem(problem_doc(requests=[("a", "b", 1), ("c", "d", 1)]))

    violations = check(problem, schedule([("r1", "s1", "T1"), ("r2", "s1", "T1")], []))

    assert violations == ["rule 2: table T1 holds 2 meetings in slot s1 (requests r1, r2)"]


def test_check_rule_3_max_meetings():
    doc = problem_doc(
        participants=[{"id": "a", "max_meetings": 1}, {"id": "b"}, {"id": "c"}],
        requests=[("a", "b", 1), ("a", "c", 1)],
    )

    violations = check(load_problem(doc), schedule([("r1", "s1", "T1"), ("r2", "s2", "T1")], []))

    assert violations == ["rule 3: participant a has 2 meetings, max_meetings 1"]


def test_check_rule_4_accessible_and_home_table():
    doc = problem_doc(
        tables=[{"id": "T1", "accessible": True}, {"id": "T2"}],
        participants=[{"id": "a", "needs_accessible_table": True}, {"id": "b", "home_table": "T1"}],
    )

    violations = check(load_problem(doc), schedule([("r1", "s1", "T2")], []))

    assert violations == [
        "rule 4: participant a needs an accessible table, request r1 is at table T2",
        "rule 4: participant b meets at home table T1, request r1 is at table T2",
    ]


def test_check_rule_5_locked_moved():
    doc = problem_doc(locked=[{"request": "r1", "slot": "s1", "table": "T1"}])

    violations = check(load_problem(doc), schedule([("r1", "s2", "T1")], []))

    assert violations == ["rule 5: locked request r1 is not at slot s1, table T1"]
