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
from core.queue import queue_on_commit
from events.badges import BADGES_PER_SHEET
from events.models import Event, Table
from matching import printing
from matching.enums import RunStatus
from matching.models import PrintJob

logger = logging.getLogger(__name__)

# A job queued or running for longer than this lost its worker: a new one may start.
STALE_PRINT = dt.timedelta(minutes=30)
FILES = ("agendas", "badges", "table_signs")


def start_print(*, event: Event, by: User) -> PrintJob:
    """Queue the making of the event's printed documents.

    Side effects, in order: check the permission; lock the event's job row (made on the first
    run); refuse while a run is under way (unless it went stale); reset the row (the previous
    files stay downloadable until the new ones replace them); on commit, queue the task."""
    if not by.has_perm("matching.print_documents", event):
        raise PermissionDenied
    with locked_transaction():
        PrintJob.objects.get_or_create(event=event, defaults={"status": RunStatus.DONE})
        job = lock(PrintJob.objects.filter(event=event)).get()
        if job.active and job.requested_at > timezone.now() - STALE_PRINT:
            raise ValidationError(_("The documents are already being made."))
        job.status = RunStatus.QUEUED
        job.done = job.total = 0
        job.error = ""
        job.requested_by = by
        job.requested_at = timezone.now()
        job.started_at = job.finished_at = None
        job.language = translation.get_language() or job.language
        job.save()
        _queue(job.pk)
    logger.info("print job %s queued for event %s by user %s", job.pk, event.pk, by.pk)
    return job


def _queue(job_id: int) -> None:
    """Queue the task on commit; a broker that cannot be reached fails the job with a message
    saying so (core/queue.py), so that the organiser can ask again."""
    from matching.tasks import print_documents

    message = _("The background worker could not be reached. Try again in a moment.")
    queue_on_commit(print_documents, job_id, on_failure=lambda: _fail(job_id, message))


def _fail(job_id: int, message: str) -> None:
    with locked_transaction():
        PrintJob.objects.filter(pk=job_id).update(
            status=RunStatus.FAILED, error=message, finished_at=timezone.now()
        )


def _advance(job_id: int, pages: int) -> None:
    """Count pages made (committed at once: the print page polls the row)."""
    with locked_transaction():
        PrintJob.objects.filter(pk=job_id).update(done=F("done") + pages)


def execute_print(*, job_id: int) -> PrintJob | None:
    """Make the documents of a queued job (the task); does nothing unless the job is queued."""
    with locked_transaction():
        job = lock(PrintJob.objects.filter(pk=job_id).select_related("event")).first()
        if job is None or job.status != RunStatus.QUEUED:
            return job
        event = job.event
        people = list(printing.participants(event))
        tables = Table.objects.filter(event=event).count()
        job.status = RunStatus.RUNNING
        job.started_at = timezone.now()
        job.done = 0
        job.total = len(people) + math.ceil(len(people) / BADGES_PER_SHEET) + tables
        job.save(update_fields=["status", "started_at", "done", "total"])

    def progress(pages: int) -> None:
        _advance(job_id, pages)

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
    except Exception:
        logger.exception("print job %s failed", job_id)
        _fail(job_id, _("The documents could not be made. Try again; if it fails again, tell us."))
        return PrintJob.objects.get(pk=job_id)
    counts = {"participants": len(people), "tables": tables, "seconds": seconds}
    return _finish(job_id, made, counts)


def _finish(job_id: int, made: dict[str, bytes], counts: dict) -> PrintJob:
    """Store the new files, then let the previous run's go once this is committed."""
    with locked_transaction():
        job = lock(PrintJob.objects.filter(pk=job_id).select_related("event")).get()
        old = [getattr(job, name).name for name in FILES if getattr(job, name)]
        slug = job.event.slug
        for name in FILES:
            getattr(job, name).save(f"{slug}-{name}.pdf", ContentFile(made[name]), save=False)
        job.status = RunStatus.DONE
        job.done = job.total
        job.counts = counts
        job.finished_at = timezone.now()
        job.save()
        storage = job.agendas.storage
        transaction.on_commit(lambda: [storage.delete(name) for name in old])
    return job
