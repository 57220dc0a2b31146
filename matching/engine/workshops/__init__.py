"""Workshops: place them in rooms and time blocks, seat people by their ranked wishes.

    from matching.engine import workshops
    problem = workshops.load_problem(doc)      # raises FormatError listing every error
    plan = workshops.solve(problem, time_limit=10.0, seed=0)
    assert workshops.check(problem, plan) == []
    document = workshops.dump_plan(plan)

The JSON documents (`osez-workshops/1`) are described in WORKSHOPS.md beside the engine.
"""

from .check import check
from .model import (
    FORMAT,
    Person,
    Placement,
    Plan,
    PlanStats,
    Room,
    Seat,
    Workshop,
    WorkshopProblem,
    dump_plan,
    load_plan,
    load_problem,
)
from .solver import solve

__all__ = [
    "FORMAT",
    "Person",
    "Placement",
    "Plan",
    "PlanStats",
    "Room",
    "Seat",
    "Workshop",
    "WorkshopProblem",
    "check",
    "dump_plan",
    "load_plan",
    "load_problem",
    "solve",
]
