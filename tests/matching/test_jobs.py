"""The rule that lets engine runs and print jobs survive their worker (matching/services/jobs.py),
in the process: the claim and its token, the heartbeat, the sweep, the attempts' limit. The same
faults with real workers SIGKILLed: tests/matching/test_worker_faults.py."""

import subprocess
import time

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from matching import bridge, engine
from matching.enums import RunStatus, RunStep
from matching.models import Meeting, PrintJob, ScheduleRun
from matching.services import jobs, printing
from matching.services import schedule as services
from matching.tasks import sweep_jobs
from tests.matching.schedule_world import eager_tasks, make_world  # noqa: F401


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def world(event):
    return make_world(event)


def lost(**fields) -> dict:
    """A row's fields as a dead worker leaves them: no sign of life for longer than LOST_AFTER."""
    gone = timezone.now() - jobs.LOST_AFTER * 2
    return {"status": RunStatus.RUNNING, "attempts": 1, "heartbeat_at": gone, **fields}


def dead_worker() -> str:
    """The identity of a process of this machine that has exited."""
    process = subprocess.Popen(["true"])
    process.wait()
    return f"{jobs.identity().rpartition(':')[0]}:{process.pid}"


def meetings(event) -> int:
    return Meeting.objects.filter(slot__session__event=event).count()


# --- the sweep --------------------------------------------------------------------------------


def test_the_sweep_sends_a_lost_run_again_and_it_completes(
    world, organiser, django_capture_on_commit_callbacks
):
    run = ScheduleRun.objects.create(
        event=world.event, requested_by=organiser, **lost(step=RunStep.SOLVING, progress=20)
    )

    with django_capture_on_commit_callbacks(execute=True):
        counts = sweep_jobs()

    run.refresh_from_db()
    assert counts["runs"] == {"requeued": 1, "resent": 0, "given_up": 0}
    assert (run.status, run.attempts, run.progress, run.worker) == (RunStatus.DONE, 2, 100, "")
    assert meetings(world.event) == 2


def test_the_sweep_sends_again_a_queued_run_whose_message_was_lost(
    world, organiser, django_capture_on_commit_callbacks
):
    run = ScheduleRun.objects.create(
        event=world.event, requested_by=organiser, **lost(status=RunStatus.QUEUED, attempts=0)
    )

    with django_capture_on_commit_callbacks(execute=True):
        counts = services.sweep_runs()

    run.refresh_from_db()
    assert counts == {"requeued": 0, "resent": 1, "given_up": 0}
    assert (run.status, run.attempts) == (RunStatus.DONE, 1)


def test_the_sweep_leaves_alone_a_run_that_shows_signs_of_life(world, organiser):
    run = ScheduleRun.objects.create(
        event=world.event, requested_by=organiser, **lost(heartbeat_at=timezone.now())
    )

    assert services.sweep_runs() == {"requeued": 0, "resent": 0, "given_up": 0}
    run.refresh_from_db()
    assert (run.status, run.attempts) == (RunStatus.RUNNING, 1)


def test_a_run_interrupted_max_times_is_failed_and_the_console_says_so(
    client, world, organiser, django_capture_on_commit_callbacks
):
    run = ScheduleRun.objects.create(
        event=world.event, requested_by=organiser, **lost(attempts=jobs.MAX_ATTEMPTS)
    )

    with django_capture_on_commit_callbacks(execute=True):
        counts = services.sweep_runs()

    run.refresh_from_db()
    assert counts == {"requeued": 0, "resent": 0, "given_up": 1}
    assert run.status == RunStatus.FAILED
    assert run.error.startswith("Interrupted 3 times (the background worker stopped each time)")
    assert meetings(world.event) == 0
    client.force_login(organiser)
    page = client.get(reverse("matching:schedule", args=[world.event.slug])).content.decode()
    assert run.error in page
    services.start_run(event=world.event, by=organiser)  # a new run may start


def test_the_console_says_a_run_was_taken_up_again(client, world, organiser):
    ScheduleRun.objects.create(
        event=world.event, requested_by=organiser, status=RunStatus.QUEUED, attempts=1
    )
    client.force_login(organiser)

    page = client.get(reverse("matching:schedule", args=[world.event.slug])).content.decode()

    assert "Reprise : le traitement en arrière-plan s’est arrêté pendant le calcul." in page


def test_a_run_with_no_sign_of_life_for_long_no_longer_blocks_a_new_one(world, organiser):
    stale = ScheduleRun.objects.create(
        event=world.event,
        requested_by=organiser,
        **lost(heartbeat_at=timezone.now() - services.STALE_RUN * 2),
    )

    run = services.start_run(event=world.event, by=organiser)

    stale.refresh_from_db()
    assert (stale.status, run.status) == (RunStatus.FAILED, RunStatus.QUEUED)


# --- the claim and its token ------------------------------------------------------------------


