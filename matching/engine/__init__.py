"""The Osez matching engine: pure Python, plain data in and out, never imports Django.

Meeting schedules (the exchange format `osez-schedule/1`)::

    from matching.engine import load_problem, solve, check, diff, dump_schedule, request_pairs

    problem = load_problem(problem_dict)        # raises FormatError(.errors: list[str])
    schedule = solve(problem, time_limit=10.0, seed=0)
    assert check(problem, schedule) == []       # list of violated rules, one line each
    document = dump_schedule(schedule)          # JSON-ready dict
    changes = diff(old_schedule, schedule, request_pairs(old_problem, problem))
    # {participant_id: [Change(kind="added"|"removed"|"moved", request, before, after)]}

`load_schedule(dict)` reads a schedule document back. The same operations are on the command line:
`python -m matching.engine solve|check|workshops|workshops-check|recommend` (see `cli`).

Workshops (see WORKSHOPS.md)::

    from matching.engine import workshops
    problem = workshops.load_problem(doc); plan = workshops.solve(problem)
    assert workshops.check(problem, plan) == []

Recommendations (geography is for outreach only, never an award criterion)::

    from matching.engine.recommend import Pitch, Structure, recommend
    result = recommend(pitches, structures, top=10)  # result.for_structure / result.for_pitch
"""

from .check import check
from .diff import Change, diff, request_pairs
from .formats import FormatError, dump_problem, dump_schedule, load_problem, load_schedule
from .model import Meeting, Participant, Problem, Request, Schedule, Slot, Stats, Table
from .solver import solve

__all__ = [
    "Change",
    "FormatError",
    "Meeting",
    "Participant",
    "Problem",
    "Request",
    "Schedule",
    "Slot",
    "Stats",
    "Table",
    "check",
    "diff",
    "dump_problem",
    "dump_schedule",
    "load_problem",
    "load_schedule",
    "request_pairs",
    "solve",
]
