"""Command line: `python -m matching.engine <command> ...`.

    solve problem.json [--time-limit SECONDS] [--seed N] [--exact | --no-exact] > schedule.json
    check problem.json schedule.json
    workshops problem.json [--time-limit SECONDS] > placement.json
    workshops-check problem.json placement.json
    recommend input.json [--top N] > recommendations.json

Exit status: 0 done (or valid), 1 `check`/`workshops-check` found violations (one per line on
stdout), 2 a file is missing, not JSON, too large or too deeply nested, or breaks its format (one
error per line on stderr), or an argument is nonsense (one line): never a traceback.

`--time-limit` counts from the start of the process: reading the file, solving, seating and
writing the result all fit in it (up to 10 % over, see bench/README.md). It must be from
`MIN_TIME_LIMIT` to `MAX_TIME_LIMIT` seconds. If the solver has not committed to a schedule
by then (a machine too loaded for the limit), `_Guard` writes the locked meetings with every
other request unscheduled, a valid schedule, and ends the process.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from .check import check
from .formats import FormatError, dump_schedule, load_problem, load_schedule
from .solver import DEFAULT_TIME_LIMIT, fallback_schedule, solve

OK, INVALID, MALFORMED = 0, 1, 2
MIN_TIME_LIMIT = 1.0  # below this, starting Python and reading a large file may take it all
MAX_TIME_LIMIT = 3600.0  # an hour: past that, a limit is a typo, not a wish
MAX_FILE_BYTES = 512 * 1024 * 1024  # XL is 8 MB
MAX_TOP = 1000
# The guard writes its fallback at GUARD_SHARE * limit - GUARD_EARLY s (0.92 s for 1 s, 10.28 s
# for 10 s): writing it and ending take up to 0.2 s on a loaded machine (the main thread holds the
# interpreter meanwhile), and the solver commits to its own schedule well before that.
GUARD_SHARE = 1.04
GUARD_EARLY = 0.12
EXTENDED_SHARE = 1.10  # once the solver has a schedule (`_extension`)


class Refused(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


def process_started() -> float:
    """The `time.monotonic()` instant this process started (from /proc), or now if unknown."""
    now = time.monotonic()
    try:
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        age = time.clock_gettime(time.CLOCK_BOOTTIME) - int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return now
    return now - age if 0 <= age < 60 else now


def _constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON number")


def _read(path: str) -> Any:
    try:
        if Path(path).stat().st_size > MAX_FILE_BYTES:
            raise Refused([f"{path}: too large (over {MAX_FILE_BYTES // 2**20} MB)"])
        return json.loads(Path(path).read_text(encoding="utf-8"), parse_constant=_constant)
    except OSError as error:
        raise Refused([f"{path}: cannot read ({error.strerror})"]) from error
    except RecursionError as error:
        raise Refused([f"{path}: not valid JSON (nested too deeply)"]) from error
    except (UnicodeDecodeError, ValueError) as error:  # JSONDecodeError, 4,300+ digit numbers
        raise Refused([f"{path}: not valid JSON ({str(error)[:200]})"]) from error


def _load(path: str, loader: Callable[[Any], Any]) -> Any:
    try:
        return loader(_read(path))
    except FormatError as error:
        raise Refused([f"{path}: {line}" for line in error.errors]) from error
    except RecursionError as error:  # a structure deep enough to defeat the checks themselves
        raise Refused([f"{path}: nested too deeply"]) from error


def _text(doc: dict[str, Any]) -> str:
    """The document as JSON, one top-level key per line, each value written by the C encoder in
    one call: `json.dump(..., indent=...)` uses the pure-Python encoder, which took 2.8 s for an
    XL schedule on a loaded machine."""
    parts = [
        f"{json.dumps(key, ensure_ascii=False)}: {json.dumps(value, ensure_ascii=False)}"
        for key, value in doc.items()
    ]
    return "{\n " + ",\n ".join(parts) + "\n}\n"


def _write(doc: dict[str, Any]) -> None:
    sys.stdout.write(_text(doc))


def _report(violations: list[str]) -> int:
    for line in violations:
        print(line)
    if violations:
        print(f"{len(violations)} violation(s)", file=sys.stderr)
        return INVALID
    print("valid", file=sys.stderr)
    return OK


class _Guard(threading.Thread):
    """The time limit's backstop for the command line: if the solver has not committed to its
    schedule by `deadline` (about the limit), write the fallback (locked meetings, the rest unscheduled) and end
    the process. The solver's own deadlines normally finish first; this catches a machine so
    loaded that reading and compiling alone outlast a short limit (XL at 1 s).

    The fallback is only written for a problem that passed `load_problem` (it is valid then):
    if the deadline comes while the file is still being checked, the guard writes it as soon as
    the check ends. Whoever takes `lock` first writes; the other never does."""

    def __init__(self, deadline: float) -> None:
        super().__init__(name="deadline-guard", daemon=True)
        self.deadline = deadline
        self.lock = threading.Lock()
        self.problem: Any = None
        self.loaded = threading.Event()
        self.started_at = 0.0

    def extend(self, until: float) -> None:
        """The solver has a schedule of its own (the fill is done) and expects to commit to it
        before `until`: the fallback can wait until then."""
        self.deadline = max(self.deadline, until)

    def run(self) -> None:
        while (left := self.deadline - time.monotonic()) > 0:
            time.sleep(left)
        self.loaded.wait()
        if self.problem is None or not self.lock.acquire(blocking=False):
            return  # the file was refused, or the schedule is being written
        text = _text(dump_schedule(fallback_schedule(self.problem, self.started_at)))
        sys.stdout.write(text)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(OK)


def _extension(guard: _Guard, args: argparse.Namespace) -> Callable[[float], None]:
    """Once the solver holds a schedule, the guard waits until the latest instant the solver can
    commit and still write within the limit's 10 %: `tail` is its estimate of seating, stats and
    writing, so a good schedule a little late is not replaced by the empty fallback."""
    latest = args.started + EXTENDED_SHARE * args.time_limit - GUARD_EARLY

    def filled(tail: float) -> None:
        guard.extend(latest - tail)

    return filled


def _solve(args: argparse.Namespace) -> int:
    guard = None
    if args.guard:
        guard = _Guard(args.started + GUARD_SHARE * args.time_limit - GUARD_EARLY)
        guard.started_at = args.started
        guard.start()
    try:
        problem = _load(args.problem, load_problem)
    finally:
        if guard is not None:
            guard.loaded.set()  # a refused file: the guard ends without writing
    if guard is not None:
        guard.problem = problem
    schedule = solve(
        problem,
        time_limit=args.time_limit,
        seed=args.seed,
        exact=args.exact,
        started=args.started,
        # once the search is over, the guard stands down (or, if it is writing, this waits
        # for it to end the process)
        commit=guard.lock.acquire if guard is not None else None,
        filled=_extension(guard, args) if guard is not None else None,
    )
    _write(dump_schedule(schedule))
    return OK


def _check(args: argparse.Namespace) -> int:
    problem = _load(args.problem, load_problem)
    schedule = _load(args.schedule, load_schedule)
    return _report(check(problem, schedule))


def _workshops(args: argparse.Namespace) -> int:
    from . import workshops

    problem = _load(args.problem, workshops.load_problem)
    plan = workshops.solve(
        problem, time_limit=args.time_limit, seed=args.seed, started=args.started
    )
    _write(workshops.dump_plan(plan))
    return OK


def _workshops_check(args: argparse.Namespace) -> int:
    from . import workshops

    problem = _load(args.problem, workshops.load_problem)
    plan = _load(args.placement, workshops.load_plan)
    return _report(workshops.check(problem, plan))


def _recommend(args: argparse.Namespace) -> int:
    from . import recommend

    pitches, structures = _load(args.input, recommend.load_input)
    result = recommend.recommend(pitches, structures, top=args.top)
    _write(recommend.dump(result))
    return OK


class _Parser(argparse.ArgumentParser):
    """Refuses a bad command line with one line on stderr (no usage block), exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(MALFORMED, f"{self.prog}: {message}\n")


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not MIN_TIME_LIMIT <= value <= MAX_TIME_LIMIT:  # also false for nan
        raise argparse.ArgumentTypeError(
            f"must be a number of seconds from {MIN_TIME_LIMIT:g} to {MAX_TIME_LIMIT:g}, "
            f"got {text!r}"
        )
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value < 2**31 - 1:
        raise argparse.ArgumentTypeError(f"must be an integer from 0 to 2147483646, got {text!r}")
    return value


