"""The organisers' printed documents (matching/printing.py renders them): started from the print
page, made by the Celery task `matching.print_documents`, kept in MEDIA (PrintJob's files) until
the next run replaces them. The participant's own agenda is rendered on request (a page)."""

from __future__ import annotations

import datetime as dt
import logging
import math
import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from core.locking import lock, locked_transaction
from events.badges import BADGES_PER_SHEET
from events.models import Event, Table
from matching import printing
from matching.enums import RunStatus
from matching.models import PrintJob
from matching.services import jobs

logger = logging.getLogger(__name__)

# An active job with no sign of life for this long (neither its worker's progress nor the sweep's
# re-sending, services/jobs.py) no longer blocks a new one.
STALE_PRINT = dt.timedelta(minutes=5)
FILES = ("agendas", "badges", "table_signs")


def start_print(*, event: Event, by: User) -> PrintJob:
    """Queue the making of the event's printed documents.

    Side effects, in order: check the permission; lock the event's job row (made on the first
    run); refuse while a run is under way (unless it shows no sign of life for STALE_PRINT:
    normally the sweep, `sweep_prints`, sends a lost one again long before); reset the row (the previous
    files stay downloadable until the new ones replace them); on commit, queue the task."""
    if not by.has_perm("matching.print_documents", event):
        raise PermissionDenied
    with locked_transaction():
        PrintJob.objects.get_or_create(event=event, defaults={"status": RunStatus.DONE})
        job = lock(PrintJob.objects.filter(event=event)).get()
        if job.active and job.heartbeat_at > timezone.now() - STALE_PRINT:
            raise ValidationError(_("The documents are already being made."))
        job.status = RunStatus.QUEUED
        job.done = job.total = 0
        job.error = ""
        job.requested_by = by
        job.requested_at = job.heartbeat_at = timezone.now()
        job.attempts, job.worker = 0, ""
        job.started_at = job.finished_at = None
        job.language = translation.get_language() or job.language
        job.save()
        transaction.on_commit(lambda: _queue(job.pk))
    logger.info("print job %s queued for event %s by user %s", job.pk, event.pk, by.pk)
    return job


def _queue(job_id: int) -> None:
    """Queue the task; a broker that cannot be reached fails the job with a message saying so."""
    from matching.tasks import print_documents

    try:
        print_documents.delay(job_id)
    except Exception:  # the broker's errors vary with the transport
        logger.warning("print job %s: broker unavailable", job_id, exc_info=True)
        _fail(job_id, _("The background worker could not be reached. Try again in a moment."))


def _fail(job_id: int, message: str, *, attempt: int | None = None) -> None:
    """Mark the job failed; with `attempt`, only while that claim holds it (services/jobs.py)."""
    with locked_transaction():
        rows = PrintJob.objects.filter(pk=job_id)
        if attempt is not None:
            rows = rows.filter(status=RunStatus.RUNNING, attempts=attempt)
        rows.update(status=RunStatus.FAILED, error=message, finished_at=timezone.now(), worker="")


def _advance(job_id: int, attempt: int, pages: int) -> None:
    """Count pages made (committed at once: the print page polls the row), which is also the
    job's heartbeat; a superseded attempt stops here (`jobs.Superseded`)."""
    with locked_transaction():
        counted = PrintJob.objects.filter(
            pk=job_id, status=RunStatus.RUNNING, attempts=attempt
        ).update(done=F("done") + pages, heartbeat_at=timezone.now())
    if not counted:
        raise jobs.Superseded(f"PrintJob {job_id} attempt {attempt}")


def execute_print(*, job_id: int) -> PrintJob | None:
    """Make the documents of a queued job (the task); does nothing unless it claims the job
    (`jobs.claim`: a queued job, or one whose worker died here). The files and "done" are
    written only while this attempt's claim holds."""
    with locked_transaction():
        job = lock(PrintJob.objects.filter(pk=job_id).select_related("event")).first()
        if job is None or not jobs.claim(job):
            return job
        attempt = job.attempts
        event = job.event
        people = list(printing.participants(event))
        tables = Table.objects.filter(event=event).count()
        job.status = RunStatus.RUNNING
        job.started_at = timezone.now()
        job.done = 0
        job.total = len(people) + math.ceil(len(people) / BADGES_PER_SHEET) + tables
        job.save(update_fields=["status", "started_at", "done", "total"])

    def progress(pages: int) -> None:
        _advance(job_id, attempt, pages)

    makers = {
        "agendas": lambda: printing.agendas_pdf(event, people, progress=progress),
        "badges": lambda: printing.badges_pdf(event, people, progress=progress),
        "table_signs": lambda: printing.table_signs_pdf(event, progress=progress),
    }
    made, seconds = {}, {}
    try:
        with translation.override(job.language):
            for name, make in makers.items():
                started = time.monotonic()
                made[name] = make()
                seconds[name] = round(time.monotonic() - started, 1)
    except jobs.Superseded:
        logger.warning("print job %s: attempt %s superseded, stopped", job_id, attempt)
        return None
    except Exception:
        logger.exception("print job %s failed", job_id)
        message = _("The documents could not be made. Try again; if it fails again, tell us.")
        _fail(job_id, message, attempt=attempt)
        return PrintJob.objects.get(pk=job_id)
    counts = {"participants": len(people), "tables": tables, "seconds": seconds}
    try:
        return _finish(job_id, attempt, made, counts)
    except jobs.Superseded:
        logger.warning("print job %s: attempt %s superseded, files not kept", job_id, attempt)
        return None


def _finish(job_id: int, attempt: int, made: dict[str, bytes], counts: dict) -> PrintJob:
    """Store the new files, then let the previous run's go once this is committed; only while
    claim `attempt` holds the job (else `jobs.Superseded`)."""
    with locked_transaction():
        job = jobs.hold(PrintJob.objects.select_related("event"), job_id, attempt)
        old = [getattr(job, name).name for name in FILES if getattr(job, name)]
        slug = job.event.slug
        for name in FILES:
            getattr(job, name).save(f"{slug}-{name}.pdf", ContentFile(made[name]), save=False)
        job.status = RunStatus.DONE
        job.done = job.total
        job.counts = counts
        job.finished_at, job.worker = timezone.now(), ""
        job.save()
        storage = job.agendas.storage
        transaction.on_commit(lambda: [storage.delete(name) for name in old])
    return job


def sweep_prints() -> dict[str, int]:
    """Send again the print jobs a dead worker left running or whose message was lost; fail those
    interrupted too often (`jobs.sweep`; the body of `matching.sweep_jobs`)."""
    from matching.tasks import print_documents

    return jobs.sweep(
        PrintJob.objects.all(),
        reset={"done": 0},
        send=lambda pk: print_documents.delay(pk),
    )
