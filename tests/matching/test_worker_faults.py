"""Engine runs and publications under faults, with real parts: PostgreSQL and Redis
(tests/stack.py), real Celery workers in subprocesses (tests/live.py), SIGKILLed.

The kill lands mid-write, not by luck: another database session of the test holds some rows
(FOR UPDATE) that the write reaches after it began: the previous draft's meetings, which the
worker's transaction saving a new draft deletes after their seats; the requests' rows, whose
calendar sequence a publication raises after writing the version. The test sees the transaction
waiting there (pg_stat_activity: that statement, a transaction id) and kills the process; then
lets the rows go. Nothing was committed, and the COMMIT never comes: PostgreSQL rolls the
transaction back when it finds its client gone. The lock wait is bounded (core/locking.py, 3 s):
the kill comes well within it. (Holding a row the COMMIT itself waits for would not do: a COMMIT
already sent completes once the rows are free, client or not.)

- The whole worker SIGKILLed while saving: the previous draft is intact; another worker, the sweep
  (`matching.sweep_jobs`): the run completes, the draft written once. Control: without the sweep
  the run stays "running" and the console refuses a new one.
- Only the pool's child SIGKILLed: the task comes back at once (`task_reject_on_worker_lost`),
  the run completes with no sweep. Control: with the setting off, the run stays "running".
- A print job's worker SIGKILLed while it renders: the sweep sends it again, the files are made
  once. Control: without the sweep the job stays "running".
- A publication killed in the middle (a process standing for a web server): no new version, the
  previous one and the requests' calendar sequences as they were, no email queued.

The sweep is sent by the test after moving the run's heartbeat back by LOST_AFTER: that stands for
a minute passing, with the production thresholds and code unchanged (as tests/notifications/
test_faults.py does). In production beat sends it every 30 s: a dead worker's run is re-queued
within LOST_AFTER + 30 s = 90 s, and done as soon as a worker takes it.
"""

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta

import psycopg
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F
from django.utils import translation

from matching.enums import RunStatus, RunStep
from matching.models import Meeting, MeetingRequest, PrintJob, ScheduleRun, ScheduleVersion
from matching.services import jobs, printing, schedule
from matching.services.requests import book_meeting
from matching.tasks import run_schedule, sweep_jobs
from notifications.models import OutboxMessage
from tests.live import (
    BASE_DIR,
    broker_at,
    database_url,
    kill_group,
    spare_redis,
    start_celery_worker,
    subprocess_env,
)
from tests.matching.schedule_world import make_world

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True)]

FAULTS_REDIS_DB = 13  # a spare database of the test Redis, emptied around each test


@pytest.fixture(autouse=True)
def _real_stack():
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get(
        "REDIS_URL"
    ):
        pytest.skip("needs the real PostgreSQL and Redis: run through `python -m tests.stack`")


@pytest.fixture
def spare_redis_url() -> Iterator[str]:
    with spare_redis(FAULTS_REDIS_DB) as url:
        yield url


@pytest.fixture
def workers(tmp_path, spare_redis_url) -> Iterator[Callable[..., subprocess.Popen]]:
    """Start real Celery workers of the project on the test database and the spare Redis; all
    killed at teardown."""
    started: list[subprocess.Popen] = []

    def start(*, concurrency: int = 0, env: dict[str, str] | None = None) -> subprocess.Popen:
        worker = start_celery_worker(
            tmp_path / f"worker-{len(started)}.log",
            {"REDIS_URL": spare_redis_url, **(env or {})},
            concurrency=concurrency,
            name=f"runs{len(started)}@%h",
        )
        started.append(worker)
        return worker

    yield start
    for worker in started:
        kill_group(worker)


@pytest.fixture
def world(event):
    """Four accepted buyer-ESS requests, three slots, two tables; two of them placed by hand (the
    previous draft)."""
    world = make_world(event, pairs=4)
    return world


@pytest.fixture
def previous_draft(world, organiser) -> set[tuple]:
    for request, table in zip(world.requests[:2], world.tables, strict=True):
        book_meeting(request=request, slot=world.slots[0], table=table, by=organiser)
    return draft(world.event)


def draft(event) -> set[tuple]:
    return set(
        Meeting.objects.filter(slot__session__event=event).values_list(
            "pk", "request_id", "slot_id", "table_id"
        )
    )


