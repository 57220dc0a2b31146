"""Builders for small meeting problems, as JSON-ready dicts."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from matching.engine import Problem, load_problem

PARIS = timezone(timedelta(hours=1))


def slots(count: int) -> list[dict[str, str]]:
    start = datetime(2019, 11, 26, 14, 0, tzinfo=PARIS)
    return [
        {
            "id": f"s{i + 1}",
            "start": (start + timedelta(minutes=20 * i)).isoformat(),
            "end": (start + timedelta(minutes=20 * (i + 1))).isoformat(),
        }
        for i in range(count)
    ]


def problem_doc(
    *,
    n_slots: int = 3,
    tables: list[dict[str, Any]] | None = None,
    participants: list[dict[str, Any]] | None = None,
    requests: list[tuple[str, str, int]] | None = None,
    locked: list[dict[str, str]] | None = None,
    previous: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """A problem document; requests are (a, b, weight) and get ids r1, r2, ..."""
    requests = requests if requests is not None else [("a", "b", 3)]
    if participants is None:
        names = sorted({name for a, b, _ in requests for name in (a, b)})
        participants = [{"id": name} for name in names]
    return {
        "format": "osez-schedule/1",
        "slots": slots(n_slots),
        "tables": tables if tables is not None else [{"id": "T1"}, {"id": "T2"}],
        "participants": participants,
        "requests": [
            {"id": f"r{i + 1}", "a": a, "b": b, "weight": w} for i, (a, b, w) in enumerate(requests)
        ],
        "locked": locked or [],
        "previous": previous or [],
    }


def make_problem(**kwargs: Any) -> Problem:
    return load_problem(problem_doc(**kwargs))


@pytest.fixture
def small_doc() -> dict[str, Any]:
    return problem_doc(
        n_slots=3,
        tables=[{"id": "T1", "accessible": True}, {"id": "T2"}],
        participants=[
            {"id": "mel", "max_meetings": 2},
            {"id": "cocagne", "unavailable": ["s1"]},
            {"id": "esat", "needs_accessible_table": True},
            {"id": "ville", "home_table": "T1"},
        ],
        requests=[
            ("mel", "cocagne", 5),
            ("mel", "esat", 3),
            ("ville", "cocagne", 2),
            ("ville", "esat", 4),
        ],
    )
