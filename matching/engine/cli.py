"""Command line: `python -m matching.engine <command> ...`.

    solve problem.json [--time-limit SECONDS] [--seed N] [--exact | --no-exact] > schedule.json
    check problem.json schedule.json
    workshops problem.json [--time-limit SECONDS] > placement.json
    workshops-check problem.json placement.json
    recommend input.json [--top N] > recommendations.json

Exit status: 0 done (or valid), 1 `check`/`workshops-check` found violations (one per line on
stdout), 2 a file is missing, not JSON, or breaks its format (one error per line on stderr).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import recommend, workshops
from .check import check
from .formats import FormatError, dump_schedule, load_problem, load_schedule
from .solver import DEFAULT_TIME_LIMIT, solve

OK, INVALID, MALFORMED = 0, 1, 2


class Refused(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


def _read(path: str) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise Refused([f"{path}: cannot read ({error.strerror})"]) from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise Refused([f"{path}: not valid JSON ({error})"]) from error


def _load(path: str, loader: Callable[[Any], Any]) -> Any:
    try:
        return loader(_read(path))
    except FormatError as error:
        raise Refused([f"{path}: {line}" for line in error.errors]) from error


def _write(doc: Any) -> None:
    json.dump(doc, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


def _report(violations: list[str]) -> int:
    for line in violations:
        print(line)
    if violations:
        print(f"{len(violations)} violation(s)", file=sys.stderr)
        return INVALID
    print("valid", file=sys.stderr)
    return OK


def _solve(args: argparse.Namespace) -> int:
    problem = _load(args.problem, load_problem)
    schedule = solve(problem, time_limit=args.time_limit, seed=args.seed, exact=args.exact)
    _write(dump_schedule(schedule))
    return OK


def _check(args: argparse.Namespace) -> int:
    problem = _load(args.problem, load_problem)
    schedule = _load(args.schedule, load_schedule)
    return _report(check(problem, schedule))


def _workshops(args: argparse.Namespace) -> int:
    problem = _load(args.problem, workshops.load_problem)
    _write(
        workshops.dump_plan(workshops.solve(problem, time_limit=args.time_limit, seed=args.seed))
    )
    return OK


def _workshops_check(args: argparse.Namespace) -> int:
    problem = _load(args.problem, workshops.load_problem)
    plan = _load(args.placement, workshops.load_plan)
    return _report(workshops.check(problem, plan))


def _recommend(args: argparse.Namespace) -> int:
    pitches, structures = _load(args.input, recommend.load_input)
    result = recommend.recommend(pitches, structures, top=args.top)
    _write(recommend.dump(result))
    return OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m matching.engine", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    solve_cmd = commands.add_parser("solve", help="build a meeting schedule")
    solve_cmd.add_argument("problem")
    solve_cmd.add_argument("--time-limit", type=float, default=DEFAULT_TIME_LIMIT)
    solve_cmd.add_argument("--seed", type=int, default=0)
    exact = solve_cmd.add_mutually_exclusive_group()
    exact.add_argument("--exact", dest="exact", action="store_true", default=None)
    exact.add_argument("--no-exact", dest="exact", action="store_false")
    solve_cmd.set_defaults(run=_solve)

    check_cmd = commands.add_parser("check", help="list every violated rule of a schedule")
    check_cmd.add_argument("problem")
    check_cmd.add_argument("schedule")
    check_cmd.set_defaults(run=_check)

    workshops_cmd = commands.add_parser("workshops", help="place workshops and seat people")
    workshops_cmd.add_argument("problem")
    workshops_cmd.add_argument("--time-limit", type=float, default=DEFAULT_TIME_LIMIT)
    workshops_cmd.add_argument("--seed", type=int, default=0)
    workshops_cmd.set_defaults(run=_workshops)

    wcheck_cmd = commands.add_parser("workshops-check", help="validate a workshop placement")
    wcheck_cmd.add_argument("problem")
    wcheck_cmd.add_argument("placement")
    wcheck_cmd.set_defaults(run=_workshops_check)

    recommend_cmd = commands.add_parser("recommend", help="score pitch <-> structure pairs")
    recommend_cmd.add_argument("input")
    recommend_cmd.add_argument("--top", type=int, default=10)
    recommend_cmd.set_defaults(run=_recommend)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except Refused as refused:
        for line in refused.errors:
            print(line, file=sys.stderr)
        return MALFORMED