# --- the parts of a kill mid-write --------------------------------------------------------------


@contextlib.contextmanager
def rows_held(model, ids: list[int]) -> Iterator[None]:
    """Another database session holds these rows FOR UPDATE until the block ends."""
    with psycopg.connect(database_url(connection.settings_dict)) as held:
        held.execute(f'SELECT 1 FROM "{model._meta.db_table}" WHERE id = ANY(%s) FOR UPDATE', [ids])
        try:
            yield
        finally:
            held.rollback()


def wait_writing_and_blocked(statement: str, *, of: subprocess.Popen, timeout: float = 60) -> None:
    """Wait until another session runs `statement...`, waiting on a lock, inside a transaction
    that has locked or written rows already (it has a transaction id)."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(database_url(connection.settings_dict), autocommit=True) as probe:
        while True:
            row = probe.execute(
                "SELECT backend_xid IS NOT NULL FROM pg_stat_activity"
                " WHERE wait_event_type = 'Lock' AND query LIKE %s AND pid <> pg_backend_pid()",
                [statement + "%"],
            ).fetchone()
            if row is not None:
                assert row[0], "the blocked transaction has written nothing yet"
                return
            if of.poll() is not None or time.monotonic() > deadline:
                log = getattr(of, "log_path", None)
                raise AssertionError(
                    f"never blocked on {statement!r}: {ScheduleRun.objects.values()}\n"
                    + (log.read_text()[-3000:] if log else "")
                )
            time.sleep(0.02)


def wait_until(condition: Callable[[], bool], *, what: str, of, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            runs = list(ScheduleRun.objects.values("status", "step", "attempts", "error"))
            raise AssertionError(f"{what} not within {timeout} s: {runs}\n{log_of(of)[-3000:]}")
        time.sleep(0.05)


def log_of(*workers: subprocess.Popen) -> str:
    return "".join(worker.log_path.read_text() for worker in workers)


def received(worker: subprocess.Popen, task: str) -> int:
    """How many messages of `task` the worker received."""
    return len(re.findall(rf"Task {re.escape(task)}\[[-0-9a-f]+\] received", log_of(worker)))


def a_minute_passes() -> None:
    """The runs' heartbeats move back by LOST_AFTER (and a second): the sweep now sees a run
    whose worker died as lost."""
    gone = jobs.LOST_AFTER + timedelta(seconds=1)
    ScheduleRun.objects.update(heartbeat_at=F("heartbeat_at") - gone)


def killed_while_saving(world, organiser, worker, previous_draft) -> ScheduleRun:
    """Start a run, let the worker's saving of the draft reach the previous draft's meetings (their
    seats deleted) and wait there, SIGKILL it."""
    with rows_held(Meeting, [pk for pk, *_ in previous_draft]):
        run = schedule.start_run(event=world.event, by=organiser)  # committed: the task is sent
        wait_writing_and_blocked('DELETE FROM "matching_meeting"', of=worker)
        kill_group(worker)
    run.refresh_from_db()
    return run


def requeued(run) -> Callable[[], bool]:
    """The run was re-queued (by the sweep) or taken again already."""
    return lambda: (
        ScheduleRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING, attempts=1).count() == 0
    )


def done(run) -> Callable[[], bool]:
    return lambda: ScheduleRun.objects.get(pk=run.pk).status == RunStatus.DONE


# --- the whole worker killed while saving: the sweep ---------------------------------------------


def test_worker_killed_while_saving_the_sweep_completes_the_run_once(
    world, organiser, previous_draft, spare_redis_url, workers
):
    first = workers()
    with broker_at(spare_redis_url):
        run = killed_while_saving(world, organiser, first, previous_draft)
        left = draft(world.event)

        second = workers(concurrency=2)  # duplicates would race in two processes
        a_minute_passes()
        sweep_jobs.delay()
        wait_until(requeued(run), what="the sweep", of=second)
        run_schedule.delay(run.pk)  # and the same task delivered once more, meanwhile
        wait_until(done(run), what="the run", of=second)
        sweep_jobs.delay()  # once done, neither the sweep nor a late message does anything
        run_schedule.delay(run.pk)
        wait_until(lambda: log_of(second).count("succeeded") == 5, what="tasks", of=second)

    after = ScheduleRun.objects.get(pk=run.pk)
    assert (run.status, run.step, run.attempts) == (RunStatus.RUNNING, RunStep.SAVING, 1)
    assert left == previous_draft  # the killed transaction wrote nothing
    assert (after.status, after.attempts, after.progress) == (RunStatus.DONE, 2, 100)
    assert log_of(first, second).count("schedule applied to event") == 1  # the draft, once
    placed = Meeting.objects.filter(slot__session__event=world.event)
    assert sorted(placed.values_list("request_id", flat=True)) == sorted(
        r.pk for r in world.requests
    )
    assert not {pk for pk, *_ in previous_draft} & set(placed.values_list("pk", flat=True))
    assert "'runs': {'requeued': 1, 'resent': 0, 'given_up': 0}" in log_of(second)
    assert "superseded" not in log_of(second)  # the duplicate found the run taken, did nothing


def test_control_worker_killed_while_saving_without_the_sweep_the_run_stays_running(
    world, organiser, previous_draft, spare_redis_url, workers
):
    first = workers()
    with broker_at(spare_redis_url):
        run = killed_while_saving(world, organiser, first, previous_draft)
        second = workers()
        a_minute_passes()  # no sweep
        time.sleep(5)

    run.refresh_from_db()
    assert (run.status, run.step, run.attempts) == (RunStatus.RUNNING, RunStep.SAVING, 1)
    assert draft(world.event) == previous_draft
    assert received(second, "matching.run_schedule") == 0
    with translation.override("en"), pytest.raises(ValidationError, match="already under way"):
        schedule.start_run(event=world.event, by=organiser)


def test_with_beat_running_the_run_completes_within_two_minutes_of_a_worker_being_back(
    tmp_path, world, organiser, previous_draft, spare_redis_url, workers
):
    """The same fault in real time: beat's own schedule, no time moved back."""
    first = workers()
    beat_log = tmp_path / "beat.log"
    with beat_log.open("wb") as log:
        beat = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "beat", "-l", "info"],
            env=subprocess_env(
                {
                    "REDIS_URL": spare_redis_url,
                    "CELERY_BEAT_SCHEDULE_FILENAME": str(tmp_path / "beat-schedule"),
                }
            ),
            cwd=BASE_DIR,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    beat.log_path = beat_log
    try:
        with broker_at(spare_redis_url):
            run = killed_while_saving(world, organiser, first, previous_draft)
            second = workers()
            back = time.monotonic()
            wait_until(done(run), what="the run", of=second, timeout=150)
            seconds = time.monotonic() - back
    finally:
        kill_group(beat)

    run.refresh_from_db()
    print(f"done {seconds:.1f} s after the worker was back")
    assert seconds < 120
    assert run.attempts == 2
    assert "'runs': {'requeued': 1" in log_of(second)
    assert log_of(first, second).count("schedule applied to event") == 1


