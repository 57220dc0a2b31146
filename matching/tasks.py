"""Background jobs of the matching app. Tasks take ids, are queued on commit and are idempotent:
each re-reads its row under lock and acts only once (see the services they call)."""

from celery import shared_task

from matching.services import printing, schedule


@shared_task(name="matching.run_schedule")
def run_schedule(run_id: int) -> str | None:
    """Solve a queued scheduling run and save its draft; does nothing unless the run is queued."""
    run = schedule.execute_run(run_id=run_id)
    return run.status if run is not None else None


@shared_task(name="matching.print_documents")
def print_documents(job_id: int) -> str | None:
    """Make an event's printed documents (agendas, badges, table signs); only a queued job."""
    job = printing.execute_print(job_id=job_id)
    return job.status if job is not None else None


@shared_task(name="matching.sweep_jobs")
def sweep_jobs() -> dict[str, dict[str, int]]:
    """Periodic (Celery beat, every 30 s): the engine runs and print jobs whose worker or message
    was lost are sent again, or failed after too many attempts (services/jobs.py)."""
    return {"runs": schedule.sweep_runs(), "prints": printing.sweep_prints()}
