"""The one home of the rule that lets a background job survive its worker's death: engine runs
(services/schedule.py) and printed documents (services/printing.py), rows of `WorkerJob`.

- A worker *claims* a job under the row's lock (`claim`): a queued job, or a running one whose
  worker process is dead on this machine (its message came back at once: Celery's
  `task_reject_on_worker_lost` requeues the task of a pool child that was killed). Each claim
  adds one to `attempts`; the attempt number is the claim's token.
- The worker writes only while its claim holds (`hold`, under the row's lock): once the row was
  re-queued and claimed again, the older execution is `Superseded` and stops without writing.
  The result and the "done" mark are written in one transaction with that check, so a job's
  result is written once, by one attempt, however many messages and sweeps there were.
- The worker shows it is alive by writing `heartbeat_at` (`beat`; `beating` does it every
  BEAT_EVERY seconds from a thread while a run works: the solver writes nothing meanwhile).
- The sweep (`matching.sweep_jobs`, every 30 s under beat) finds the active jobs with no sign of
  life for LOST_AFTER (`sweep`): a running one lost its worker, a queued one lost its message
  (the broker was down when it was queued, or the message was lost with Redis). It re-queues
  them and sends their task again; a job already claimed MAX_ATTEMPTS times is failed with a
  message instead of going round for ever.

A redelivered message, the broker's visibility timeout and the sweep may all send the same job
again: only one of them claims it (the row's lock and its status), the others do nothing.
"""

import contextlib
import logging
import os
import socket
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta

from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.locking import lock, locked_transaction
from matching.enums import ACTIVE_RUN_STATUSES, RunStatus
from matching.models import WorkerJob

logger = logging.getLogger(__name__)

BEAT_EVERY = 10  # seconds between two heartbeats of a running engine run
# No sign of life for this long: the worker is gone (or the queued job's message). Six beats
# missed; a print job beats at each chunk of pages (a few seconds each). A job wrongly thought
# lost costs one more attempt, never a second result (the claim's token).
LOST_AFTER = timedelta(seconds=60)
MAX_ATTEMPTS = 3  # claims of one job before it is failed rather than tried again


class Superseded(Exception):
    """This execution's claim was taken over: the job was re-queued and claimed again."""


def identity() -> str:
    """This worker process: host name and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _dead_here(worker: str) -> bool:
    """The process named `worker` ran on this machine and exists no more."""
    host, _sep, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    try:  # a zombie: dead, its parent has not collected it yet
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()[0] in {"Z", "X"}
    except (OSError, IndexError):
        return False


def given_up_message() -> str:
    return _(
        "Interrupted %(count)s times (the background worker stopped each time): given up. "
        "Start again; if it happens again, tell us."
    ) % {"count": MAX_ATTEMPTS}


def claim(job: WorkerJob) -> bool:
    """Take `job` (its row locked by the caller) for this process; False when it is not ours to
    run (done, failed, or running in a live process). A running job whose worker died on this
    machine is taken over, or failed once it was claimed MAX_ATTEMPTS times.

    Side effects, in order: write the status "running", one more attempt, the heartbeat and this
    process's identity (or the failure). The caller saves nothing else of it before committing."""
    if job.status == RunStatus.RUNNING and job.worker and _dead_here(job.worker):
        logger.warning("%s: its worker %s died; the task came back", job, job.worker)
        if job.attempts >= MAX_ATTEMPTS:
            _give_up(job)
            return False
    elif job.status != RunStatus.QUEUED:
        return False
    job.status, job.attempts = RunStatus.RUNNING, job.attempts + 1
    job.heartbeat_at, job.worker = timezone.now(), identity()
    job.save(update_fields=["status", "attempts", "heartbeat_at", "worker"])
    return True


def hold(queryset, pk: int, attempt: int) -> WorkerJob:
    """The job's row, locked, if claim `attempt` still holds it (call inside a transaction);
    its heartbeat is written. Raises `Superseded` otherwise."""
    job = lock(queryset).filter(pk=pk).first()
    if job is None or job.status != RunStatus.RUNNING or job.attempts != attempt:
        raise Superseded(f"{queryset.model.__name__} {pk} attempt {attempt}")
    job.heartbeat_at = timezone.now()
    return job


def beat(queryset, pk: int, attempt: int) -> None:
    """Write the job's heartbeat while claim `attempt` holds it (no lock: one UPDATE)."""
    queryset.filter(pk=pk, status=RunStatus.RUNNING, attempts=attempt).update(
        heartbeat_at=timezone.now()
    )


@contextlib.contextmanager
def beating(queryset, pk: int, attempt: int, every: float = BEAT_EVERY) -> Iterator[None]:
    """Beat every `every` seconds from a thread while the block runs (the engine's solve, which
    writes nothing for as long as its time limit). The thread has its own database connection,
    closed when it ends; it dies with the process, which is the point."""
    stop = threading.Event()

    def run() -> None:
        try:
            while not stop.wait(every):
                try:
                    beat(queryset, pk, attempt)
                except Exception:  # a missed beat is not the job's failure
                    logger.warning("heartbeat of %s %s missed", queryset.model.__name__, pk)
                    close_old_connections()
        finally:
            connection.close()

    thread = threading.Thread(target=run, name=f"heartbeat-{pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=30)


def _give_up(job: WorkerJob) -> None:
    job.status, job.error, job.finished_at = RunStatus.FAILED, given_up_message(), timezone.now()
    job.worker = ""
    job.save()
    logger.warning("%s given up after %s attempts", job, job.attempts)


def sweep(
    queryset,
    *,
    reset: dict,
    send: Callable[[int], None],
    changed: Callable[[WorkerJob], None] = lambda job: None,
) -> dict[str, int]:
    """Re-queue the active jobs of `queryset` with no sign of life for LOST_AFTER and send their
    task again; fail those claimed MAX_ATTEMPTS times already. Rows locked by someone at this
    moment are skipped (their holder is alive). Returns counts: requeued, resent, given_up.

    Side effects, in order, per job: a running one: back to "queued" with `reset` (its progress),
    or failed; a queued one: its heartbeat (one message per LOST_AFTER while no worker takes
    it); `changed(job)`; on commit, `send(pk)`."""
    counts = {"requeued": 0, "resent": 0, "given_up": 0}
    cutoff = timezone.now() - LOST_AFTER
    with locked_transaction():
        lost = queryset.filter(status__in=ACTIVE_RUN_STATUSES, heartbeat_at__lt=cutoff)
        for job in lost.select_for_update(skip_locked=True).order_by("pk"):
            if job.status == RunStatus.RUNNING and job.attempts >= MAX_ATTEMPTS:
                _give_up(job)
                counts["given_up"] += 1
            else:
                counts["requeued" if job.status == RunStatus.RUNNING else "resent"] += 1
                logger.warning("%s: no sign of life since %s, sent again", job, job.heartbeat_at)
                job.status, job.heartbeat_at, job.worker = RunStatus.QUEUED, timezone.now(), ""
                for name, value in reset.items():
                    setattr(job, name, value)
                job.save()
                transaction.on_commit(lambda pk=job.pk: send(pk))
            changed(job)
    return counts
