"""Tiny random problems and a brute-force optimum that trusts only the validator."""

from __future__ import annotations

import itertools
import random
from typing import Any

from matching.engine import Meeting, Problem, Schedule, check

from .conftest import problem_doc


def tiny_problem_doc(seed: int, n_people: int = 4, n_requests: int = 5) -> dict[str, Any]:
    """A random problem small enough to enumerate: 2 slots, 2 tables."""
    rng = random.Random(seed)
    names = [f"p{i}" for i in range(n_people)]
    pairs = rng.sample(list(itertools.combinations(names, 2)), n_requests)
    participants: list[dict[str, Any]] = []
    for name in names:
        person: dict[str, Any] = {"id": name}
        if rng.random() < 0.3:
            person["unavailable"] = [rng.choice(["s1", "s2"])]
        if rng.random() < 0.3:
            person["max_meetings"] = rng.randint(0, 2)
        roll = rng.random()
        if roll < 0.15:
            person["needs_accessible_table"] = True
        elif roll < 0.3:
            person["home_table"] = rng.choice(["T1", "T2"])
        participants.append(person)
    return problem_doc(
        n_slots=2,
        tables=[{"id": "T1", "accessible": True}, {"id": "T2"}],
        participants=participants,
        requests=[(a, b, rng.randint(1, 10)) for a, b in pairs],
    )


def score(problem: Problem, meetings: list[Meeting]) -> tuple[int, int]:
    """(participants met, weight) of a list of meetings."""
    weight = sum(problem.request_by_id[m.request].weight for m in meetings)
    met = {p for m in meetings for p in _pair(problem, m.request)}
    return len(met), weight


def _pair(problem: Problem, request_id: str) -> tuple[str, str]:
    request = problem.request_by_id[request_id]
    return request.a, request.b


def brute_force_best(problem: Problem) -> tuple[int, int]:
    """The lexicographic optimum of (met, weight) over every schedule `check` accepts."""
    places = [None] + [(s.id, t.id) for s in problem.slots for t in problem.tables]
    best = (-1, -1)
    requests = [r.id for r in problem.requests]
    for choice in itertools.product(places, repeat=len(requests)):
        meetings = [Meeting(r, *place) for r, place in zip(requests, choice, strict=True) if place]
        unscheduled = tuple(r for r, place in zip(requests, choice, strict=True) if not place)
        candidate = score(problem, meetings)
        if candidate > best and not check(problem, Schedule(tuple(meetings), unscheduled)):
            best = candidate
    return best
