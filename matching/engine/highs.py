"""A thin, silent call into HiGHS for the bound and the exact solver, held to its deadline.

The public `highspy.Highs` wrapper prints a banner on C stdout when it is built, which would corrupt
`solve > schedule.json`; the core class it wraps prints nothing once `output_flag` is off.

HiGHS's `time_limit` is not always kept: some set-up steps of its MIP solver cannot be interrupted
(on a tight meeting day of 6,000 requests, `HighsObjectiveFunction::setupCliquePartition` ran for
70-100 s against a 5 s limit on a loaded machine). So HiGHS runs in a daemon thread (it releases
the GIL), interrupt callbacks stop it once the deadline is past, and the caller waits no longer
than the deadline: if HiGHS is still in a step that cannot be interrupted, it is abandoned (the
result is "failed", the caller keeps what it had) and stops by itself at its next callback.
Before the interpreter exits, such threads are waited for (`_wait_for_abandoned`): a thread that
called back into Python during finalisation would be ended by `pthread_exit` inside HiGHS's C++
and abort the process ("terminate called without an active exception"). The command line ends
with `os._exit` and skips that wait.
"""

from __future__ import annotations

import atexit
import threading
import time
from dataclasses import dataclass

import highspy
import numpy as np
from highspy._core import _Highs
from scipy import sparse

OPTIMAL = "optimal"
STOPPED = "stopped"
FAILED = "failed"
GRACE = 0.05  # seconds past the deadline before HiGHS is abandoned
_abandoned: list[threading.Thread] = []
EXIT_WAIT = 120.0  # seconds, at most, for abandoned HiGHS threads at interpreter exit


def _wait_for_abandoned() -> None:
    until = time.monotonic() + EXIT_WAIT
    for thread in _abandoned:
        thread.join(max(0.0, until - time.monotonic()))


atexit.register(_wait_for_abandoned)

_INTERRUPTS = (
    highspy.cb.HighsCallbackType.kCallbackSimplexInterrupt,
    highspy.cb.HighsCallbackType.kCallbackIpmInterrupt,
    highspy.cb.HighsCallbackType.kCallbackMipInterrupt,
)


@dataclass
class Model:
    """Maximise cost @ x subject to row_lower <= A x <= row_upper, 0 <= x <= 1."""

    cost: np.ndarray
    matrix: sparse.csc_matrix
    row_lower: np.ndarray
    row_upper: np.ndarray
    integer: bool


@dataclass
class Result:
    status: str
    x: np.ndarray | None
    objective: float
    dual_bound: float
    reduced: np.ndarray | None = None  # a solved LP's reduced costs (column duals), else None


def _lp(model: Model) -> highspy.HighsLp:
    n_rows, n_cols = model.matrix.shape
    lp = highspy.HighsLp()
    lp.num_col_ = n_cols
    lp.num_row_ = n_rows
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = model.cost.astype(np.float64)
    lp.col_lower_ = np.zeros(n_cols)
    lp.col_upper_ = np.ones(n_cols)
    lp.row_lower_ = model.row_lower.astype(np.float64)
    lp.row_upper_ = model.row_upper.astype(np.float64)
    matrix = model.matrix.tocsc()
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_ = n_cols
    lp.a_matrix_.num_row_ = n_rows
    lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrix.data.astype(np.float64)
    if model.integer:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * n_cols
    return lp


def solve(
    model: Model,
    time_limit: float,
    seed: int = 0,
    start: np.ndarray | None = None,
    threads: int | None = None,
    options: dict[str, bool | int | float | str] | None = None,
) -> Result:
    """Solve to optimality or until the time limit; a MIP's dual bound stays valid either way.

    Returns within `time_limit` (plus `GRACE`) whatever HiGHS does: see the module docstring.
    """
    deadline = time.monotonic() + max(0.01, float(time_limit))
    highs = _Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("time_limit", max(0.01, float(time_limit)))
    highs.setOptionValue("random_seed", int(seed) % 2147483647)
    highs.setOptionValue("mip_rel_gap", 0.0)
    highs.setOptionValue("mip_abs_gap", 0.5)
    if threads is not None:
        highs.setOptionValue("threads", threads)
    for name, value in (options or {}).items():
        highs.setOptionValue(name, value)
    highs.passModel(_lp(model))
    if start is not None:
        solution = highspy.HighsSolution()
        solution.col_value = start.astype(np.float64).tolist()
        highs.setSolution(solution)

    abandoned = threading.Event()

    def interrupt(_kind: int, _message: str, _out: object, data_in: object, _user: object) -> None:
        if abandoned.is_set() or time.monotonic() > deadline:
            data_in.user_interrupt = True  # type: ignore[attr-defined]

    highs.setCallback(interrupt, None)
    for kind in _INTERRUPTS:
        highs.startCallback(kind)
    runner = threading.Thread(target=highs.run, name="highs", daemon=True)
    runner.start()
    runner.join(max(0.0, deadline + GRACE - time.monotonic()))
    if runner.is_alive():
        abandoned.set()
        _abandoned[:] = [thread for thread in _abandoned if thread.is_alive()] + [runner]
        return Result(FAILED, None, float("-inf"), float("inf"))
    return _result(highs, model)


def _result(highs: _Highs, model: Model) -> Result:
    status = highs.getModelStatus()
    info = highs.getInfo()
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    x = np.array(highs.getSolution().col_value) if has_solution else None
    if status == highspy.HighsModelStatus.kOptimal:
        kind = OPTIMAL
    elif has_solution:
        kind = STOPPED
    else:
        kind = FAILED
    objective = info.objective_function_value if has_solution else float("-inf")
    dual = info.mip_dual_bound if model.integer else objective
    reduced = None
    if not model.integer and kind != OPTIMAL:
        dual = float("inf")
    elif not model.integer:
        solution = highs.getSolution()
        if solution.dual_valid:
            reduced = np.array(solution.col_dual)
    return Result(kind, x, objective, dual, reduced)
