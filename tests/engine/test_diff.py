"""Schedule differences per participant, for notifications."""

from __future__ import annotations

from matching.engine import Change, Meeting, diff, load_problem, request_pairs

from .conftest import problem_doc


def test_diff_added_removed_moved_per_participant():
    problem = load_problem(problem_doc(requests=[("a", "b", 1), ("a", "c", 1), ("b", "c", 1)]))
    before = [Meeting("r1", "s1", "T1"), Meeting("r2", "s2", "T1")]
    after = [Meeting("r1", "s1", "T2"), Meeting("r3", "s3", "T1")]

    changes = diff(before, after, request_pairs(problem))

    moved = Change("moved", "r1", Meeting("r1", "s1", "T1"), Meeting("r1", "s1", "T2"))
    removed = Change("removed", "r2", Meeting("r2", "s2", "T1"), None)
    added = Change("added", "r3", None, Meeting("r3", "s3", "T1"))
    assert changes == {"a": [moved, removed], "b": [moved, added], "c": [removed, added]}


def test_diff_identical_schedules_empty():
    problem = load_problem(problem_doc())
    meetings = [Meeting("r1", "s1", "T1")]

    assert diff(meetings, meetings, request_pairs(problem)) == {}
