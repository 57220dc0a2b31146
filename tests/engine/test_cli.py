"""The command line: exit statuses 0, 1 and 2, and error lines that name the ids."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import problem_doc

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "matching.engine", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def write(path: Path, doc: object) -> str:
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


@pytest.fixture
def problem_file(tmp_path, small_doc) -> str:
    return write(tmp_path / "problem.json", small_doc)


def test_cli_solve_then_check_exit_zero(tmp_path, problem_file):
    solved = run("solve", problem_file, "--time-limit", "5", "--seed", "1")
    schedule_file = tmp_path / "schedule.json"
    schedule_file.write_text(solved.stdout, encoding="utf-8")

    checked = run("check", problem_file, str(schedule_file))

    assert solved.returncode == 0
    assert set(json.loads(solved.stdout)["stats"]) == {
        "method",
        "seconds",
        "weight",
        "weight_upper_bound",
        "participants_met",
        "participants_with_requests",
        "moved",
    }
    assert checked.returncode == 0
    assert checked.stdout == ""


def test_cli_check_violations_exit_one(tmp_path, problem_file):
    schedule = {
        "format": "osez-schedule/1",
        "meetings": [
            {"request": "r1", "slot": "s1", "table": "T1"},
            {"request": "r2", "slot": "s1", "table": "T1"},
        ],
        "unscheduled": ["r3"],
    }

    checked = run("check", problem_file, write(tmp_path / "s.json", schedule))

    assert checked.returncode == 1
    assert checked.stdout.splitlines() == [
        "request r4: neither in meetings nor in unscheduled",
        "rule 1: participant cocagne is unavailable in slot s1 (request r1)",
        "rule 1: participant mel has 2 meetings in slot s1 (requests r1, r2)",
        "rule 2: table T1 holds 2 meetings in slot s1 (requests r1, r2)",
    ]


def test_cli_solve_malformed_problem_exit_two_naming_ids(tmp_path):
    doc = problem_doc(requests=[("a", "b", 3), ("a", "a", 2), ("a", "zed", 0)])
    doc["participants"] = [{"id": "a"}, {"id": "b"}]
    path = write(tmp_path / "bad.json", doc)

    solved = run("solve", path)

    assert solved.returncode == 2
    assert solved.stdout == ""
    assert solved.stderr.splitlines() == [
        f"{path}: request r2: self-request, a and b are both a",
        f"{path}: request r3: unknown participant 'zed' as b",
        f"{path}: request r3: weight 0 is not an integer from 1 to 10",
    ]


def test_cli_check_not_json_exit_two(tmp_path, problem_file):
    broken = tmp_path / "schedule.json"
    broken.write_text("{not json", encoding="utf-8")

    checked = run("check", problem_file, str(broken))

    assert checked.returncode == 2
    assert checked.stderr.startswith(f"{broken}: not valid JSON")


def test_cli_missing_file_exit_two(tmp_path):
    solved = run("solve", str(tmp_path / "absent.json"))

    assert solved.returncode == 2
    assert "cannot read" in solved.stderr