# --- only the pool's child killed: the task comes back at once ----------------------------------


def child_killed_while_saving(world, organiser, worker, previous_draft) -> ScheduleRun:
    """As `killed_while_saving`, but SIGKILL only the pool process running the task (as the OOM
    killer would); the worker's main process lives on."""
    with rows_held(Meeting, [pk for pk, *_ in previous_draft]):
        run = schedule.start_run(event=world.event, by=organiser)
        wait_writing_and_blocked('DELETE FROM "matching_meeting"', of=worker)
        run.refresh_from_db()
        child = int(run.worker.rpartition(":")[2])
        assert child != worker.pid
        os.kill(child, signal.SIGKILL)
    return run


def test_pool_process_killed_the_task_comes_back_at_once_and_completes(
    world, organiser, previous_draft, spare_redis_url, workers
):
    worker = workers(concurrency=1)
    with broker_at(spare_redis_url):
        started = time.monotonic()
        run = child_killed_while_saving(world, organiser, worker, previous_draft)
        wait_until(done(run), what="the run", of=worker, timeout=30)  # no sweep sent
        seconds = time.monotonic() - started

    run.refresh_from_db()
    assert run.attempts == 2
    assert "WorkerLostError" in log_of(worker)
    assert "died; the task came back" in log_of(worker)
    assert log_of(worker).count("schedule applied to event") == 1
    assert Meeting.objects.filter(slot__session__event=world.event).count() == 4
    assert seconds < 30