def _top(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_TOP:
        raise argparse.ArgumentTypeError(f"must be an integer from 1 to {MAX_TOP}, got {text!r}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m matching.engine", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    solve_cmd = commands.add_parser("solve", help="build a meeting schedule")
    solve_cmd.add_argument("problem")
    solve_cmd.add_argument("--time-limit", type=_seconds, default=DEFAULT_TIME_LIMIT)
    solve_cmd.add_argument("--seed", type=_seed, default=0)
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
    workshops_cmd.add_argument("--time-limit", type=_seconds, default=DEFAULT_TIME_LIMIT)
    workshops_cmd.add_argument("--seed", type=_seed, default=0)
    workshops_cmd.set_defaults(run=_workshops)

    wcheck_cmd = commands.add_parser("workshops-check", help="validate a workshop placement")
    wcheck_cmd.add_argument("problem")
    wcheck_cmd.add_argument("placement")
    wcheck_cmd.set_defaults(run=_workshops_check)

    recommend_cmd = commands.add_parser("recommend", help="score pitch <-> structure pairs")
    recommend_cmd.add_argument("input")
    recommend_cmd.add_argument("--top", type=_top, default=10)
    recommend_cmd.set_defaults(run=_recommend)
    return parser


def main(argv: list[str] | None = None, started: float | None = None, guard: bool = False) -> int:
    """Run a command; `started` is the `time.monotonic()` instant the time limit counts from
    (`python -m matching.engine` passes the start of the process; default: now). `guard` (the
    command line only: it ends the process) writes a fallback schedule at the deadline if the
    solver has not written one (`_Guard`)."""
    started = time.monotonic() if started is None else started
    args = _parser().parse_args(argv)
    args.started = started
    args.guard = guard
    try:
        return args.run(args)
    except Refused as refused:
        for line in refused.errors:
            print(line, file=sys.stderr)
        return MALFORMED