def test_a_superseded_attempt_writes_nothing(world, organiser):
    """Attempt 1 goes on after the sweep re-queued its run and attempt 2 took it: neither its
    steps, nor its result, nor its failure are written."""
    run = ScheduleRun.objects.create(
        event=world.event, requested_by=organiser, **lost(attempts=2, heartbeat_at=timezone.now())
    )
    built = bridge.build(world.event, keep_booked=True)
    result = engine.solve(built.problem, time_limit=2.0, seed=0)

    with pytest.raises(jobs.Superseded):
        services._advance(run.pk, 1, RunStep.SAVING)
    with pytest.raises(jobs.Superseded):
        services._save_and_finish(run.pk, 1, world.event, result, {})
    assert services._fail(run.pk, "late", [], attempt=1) is None

    run.refresh_from_db()
    assert (run.status, run.step, run.attempts) == (RunStatus.RUNNING, RunStep.WAITING, 2)
    assert meetings(world.event) == 0
    services._save_and_finish(run.pk, 2, world.event, result, {})  # the holder of the claim
    assert meetings(world.event) == 2


def test_a_task_that_comes_back_takes_over_a_run_whose_worker_died_here(world, organiser):
    run = ScheduleRun.objects.create(
        event=world.event, requested_by=organiser, **lost(worker=dead_worker())
    )

    services.execute_run(run_id=run.pk, time_limit=2.0)

    run.refresh_from_db()
    assert (run.status, run.attempts) == (RunStatus.DONE, 2)


def test_a_task_delivered_twice_leaves_a_run_held_by_a_live_worker(world, organiser):
    run = ScheduleRun.objects.create(
        event=world.event, requested_by=organiser, **lost(worker=jobs.identity())
    )
    other = ScheduleRun.objects.create(
        event=world.event,
        requested_by=organiser,
        **lost(status=RunStatus.DONE, worker="elsewhere:1"),
    )

    assert services.execute_run(run_id=run.pk, time_limit=2.0) is None
    assert services.execute_run(run_id=other.pk, time_limit=2.0) is None
    run.refresh_from_db()
    assert (run.status, run.attempts) == (RunStatus.RUNNING, 1)


def test_a_task_that_comes_back_once_too_often_fails_the_run(world, organiser):
    run = ScheduleRun.objects.create(
        event=world.event,
        requested_by=organiser,
        **lost(worker=dead_worker(), attempts=jobs.MAX_ATTEMPTS),
    )

    assert services.execute_run(run_id=run.pk, time_limit=2.0) is None

    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "Interrupted 3 times" in run.error


@pytest.mark.django_db(transaction=True)
def test_a_running_job_beats_from_a_thread_while_it_works(world, organiser):
    run = ScheduleRun.objects.create(event=world.event, requested_by=organiser, **lost())
    before = run.heartbeat_at

    with jobs.beating(ScheduleRun.objects, run.pk, 1, every=0.05):
        time.sleep(0.5)
    run.refresh_from_db()
    beaten = run.heartbeat_at
    with jobs.beating(ScheduleRun.objects, run.pk, 2, every=0.05):  # another attempt's: no beat
        time.sleep(0.3)
    run.refresh_from_db()

    assert beaten > before + jobs.LOST_AFTER
    assert run.heartbeat_at == beaten


# --- print jobs: the same rule ---------------------------------------------------------------


def test_the_sweep_sends_a_lost_print_job_again_and_it_completes(
    world, organiser, django_capture_on_commit_callbacks
):
    job = PrintJob.objects.create(event=world.event, requested_by=organiser, **lost(done=7))

    with django_capture_on_commit_callbacks(execute=True):
        counts = printing.sweep_prints()

    job.refresh_from_db()
    assert counts == {"requeued": 1, "resent": 0, "given_up": 0}
    assert (job.status, job.attempts) == (RunStatus.DONE, 2)
    assert job.agendas and job.done == job.total


def test_a_print_job_interrupted_max_times_is_failed(world, organiser):
    job = PrintJob.objects.create(
        event=world.event, requested_by=organiser, **lost(attempts=jobs.MAX_ATTEMPTS)
    )

    printing.sweep_prints()

    job.refresh_from_db()
    assert job.status == RunStatus.FAILED
    assert "Interrupted 3 times" in job.error


def test_a_superseded_print_attempt_keeps_no_files(world, organiser):
    job = PrintJob.objects.create(
        event=world.event, requested_by=organiser, **lost(attempts=2, heartbeat_at=timezone.now())
    )

    with pytest.raises(jobs.Superseded):
        printing._advance(job.pk, 1, 3)
    with pytest.raises(jobs.Superseded):
        printing._finish(job.pk, 1, dict.fromkeys(printing.FILES, b"%PDF-"), {})

    job.refresh_from_db()
    assert (job.status, job.done, bool(job.agendas)) == (RunStatus.RUNNING, 0, False)


# --- the settings that make it work ------------------------------------------------------------


def test_the_settings_redeliver_a_dead_workers_task_and_never_a_live_one(settings):
    """acks_late with reject-on-worker-lost; the broker's visibility timeout above the hard limit
    of any task (a live task is never delivered twice); the sweep often enough that a lost job is
    re-queued within two minutes."""
    from config.celery import app

    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    assert visibility > app.conf.task_time_limit > app.conf.task_soft_time_limit > 0
    sweep = settings.CELERY_BEAT_SCHEDULE["matching-sweep-jobs"]
    assert sweep["task"] == "matching.sweep_jobs"
    assert jobs.LOST_AFTER.total_seconds() + sweep["schedule"] <= 90
    assert jobs.LOST_AFTER.total_seconds() >= 4 * jobs.BEAT_EVERY
