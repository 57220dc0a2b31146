"""Benchmark of the meeting scheduler on generated events of four sizes.

    python -m bench.run [--sizes S,M,L,XL] [--seed 1] [--json bench/results.json]
    python -m bench.run --sizes M-hard,L-hard --seed 2      # the tighter variants, another seed

Each size runs in child processes, so that each peak memory (`ru_maxrss`) is that size's own:
one child generates the event, solves it and checks the schedule; a second runs the greedy
baseline and the re-run experiment (5 % of the requests replaced, solved again with the first
schedule as `previous`, and from scratch for comparison). Every schedule is checked.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.generate import SIZES, change_requests, generate
from matching.engine import check, dump_schedule, load_problem, solve
from matching.engine.bound import upper_bound, weight_bound
from matching.engine.greedy import greedy
from matching.engine.instance import compile_problem
from matching.engine.model import Schedule
from matching.engine.tables import seat

TIME_LIMITS = {
    "S": 2.0,
    "M": 15.0,
    "L": 9.0,
    "XL": 9.0,
    "S-hard": 2.0,
    "M-hard": 15.0,
    "L-hard": 9.0,
}
CHANGED_SHARE = 0.05


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _solve_child(size: str, seed: int, schedule_path: Path) -> dict[str, Any]:
    doc = generate(size, seed)
    started = time.monotonic()
    problem = load_problem(doc)
    loaded = time.monotonic()
    schedule = solve(problem, time_limit=TIME_LIMITS[size], seed=seed)
    solved = time.monotonic()
    violations = check(problem, schedule)
    schedule_path.write_text(json.dumps(dump_schedule(schedule)), encoding="utf-8")
    stats = schedule.stats
    return {
        "size": size,
        "load_seconds": round(loaded - started, 2),
        "solve_seconds": round(solved - loaded, 2),
        "peak_mb": round(_peak_mb()),
        "method": stats.method,
        "met": stats.participants_met,
        "with_requests": stats.participants_with_requests,
        "weight": stats.weight,
        "bound": stats.weight_upper_bound,
        "violations": len(violations),
    }


def _greedy(doc: dict[str, Any]) -> dict[str, Any]:
    problem = load_problem(doc)
    instance = compile_problem(problem)
    bound = upper_bound(instance)
    started = time.monotonic()
    state = greedy(instance)
    meetings = seat(state)
    seconds = time.monotonic() - started
    scheduled = {m.request for m in meetings}
    schedule = Schedule(
        tuple(meetings), tuple(r.id for r in problem.requests if r.id not in scheduled)
    )
    met = {p for m in meetings for p in _pair(problem, m.request)}
    weight = sum(problem.request_by_id[m.request].weight for m in meetings)
    ceiling = bound.weight_if_met if len(met) >= bound.met else weight_bound(instance)
    return {
        "greedy_seconds": round(seconds, 2),
        "greedy_met": len(met),
        "greedy_weight": weight,
        "greedy_bound": ceiling,
        "greedy_violations": len(check(problem, schedule)),
    }


def _pair(problem: Any, request_id: str) -> tuple[str, str]:
    request = problem.request_by_id[request_id]
    return request.a, request.b


def _kept_share(problem: Any, meetings: Any) -> float:
    alive = [m for m in problem.previous if m.request in problem.request_by_id]
    placed = {(m.request, m.slot, m.table) for m in meetings}
    kept = sum(1 for m in alive if (m.request, m.slot, m.table) in placed)
    return kept / len(alive) if alive else 1.0


def _rerun_child(size: str, seed: int, schedule_path: Path) -> dict[str, Any]:
    doc = generate(size, seed)
    result = _greedy(doc)
    first = json.loads(schedule_path.read_text(encoding="utf-8"))
    changed = change_requests(doc, first, CHANGED_SHARE, seed=seed + 1000)
    problem = load_problem(changed)
    started = time.monotonic()
    rerun = solve(problem, time_limit=TIME_LIMITS[size], seed=seed)
    rerun_seconds = time.monotonic() - started
    scratch = solve(
        load_problem({**changed, "previous": []}), time_limit=TIME_LIMITS[size], seed=seed
    )
    result.update(
        {
            "rerun_seconds": round(rerun_seconds, 2),
            "rerun_kept": round(100 * _kept_share(problem, rerun.meetings), 1),
            "rerun_weight": rerun.stats.weight,
            "rerun_met": rerun.stats.participants_met,
            "rerun_violations": len(check(problem, rerun)),
            "scratch_kept": round(100 * _kept_share(problem, scratch.meetings), 1),
            "scratch_weight": scratch.stats.weight,
            "scratch_met": scratch.stats.participants_met,
        }
    )
    return result


def _child(kind: str, size: str, seed: int, schedule_path: Path) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.run", "--child", kind, "--sizes", size]
    command += ["--seed", str(seed), "--schedule", str(schedule_path)]
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(command, cwd=root, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def _row(r: dict[str, Any]) -> str:
    ratio = r["weight"] / r["bound"] if r["bound"] else 1.0
    greedy_ratio = r["greedy_weight"] / r["greedy_bound"] if r["greedy_bound"] else 1.0
    cells = [
        r["size"],
        f"{r['solve_seconds']:.2f} (+{r['load_seconds']:.2f} load)",
        f"{r['peak_mb']}",
        f"{r['met']} / {r['with_requests']}",
        f"{r['weight']}",
        f"{100 * ratio:.2f} %",
        r["method"],
        f"{r['greedy_met']} / {r['with_requests']}",
        f"{r['greedy_weight']} ({100 * greedy_ratio:.2f} %)",
        f"{r['rerun_kept']} % ({r['rerun_seconds']:.1f} s)",
        f"{r['scratch_kept']} %",
        f"{r['violations'] + r['greedy_violations'] + r['rerun_violations']}",
    ]
    return "| " + " | ".join(str(c) for c in cells) + " |"


HEADER = (
    "| size | solve s | peak MB | met / with requests | weight | weight / bound | method "
    "| greedy met | greedy weight (/ bound) | re-run kept | scratch kept | violations |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run")
    parser.add_argument("--sizes", default="S,M,L,XL")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", default=None, help="also write the results to this file")
    parser.add_argument("--child", choices=["solve", "rerun"], help=argparse.SUPPRESS)
    parser.add_argument("--schedule", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown sizes: {', '.join(unknown)} (choose from {', '.join(SIZES)})")
    if args.child:
        run = _solve_child if args.child == "solve" else _rerun_child
        print(json.dumps(run(sizes[0], args.seed, Path(args.schedule))))
        return 0
    results = []
    print(HEADER, flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            schedule_path = Path(tmp) / f"{size}.json"
            result = _child("solve", size, args.seed, schedule_path)
            result.update(_child("rerun", size, args.seed, schedule_path))
            results.append(result)
            print(_row(result), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
