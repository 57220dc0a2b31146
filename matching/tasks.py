"""Background jobs of the matching app. Tasks take ids, are queued on commit and are idempotent:
each re-reads its row under lock and acts only once (see the services they call)."""

from celery import shared_task

from matching.services import quiet_period, schedule


@shared_task(name="matching.run_schedule")
def run_schedule(run_id: int) -> str | None:
    """Solve a queued scheduling run and save its draft; does nothing unless the run is queued."""
    run = schedule.execute_run(run_id=run_id)
    return run.status if run is not None else None


@shared_task(name="matching.notify_schedule_version")
def notify_schedule_version(version_id: int) -> int:
    """Email the people whose meetings changed with a published version; once per version."""
    return schedule.notify_version(version_id=version_id)


@shared_task(name="matching.notify_quiet_period_lapse")
def notify_quiet_period_lapse(request_ids: list[int]) -> int:
    """Tell both sides of meeting requests lapsed by a pitch's quiet period; once per request."""
    return quiet_period.notify_quiet_period_lapse(request_ids=request_ids)


@shared_task(name="matching.sweep_quiet_period_lapses")
def sweep_quiet_period_lapses() -> int:
    """Periodic (Celery beat): tell the people whose requests a quiet period lapsed when the email
    task was lost. Returns the number of emails sent."""
    ids = quiet_period.unnotified_quiet_period_lapses()
    return quiet_period.notify_quiet_period_lapse(request_ids=ids) if ids else 0