def test_control_pool_process_killed_without_reject_on_worker_lost_the_run_stays_running(
    world, organiser, previous_draft, spare_redis_url, workers
):
    worker = workers(concurrency=1, env={"CELERY_TASK_REJECT_ON_WORKER_LOST": "0"})
    with broker_at(spare_redis_url):
        run = child_killed_while_saving(world, organiser, worker, previous_draft)
        wait_until(lambda: "WorkerLostError" in log_of(worker), what="the loss", of=worker)
        time.sleep(5)

    run.refresh_from_db()
    assert (run.status, run.attempts) == (RunStatus.RUNNING, 1)
    assert draft(world.event) == previous_draft
    assert received(worker, "matching.run_schedule") == 1  # never again


# --- a print job: the same rule ---------------------------------------------------------------


def print_killed_while_rendering(world, organiser, worker) -> PrintJob:
    """Start the printed documents, SIGKILL the worker as soon as it has taken the job (the first
    render, fonts loaded, takes it well over the poll's 20 ms)."""
    printing.start_print(event=world.event, by=organiser)
    deadline = time.monotonic() + 60
    while not PrintJob.objects.filter(status=RunStatus.RUNNING).exists():
        assert time.monotonic() < deadline, log_of(worker)[-3000:]
        time.sleep(0.02)
    kill_group(worker)
    return PrintJob.objects.get()


def test_worker_killed_while_printing_the_sweep_completes_the_job_once(
    world, organiser, previous_draft, spare_redis_url, workers
):
    first = workers()
    with broker_at(spare_redis_url):
        job = print_killed_while_rendering(world, organiser, first)
        second = workers()
        PrintJob.objects.update(heartbeat_at=F("heartbeat_at") - jobs.LOST_AFTER * 2)
        sweep_jobs.delay()
        wait_until(
            lambda: PrintJob.objects.filter(status=RunStatus.DONE).exists(),
            what="the job",
            of=second,
        )

    done_job = PrintJob.objects.get()
    assert (job.status, job.attempts, bool(job.agendas)) == (RunStatus.RUNNING, 1, False)
    assert (done_job.attempts, done_job.done) == (2, done_job.total)
    assert done_job.agendas and done_job.badges and done_job.table_signs
    assert "'prints': {'requeued': 1" in log_of(second)


def test_control_worker_killed_while_printing_without_the_sweep_the_job_stays_running(
    world, organiser, previous_draft, spare_redis_url, workers
):
    first = workers()
    with broker_at(spare_redis_url):
        print_killed_while_rendering(world, organiser, first)
        workers()
        PrintJob.objects.update(heartbeat_at=F("heartbeat_at") - jobs.LOST_AFTER * 2)
        time.sleep(5)

    job = PrintJob.objects.get()
    assert (job.status, job.attempts, bool(job.agendas)) == (RunStatus.RUNNING, 1, False)


# --- a publication killed in the middle --------------------------------------------------------


PUBLISH = """
from accounts.models import User
from events.models import Event
from matching.services.schedule import publish_schedule
publish_schedule(event=Event.objects.get(pk={event}), by=User.objects.get(pk={user}))
"""


def test_publication_killed_in_the_middle_leaves_the_previous_version_whole(
    tmp_path, world, organiser, previous_draft
):
    first = schedule.publish_schedule(event=world.event, by=organiser)
    book_meeting(
        request=world.requests[2], slot=world.slots[1], table=world.tables[0], by=organiser
    )
    sequences = dict(MeetingRequest.objects.values_list("pk", "ical_sequence"))
    emails = OutboxMessage.objects.count()
    log_path = tmp_path / "publish.log"

    with rows_held(MeetingRequest, [r.pk for r in world.requests]), log_path.open("wb") as log:
        code = PUBLISH.format(event=world.event.pk, user=organiser.pk)
        publisher = subprocess.Popen(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=BASE_DIR,
            env=subprocess_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        publisher.log_path = log_path
        try:
            # The version row is written; the requests' calendar sequences wait for the rows.
            wait_writing_and_blocked('UPDATE "matching_meetingrequest"', of=publisher)
        finally:
            kill_group(publisher)

    assert list(ScheduleVersion.objects.filter(event=world.event)) == [first]
    assert dict(MeetingRequest.objects.values_list("pk", "ical_sequence")) == sequences
    assert OutboxMessage.objects.count() == emails
    # The draft still differs from version 1: publishing again works, as version 2.
    assert schedule.publish_schedule(event=world.event, by=organiser).number == 2
