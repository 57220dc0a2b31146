"""Workshops: placement and seating are valid, wishes served, co-wishes kept apart."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from matching.engine import FormatError, workshops

ROOT = Path(__file__).resolve().parents[2]


def workshop_doc(**changes: Any) -> dict[str, Any]:
    doc = {
        "format": "osez-workshops/1",
        "blocks": ["am1", "am2", "pm1"],
        "rooms": [{"id": "A", "capacity": 30}, {"id": "B", "capacity": 12}],
        "workshops": [
            {"id": "clauses", "capacity": 25},
            {"id": "siae", "capacity": 10},
            {"id": "allotir", "capacity": 20, "duration": 2},
            {"id": "achats", "capacity": 15},
        ],
        "people": [
            {"id": "p1", "wishes": ["clauses", "siae"], "wants": 2},
            {"id": "p2", "wishes": ["clauses", "siae"], "wants": 2},
            {"id": "p3", "wishes": ["allotir", "achats"]},
            {"id": "p4", "wishes": ["siae"]},
        ],
        "fixed": [{"workshop": "achats", "room": "B", "block": "pm1"}],
    }
    doc.update(changes)
    return doc


def random_doc(seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    ids = [f"w{i}" for i in range(8)]
    people = []
    for i in range(120):
        wishes = rng.sample(ids, rng.randint(1, 4))
        people.append({"id": f"p{i}", "wishes": wishes, "wants": rng.choice([1, 1, 2])})
    return workshop_doc(
        blocks=["b1", "b2", "b3"],
        rooms=[
            {"id": "A", "capacity": 40},
            {"id": "B", "capacity": 20},
            {"id": "C", "capacity": 10},
        ],
        workshops=[{"id": w, "capacity": rng.choice([10, 20, 30])} for w in ids],
        people=people,
        fixed=[],
    )


def test_workshops_solve_small_serves_everyone_and_keeps_pairs_apart():
    problem = workshops.load_problem(workshop_doc())

    plan = workshops.solve(problem)

    assert workshops.check(problem, plan) == []
    assert plan.stats.people_served == 4
    assert plan.stats.first_wishes == 4
    assert plan.stats.co_wish_pairs_apart == plan.stats.co_wish_pairs == 2
    assert workshops.Placement("achats", "B", "pm1") in plan.placements


@pytest.mark.parametrize("seed", range(3))
def test_workshops_solve_random_passes_check(seed):
    problem = workshops.load_problem(random_doc(seed))

    plan = workshops.solve(problem, time_limit=5)

    assert workshops.check(problem, plan) == []
    assert plan.stats.people_served == plan.stats.people_with_wishes


def test_workshops_load_errors_name_ids():
    doc = workshop_doc(
        people=[{"id": "p1", "wishes": ["nope"], "wants": 0}],
        fixed=[
            {"workshop": "allotir", "room": "A", "block": "pm1"},
            {"workshop": "clauses", "room": "B", "block": "pm1"},
            {"workshop": "achats", "room": "B", "block": "pm1"},
        ],
    )

    with pytest.raises(FormatError) as caught:
        workshops.load_problem(doc)

    assert caught.value.errors == [
        "person p1: unknown workshop 'nope' in wishes",
        "person p1: wants 0 is not an integer from 1 to 1,000,000,000",
    ]


def test_workshops_fixed_clash_refused():
    doc = workshop_doc(
        fixed=[
            {"workshop": "allotir", "room": "A", "block": "pm1"},
            {"workshop": "clauses", "room": "B", "block": "pm1"},
            {"workshop": "achats", "room": "B", "block": "pm1"},
        ]
    )

    with pytest.raises(FormatError) as caught:
        workshops.load_problem(doc)

    assert caught.value.errors == [
        "fixed: W1: workshop allotir starting at block pm1 runs past the last block",
        "fixed: W2: room B holds clauses, achats in block pm1",
    ]


def test_workshops_check_catches_every_rule():
    problem = workshops.load_problem(workshop_doc())
    plan = workshops.load_plan(
        {
            "format": "osez-workshops/1",
            "placements": [
                {"workshop": "clauses", "room": "B", "block": "am1"},
                {"workshop": "siae", "room": "B", "block": "am1"},
                {"workshop": "allotir", "room": "A", "block": "am1"},
            ],
            "seats": [
                {"person": "p1", "workshop": "clauses"},
                {"person": "p1", "workshop": "siae"},
                {"person": "p3", "workshop": "siae"},
            ],
            "unplaced": [],
        }
    )

    violations = workshops.check(problem, plan)

    assert violations == [
        "W1: workshop achats is listed 0 times in placements and unplaced",
        "W2: room B holds clauses, siae in block am1",
        "W3: fixed workshop achats is not in room B at block pm1",
        "W4: person p3 sits in siae, not one of their wishes",
        "W4: person p1 sits in clauses, siae at the same block am1",
    ]


def test_workshops_check_seat_cap_is_room_capacity_when_smaller():
    many = [{"id": f"p{i}", "wishes": ["clauses"]} for i in range(13)]
    problem = workshops.load_problem(workshop_doc(people=many, fixed=[]))
    plan = workshops.Plan(
        placements=(workshops.Placement("clauses", "B", "am1"),),
        seats=tuple(workshops.Seat(f"p{i}", "clauses") for i in range(13)),
        unplaced=("siae", "allotir", "achats"),
    )

    assert workshops.check(problem, plan) == ["W5: workshop clauses seats 13 people, at most 12"]


def test_workshops_cli_solve_and_check(tmp_path):
    problem_path = tmp_path / "w.json"
    problem_path.write_text(json.dumps(random_doc(7)), encoding="utf-8")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "matching.engine", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    solved = run("workshops", str(problem_path), "--time-limit", "5")
    plan_path = tmp_path / "plan.json"
    plan_path.write_text(solved.stdout, encoding="utf-8")
    checked = run("workshops-check", str(problem_path), str(plan_path))

    assert solved.returncode == 0
    assert checked.returncode == 0


@pytest.mark.parametrize("seed", range(4))
def test_plan_reports_bounds_that_hold(seed):
    problem = workshops.load_problem(random_doc(seed))

    plan = workshops.solve(problem, time_limit=5)

    stats = plan.stats
    assert stats.people_served <= stats.people_served_upper_bound <= stats.people_with_wishes
    assert stats.seats <= stats.seats_upper_bound <= stats.wanted_seats
    assert stats.optimal == (
        stats.people_served == stats.people_served_upper_bound
        and stats.seats == stats.seats_upper_bound
    )


def test_plan_says_optimal_when_every_wish_is_met():
    doc = {
        "format": "osez-workshops/1",
        "blocks": ["am", "pm"],
        "rooms": [{"id": "A", "capacity": 10}],
        "workshops": [{"id": "w1", "capacity": 10}, {"id": "w2", "capacity": 10}],
        "people": [
            {"id": "p1", "wishes": ["w1", "w2"], "wants": 2},
            {"id": "p2", "wishes": ["w2"]},
        ],
    }

    plan = workshops.solve(workshops.load_problem(doc), time_limit=5)

    assert plan.stats.seats == plan.stats.seats_upper_bound == 3
    assert plan.stats.seating_optimal
    assert plan.stats.optimal
    assert workshops.dump_plan(plan)["stats"]["optimal"] is True
