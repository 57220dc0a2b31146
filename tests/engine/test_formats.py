"""Reading problems and schedules: every format error is reported, naming its id."""

from __future__ import annotations

import pytest

from matching.engine import FormatError, dump_problem, dump_schedule, load_problem, load_schedule

from .conftest import problem_doc


def errors_of(doc: object) -> list[str]:
    with pytest.raises(FormatError) as caught:
        load_problem(doc)
    return caught.value.errors


def test_load_problem_valid_round_trips(small_doc):
    problem = load_problem(small_doc)

    again = load_problem(dump_problem(problem))

    assert again == problem


def test_load_problem_unknown_participant_names_request():
    doc = problem_doc(requests=[("a", "b", 3)], participants=[{"id": "a"}])

    assert errors_of(doc) == ["request r1: unknown participant 'b' as b"]


def test_load_problem_duplicate_ids_each_reported():
    doc = problem_doc(participants=[{"id": "a"}, {"id": "a"}, {"id": "b"}])
    doc["tables"].append({"id": "T1"})

    assert errors_of(doc) == ["table T1: duplicate id", "participant a: duplicate id"]


def test_load_problem_self_request_and_duplicate_pair_and_weight_all_reported():
    doc = problem_doc(requests=[("a", "b", 3), ("b", "a", 2), ("a", "a", 1), ("a", "c", 11)])

    assert errors_of(doc) == [
        "request r2: duplicate pair b/a, already request r1",
        "request r3: self-request, a and b are both a",
        "request r4: weight 11 is not an integer from 1 to 10",
    ]


def test_load_problem_weight_boolean_refused():
    doc = problem_doc()
    doc["requests"][0]["weight"] = True

    assert errors_of(doc) == ["request r1: weight True is not an integer from 1 to 10"]


def test_load_problem_slot_errors_reported():
    doc = problem_doc(n_slots=3)
    doc["slots"][0]["start"] = "26/11/2019 14:00"
    doc["slots"][1]["end"] = doc["slots"][1]["start"]
    doc["slots"][2]["start"] = "2019-11-26T14:00:00"

    assert errors_of(doc) == [
        "slot s1 start: bad ISO 8601 datetime '26/11/2019 14:00'",
        "slot s2: end is not after start",
        "slot s3 start: datetime '2019-11-26T14:00:00' has no UTC offset",
    ]


def test_load_problem_overlapping_slots_refused():
    doc = problem_doc(n_slots=2)
    doc["slots"][1]["start"] = "2019-11-26T14:10:00+01:00"

    assert errors_of(doc) == ["slot s2: overlaps or comes before slot s1"]


def test_load_problem_unknown_slot_and_table_references():
    doc = problem_doc(
        participants=[{"id": "a", "unavailable": ["s9"]}, {"id": "b", "home_table": "T9"}]
    )

    assert errors_of(doc) == [
        "participant a: unknown slot 's9' in unavailable",
        "participant b: unknown home_table 'T9'",
    ]


def test_load_problem_wrong_format_value_refused():
    doc = problem_doc()
    doc["format"] = "osez-schedule/2"

    assert errors_of(doc) == ["format: expected 'osez-schedule/1', got 'osez-schedule/2'"]


def test_load_problem_locked_breaking_hard_rules_all_reported():
    doc = problem_doc(
        n_slots=2,
        tables=[{"id": "T1"}, {"id": "T2"}],
        participants=[
            {"id": "a", "unavailable": ["s2"], "max_meetings": 1},
            {"id": "b", "needs_accessible_table": True},
            {"id": "c", "home_table": "T2"},
            {"id": "d"},
        ],
        requests=[("a", "b", 3), ("c", "d", 2), ("a", "d", 1)],
        locked=[
            {"request": "r1", "slot": "s1", "table": "T1"},
            {"request": "r2", "slot": "s1", "table": "T1"},
            {"request": "r3", "slot": "s2", "table": "T2"},
            {"request": "r9", "slot": "s1", "table": "T1"},
        ],
    )

    assert errors_of(doc) == [
        "locked r9: unknown request 'r9'",
        "locked: rule 1: participant a is unavailable in slot s2 (request r3)",
        "locked: rule 2: table T1 holds 2 meetings in slot s1 (requests r1, r2)",
        "locked: rule 3: participant a has 2 meetings, max_meetings 1",
        "locked: rule 4: participant b needs an accessible table, request r1 is at table T1",
        "locked: rule 4: participant c meets at home table T2, request r2 is at table T1",
    ]


def test_load_problem_not_an_object_refused():
    assert errors_of([1, 2]) == ["problem: not a JSON object"]


def test_load_problem_previous_with_vanished_request_accepted():
    doc = problem_doc(previous=[{"request": "gone", "slot": "s1", "table": "T1"}])

    problem = load_problem(doc)

    assert [m.request for m in problem.previous] == ["gone"]


def test_load_schedule_malformed_meeting_refused():
    with pytest.raises(FormatError) as caught:
        load_schedule(
            {"format": "osez-schedule/1", "meetings": [{"request": 1}], "unscheduled": []}
        )

    assert caught.value.errors == ["meetings[0]: request, slot and table must be strings"]


def test_dump_schedule_round_trips(small_doc):
    schedule = load_schedule(
        {
            "format": "osez-schedule/1",
            "meetings": [{"request": "r1", "slot": "s2", "table": "T1"}],
            "unscheduled": ["r2", "r3", "r4"],
        }
    )

    assert load_schedule(dump_schedule(schedule)) == schedule
