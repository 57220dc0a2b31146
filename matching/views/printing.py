"""Printed documents: the organisers' print page (a background job with its progress, polled by
htmx from the job's row, so a reload shows it too) and downloads; a participant's own agenda."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.pdf import pdf_response
from events.enums import RegistrationStatus
from events.models import Registration
from events.views import event_for, event_or_404
from matching import printing
from matching.services import printing as services

POLL_SECONDS = 2


def _print_event(request: HttpRequest, slug: str):
    return event_for(request, slug, "matching.print_documents")


def _context(event) -> dict:
    return {"event": event, "job": printing.current_job(event), "poll": POLL_SECONDS}


@login_required
def print_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisers' print page: start a run, follow it, download its files."""
    event = _print_event(request, slug)
    context = _context(event) | {"section": "print"}
    return render(request, "matching/console/print.html", context)


@login_required
def print_status(request: HttpRequest, slug: str) -> HttpResponse:
    """The job's state and progress (polled while it runs)."""
    event = _print_event(request, slug)
    return render(request, "matching/console/print.html#status", _context(event))


@login_required
@require_POST
def print_start(request: HttpRequest, slug: str) -> HttpResponse:
    event = _print_event(request, slug)
    refused = []
    try:
        services.start_print(event=event, by=request.user)
    except ValidationError as error:
        refused = error.messages
    if request.htmx:
        context = _context(event) | {"refused": refused}
        return render(request, "matching/console/print.html#status", context)
    for message in refused:
        messages.error(request, message)
    return redirect("matching:print", event.slug)


@login_required
def print_download(request: HttpRequest, slug: str, part: str) -> FileResponse:
    """One of the last run's files (organisers only: agendas and badges carry check-in codes)."""
    event = _print_event(request, slug)
    job = printing.current_job(event)
    if part not in services.FILES or job is None or not getattr(job, part):
        raise Http404
    name = f"{slugify(event.slug)}-{part.replace('_', '-')}.pdf"
    return FileResponse(
        getattr(job, part).open("rb"),
        as_attachment=True,
        filename=name,
        content_type="application/pdf",
    )


@login_required
def agenda_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    """A participant's own agenda, one A4 page (rendered now: it is one page)."""
    event = event_or_404(request, slug)
    registration = (
        Registration.objects.select_related("event", "user", "organisation")
        .filter(event=event, user=request.user, status=RegistrationStatus.VALIDATED)
        .first()
    )
    if registration is None:
        raise PermissionDenied
    pdf = printing.agenda_pdf(event, registration)
    return pdf_response(pdf, _("agenda %(event)s") % {"event": event.slug})
