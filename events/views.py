"""Event pages: the public event page and programme, registration, and the organiser console.

Views are thin: permission check, form, service call, redirect or render."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts import services as accounts_services
from accounts.enums import OrganisationKind
from accounts.models import Organisation, User
from core import pdf as pdf_module
from core import spreadsheets, times
from core.pagecache import LIVE_SECONDS, page_cache
from core.pagination import paginate
from core.views import refuse, require
from notifications.queries import counts_by_kind

from . import badges, day, ical, imports, queries, services, surveys
from . import exports as export_registry
from .enums import PHASE_TRANSITIONS, Phase, RegistrationRole, RegistrationStatus
from .forms import (
    BulkTablesForm,
    EventForm,
    FeedbackForm,
    ImportForm,
    OnBehalfForm,
    OrganiserForm,
    PhaseForm,
    RefuseForm,
    RegistrationFilter,
    RegistrationForm,
    RoomForm,
    SessionForm,
    SurveyForm,
    TableForm,
    unavailability_formset,
)
from .models import Event, Feedback, Registration, Room, Session, Table, table_order
from .rules import feedback_window, registration_open

logger = logging.getLogger(__name__)


def event_or_404(request: HttpRequest, slug: str, perm: str = "events.view_event") -> Event:
    """The event, when the user holds `perm` on it; a 404 otherwise, so drafts stay private.
    Every app's views find their event through here."""
    event = get_object_or_404(Event, slug=slug)
    if not request.user.has_perm(perm, event):
        raise Http404
    return event


def event_for(request: HttpRequest, slug: str, perm: str) -> Event:
    """The event for a user holding `perm` on it: 404 if they may not even see the event, 403
    if they may see it but not do this."""
    event = event_or_404(request, slug)
    require(request, perm, event)
    return event


def _managed_event(request: HttpRequest, slug: str) -> Event:
    """The event, for its organisers and staff; 403 for others who can see it, 404 otherwise."""
    return event_for(request, slug, "events.manage_event")


def _apply_errors(form, error: ValidationError) -> None:
    """Put a service's refusal on the form: on its fields where they exist, else on top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- Public ---------------------------------------------------------------------------------


@page_cache
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_or_404(request, slug)
    registration = None
    if request.user.is_authenticated:
        registration = event.registrations.filter(user=request.user).first()
    context = {
        "event": event,
        "days": queries.programme_by_day(event),
        "registration": registration,
        "can_register": request.user.has_perm("events.register", event),
        "registration_open": registration_open(request.user, event),
        "can_manage": request.user.has_perm("events.manage_event", event),
        "can_give_feedback": request.user.has_perm("events.give_feedback", event),
    }
    return render(request, "events/detail.html", context)


@login_required
def create(request: HttpRequest) -> HttpResponse:
    require(request, "events.add_event")
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.create_event(created_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The event is created as a draft; only organisers see it."))
            return redirect("events:console", slug=event.slug)
    return render(request, "events/event_form.html", {"form": form, "event": None})


# --- Registration by the person -------------------------------------------------------------


@login_required
def register(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_or_404(request, slug)
    if not request.user.has_perm("events.register", event):
        raise PermissionDenied(_("Registration is not open for this event."))
    registration = (
        event.registrations.filter(user=request.user)
        .exclude(status=RegistrationStatus.CANCELLED)
        .prefetch_related("unavailabilities")
        .first()
    )
    default = queries.default_registration_organisation(request.user)
    initial = {"organisation": default.pk if default else None}
    if registration is not None:
        initial = {
            "organisation": registration.organisation_id,
            "max_meetings": registration.max_meetings,
            "needs_accessible_table": registration.needs_accessible_table,
            "accessibility_needs": registration.accessibility_needs,
        }
    data = request.POST if request.method == "POST" else None
    form = RegistrationForm(data, user=request.user, initial=initial)
    formset = unavailability_formset(event, data, registration)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        fields = form.cleaned_data | {"absences": formset.absences()}
        try:
            if registration is None:
                services.register(event=event, user=request.user, **fields)
                messages.success(request, _("You are registered; an organiser will validate it."))
            else:
                services.update_registration(registration=registration, **fields)
                messages.success(request, _("Your registration is updated."))
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            return redirect("events:detail", slug=event.slug)
    context = {"event": event, "form": form, "formset": formset, "registration": registration}
    return render(request, "events/register.html", context)


@login_required
@require_POST
def cancel_registration(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_or_404(request, slug)
    if not request.user.has_perm("events.register", event):
        raise PermissionDenied(_("Registration is not open for this event."))
    registration = get_object_or_404(
        Registration.objects.exclude(status=RegistrationStatus.CANCELLED),
        event=event,
        user=request.user,
    )
    try:
        services.cancel_registration(registration=registration, by=request.user)
    except ValidationError as error:  # e.g. Busy: someone else is booking with this person
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your registration is cancelled."))
    return redirect("events:detail", slug=event.slug)


@login_required
def feedback(request: HttpRequest, slug: str) -> HttpResponse:
    """A validated participant gives or changes their feedback on the event, from its first day
    until FEEDBACK_DAYS after its last (events.give_feedback); otherwise the page says when."""
    event = event_or_404(request, slug)
    registration = get_object_or_404(
        Registration, event=event, user=request.user, status=RegistrationStatus.VALIDATED
    )
    given = Feedback.objects.filter(registration=registration).first()
    is_open = request.user.has_perm("events.give_feedback", event)
    items = surveys.survey_items(registration)
    form = SurveyForm(request.POST or None, initial=FeedbackForm.initial_from(given), items=items)
    if request.method == "POST":
        if not is_open:
            return refuse(request, _("Feedback on this event is closed."), status=403)
        if form.is_valid():
            try:
                services.save_survey(
                    registration=registration,
                    by=request.user,
                    feedback=form.feedback_data(),
                    answers=form.answers(),
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Thank you, your feedback is saved."))
                return redirect("events:feedback", slug=event.slug)
    first, last = feedback_window(event)
    context = {
        "event": event,
        "form": form,
        "given": given,
        "items": items,
        "is_open": is_open,
        "first": first,
        "last": last,
    }
    return render(request, "events/feedback.html", context)


# --- Console: overview, event, phase, organisers ---------------------------------------------


@page_cache
@login_required
def console(request: HttpRequest, slug: str) -> HttpResponse:
    event = _managed_event(request, slug)
    current = Phase(event.phase)
    moves = sorted(PHASE_TRANSITIONS[current], key=list(Phase).index)
    counts = queries.console_counts(event)
    context = {
        "event": event,
        "counts": counts,
        "status_rows": [
            (v, label, counts["by_status"][v]) for v, label in RegistrationStatus.choices
        ],
        "role_rows": [(v, label, counts["by_role"][v]) for v, label in RegistrationRole.choices],
        "moves": [(p, list(Phase).index(p) > list(Phase).index(current)) for p in moves],
        "awaiting_verification": queries.awaiting_verification(event).count(),
        "emails": counts_by_kind(event.pk),
        "feedback": queries.feedback_summary(event),
        "section": "overview",
    }
    return render(request, "events/console.html", context)


@login_required
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    event = _managed_event(request, slug)
    form = EventForm(request.POST or None, instance=Event.objects.get(pk=event.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_event(event=event, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The event is updated."))
            return redirect("events:console", slug=event.slug)
    return render(
        request, "events/event_form.html", {"form": form, "event": event, "section": "edit"}
    )


@login_required
@require_POST
def move_phase(request: HttpRequest, slug: str) -> HttpResponse:
    event = _managed_event(request, slug)
    form = PhaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a phase to move the event to."))
    else:
        try:
            event = services.move_phase(
                event=event, to_phase=form.cleaned_data["phase"], by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("The event is now in the phase “%(phase)s”.")
                % {"phase": event.get_phase_display()},
            )
    return redirect("events:console", slug=event.slug)


@login_required
def organisers(request: HttpRequest, slug: str) -> HttpResponse:
    event = _managed_event(request, slug)
    form = OrganiserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.add_organiser(
                event=event, email=form.cleaned_data["email"], by=request.user
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("%(person)s now organises the event.") % {"person": user})
            return redirect("events:organisers", slug=event.slug)
    context = {
        "event": event,
        "form": form,
        "organisers": event.organisers.order_by("email"),
        "section": "organisers",
    }
    return render(request, "events/organisers.html", context)


@login_required
@require_POST
def organiser_remove(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    event = _managed_event(request, slug)
    user = get_object_or_404(User, pk=user_id, organised_events=event)
    try:
        services.remove_organiser(event=event, user=user, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(person)s no longer organises the event.") % {"person": user})
    if user == request.user and not request.user.has_perm("events.manage_event", event):
        return redirect("events:detail", slug=event.slug)
    return redirect("events:organisers", slug=event.slug)


# --- Console: programme, rooms, tables, slots -------------------------------------------------


@login_required
def programme(request: HttpRequest, slug: str) -> HttpResponse:
    event = _managed_event(request, slug)
    context = {"event": event, "sessions": queries.programme(event), "section": "programme"}
    return render(request, "events/programme.html", context)


def _session_form_page(request: HttpRequest, event: Event, session: Session | None) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = SessionForm(data, event=event, session=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_session(session=session, **form.service_kwargs())
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The programme is updated."))
            return redirect("events:programme", slug=event.slug)
    context = {"event": event, "form": form, "session": session, "section": "programme"}
    return render(request, "events/session_form.html", context)


@login_required
def session_create(request: HttpRequest, slug: str) -> HttpResponse:
    return _session_form_page(request, _managed_event(request, slug), None)


@login_required
def session_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _managed_event(request, slug)
    session = get_object_or_404(
        event.sessions.select_related("workshop").prefetch_related("workshop__facilitators"), pk=pk
    )
    return _session_form_page(request, event, session)


@login_required
@require_POST
def session_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _managed_event(request, slug)
    session = get_object_or_404(event.sessions, pk=pk)
    try:
        services.delete_session(session=session)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("“%(title)s” is removed from the programme.") % {"title": session.title}
        )
    return redirect("events:programme", slug=event.slug)


@login_required
def rooms(request: HttpRequest, slug: str) -> HttpResponse:
    event = _managed_event(request, slug)
    form = RoomForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_room(event=event, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The room is added."))
            return redirect("events:rooms", slug=event.slug)
    context = {
        "event": event,
        "form": form,
        "rooms": event.rooms.order_by("name"),
        "section": "rooms",
    }
    return render(request, "events/rooms.html", context)


@login_required
def room_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _managed_event(request, slug)
    room = get_object_or_404(event.rooms, pk=pk)
    form = RoomForm(request.POST or None, instance=Room.objects.get(pk=room.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.save_room(event=event, room=room, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The room is updated."))
            return redirect("events:rooms", slug=event.slug)
    context = {"event": event, "form": form, "object": room, "section": "rooms", "kind": "room"}
    return render(request, "events/simple_form.html", context)


@login_required
@require_POST
def room_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _managed_event(request, slug)
    room = get_object_or_404(event.rooms, pk=pk)
    services.delete_room(room=room)
    messages.success(request, _("The room “%(name)s” is deleted.") % {"name": room.name})
    return redirect("events:rooms", slug=event.slug)


def _tables_page(request, event, form=None, bulk_form=None, status=200) -> HttpResponse:
    context = {
        "event": event,
        "tables": event.tables.order_by(*table_order()),
        "form": form or TableForm(),
        "bulk_form": bulk_form or BulkTablesForm(),
        "section": "tables",
    }
    return render(request, "events/tables.html", context, status=status)


@login_required
def tables(request: HttpRequest, slug: str) -> HttpResponse:
    event = _managed_event(request, slug)
    form = TableForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_table(event=event, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The table is added."))
            return redirect("events:tables", slug=event.slug)
    return _tables_page(request, event, form=form)


@login_required
def tables_bulk(request: HttpRequest, slug: str) -> HttpResponse:
    event = _managed_event(request, slug)
    bulk_form = BulkTablesForm(request.POST or None)
    if request.method == "POST" and bulk_form.is_valid():
        try:
            created, skipped = services.create_tables(event=event, **bulk_form.cleaned_data)
        except ValidationError as error:
            _apply_errors(bulk_form, error)
        else:
            messages.success(
                request,
                ngettext("%(count)s table created.", "%(count)s tables created.", len(created))
                % {"count": len(created)},
            )
            if skipped:
                messages.warning(
                    request,
                    _("These tables already existed and were kept: %(names)s.")
                    % {"names": ", ".join(skipped)},
                )
            return redirect("events:tables", slug=event.slug)
    return _tables_page(request, event, bulk_form=bulk_form)


@login_required
def table_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _managed_event(request, slug)
    table = get_object_or_404(event.tables, pk=pk)
    form = TableForm(request.POST or None, instance=Table.objects.get(pk=table.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.save_table(event=event, table=table, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The table is updated."))
            return redirect("events:tables", slug=event.slug)
    context = {"event": event, "form": form, "object": table, "section": "tables", "kind": "table"}
    return render(request, "events/simple_form.html", context)


@login_required
@require_POST
def table_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _managed_event(request, slug)
    table = get_object_or_404(event.tables, pk=pk)
    try:
        services.delete_table(table=table)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The table “%(name)s” is deleted.") % {"name": table.name})
    return redirect("events:tables", slug=event.slug)


@login_required
def slots(request: HttpRequest, slug: str) -> HttpResponse:
    event = _managed_event(request, slug)
    blocks = list(queries.meeting_blocks(event))
    table_count = event.tables.count()
    context = {
        "event": event,
        "blocks": blocks,
        "table_count": table_count,
        "accessible_count": event.tables.filter(accessible=True).count(),
        "capacity": sum(len(b.slots.all()) for b in blocks) * table_count,
        "section": "slots",
    }
    return render(request, "events/slots.html", context)


# --- Console: registrations -----------------------------------------------------------------


@page_cache
@login_required
def registrations(request: HttpRequest, slug: str) -> HttpResponse:
    event = _managed_event(request, slug)
    filterset = RegistrationFilter(
        request.GET or None, queryset=queries.registrations_for_console(event)
    )
    page = paginate(filterset.qs, request.GET.get("page"))
    filters = request.GET.copy()
    filters.pop("page", None)
    context = {
        "event": event,
        "filter": filterset,
        "page": page,
        "registrations": page.object_list,
        "filters": filters.urlencode(),
        "refuse_form": RefuseForm(),
        "section": "registrations",
    }
    template = (
        "events/registrations.html#list"
        if request.htmx and not request.htmx.boosted
        else "events/registrations.html"
    )
    return render(request, template, context)


def _registration_row_context(request, event, registration_pk, form=None, **extra) -> dict:
    return {
        "event": event,
        "registration": queries.registrations_for_console(event).get(pk=registration_pk),
        "refuse_form": form or RefuseForm(),
        "filters": request.POST.get("filters", ""),
        **extra,
    }


def _registration_row(request, event, registration_pk, form=None, status=200) -> HttpResponse:
    context = _registration_row_context(request, event, registration_pk, form)
    return render(request, "events/registrations.html#row", context, status=status)


def _registration_refused(request, event, registration_pk, error: ValidationError):
    """The site's refusal (core.views.refuse); with htmx, the stale row is re-rendered too."""
    refresh = ""
    if request.htmx:
        context = _registration_row_context(request, event, registration_pk, oob=True)
        refresh = render_to_string("events/registrations.html#row", context, request=request)
    return refuse(
        request,
        " ".join(error.messages),
        redirect_to=_registrations_url(request, event),
        refresh=refresh,
    )


@login_required
@require_POST
def registration_validate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _managed_event(request, slug)
    registration = get_object_or_404(event.registrations, pk=pk)
    try:
        services.validate_registration(registration=registration, by=request.user)
    except ValidationError as error:
        return _registration_refused(request, event, pk, error)
    else:
        if request.htmx:
            return _registration_row(request, event, pk)
        messages.success(
            request,
            _("The registration of %(person)s is validated.") % {"person": registration.user},
        )
    return redirect(_registrations_url(request, event))


@login_required
@require_POST
def registration_refuse(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _managed_event(request, slug)
    registration = get_object_or_404(event.registrations, pk=pk)
    form = RefuseForm(request.POST)
    error = None
    if form.is_valid() or registration.status == RegistrationStatus.REFUSED:
        try:
            services.refuse_registration(
                registration=registration,
                by=request.user,
                reason=form.cleaned_data.get("reason", ""),
            )
        except ValidationError as exc:
            error = exc
            _apply_errors(form, exc)
    if error is not None and "reason" not in getattr(error, "error_dict", {}):
        return _registration_refused(request, event, pk, error)
    if form.is_valid() and error is None:
        if request.htmx:
            return _registration_row(request, event, pk)
        messages.success(
            request, _("The registration of %(person)s is refused.") % {"person": registration.user}
        )
    else:
        if request.htmx:
            return _registration_row(request, event, pk, form=form, status=400)
        messages.error(
            request,
            _("Say why the registration is refused.")
            if error is None
            else " ".join(error.messages),
        )
    return redirect(_registrations_url(request, event))


def _registrations_url(request: HttpRequest, event: Event) -> str:
    url = reverse("events:registrations", kwargs={"slug": event.slug})
    query = request.POST.get("filters", "")
    return f"{url}?{query}" if query else url


@login_required
def register_on_behalf(request: HttpRequest, slug: str) -> HttpResponse:
    event = _managed_event(request, slug)
    form = OnBehalfForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            registration, created = services.register_on_behalf(
                event=event, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            if created:
                message = _(
                    "%(person)s is registered and has been sent an invitation to choose a password."
                )
            else:
                message = _("%(person)s is registered.")
            messages.success(request, message % {"person": registration.user.email})
            return redirect("events:registrations", slug=event.slug)
    return render(
        request, "events/on_behalf.html", {"event": event, "form": form, "section": "registrations"}
    )


# --- Console: importing participants from a spreadsheet ----------------------------------------


def _import_page(request: HttpRequest, event: Event, form: ImportForm, **context) -> HttpResponse:
    context = {
        "event": event,
        "form": form,
        "section": "registrations",
        "columns": imports.column_help(),
        "max_rows": imports.LIMITS.rows,
        **context,
    }
    return render(request, "events/import.html", context)


@login_required
def import_people(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload a file, see every line's problems or what the import will do; nothing is written
    (events/imports.py runs the services and rolls them back). A file without problems waits in
    the session for the confirmation."""
    event = _managed_event(request, slug)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return _import_page(request, event, form)
    filename = form.cleaned_data["file"].name
    plan, _imported = imports.run(event=event, by=request.user, table=form.table, commit=False)
    token = ""
    if plan.ready:
        token = imports.keep(request.session, event, form.table, filename)
    else:
        imports.forget(request.session)
    return _import_page(request, event, ImportForm(), plan=plan, filename=filename, token=token)


@login_required
@require_POST
def import_confirm(request: HttpRequest, slug: str) -> HttpResponse:
    """Import the file previewed: every line checked again, all or nothing, in one transaction."""
    event = _managed_event(request, slug)
    pending = imports.kept(request.session, event, request.POST.get("token", ""))
    if pending is None:
        messages.error(
            request,
            _("This preview has expired or was replaced by another: choose the file again."),
        )
        return redirect("events:import_people", slug=event.slug)
    table, filename = pending
    plan, imported = imports.run(event=event, by=request.user, table=table, commit=True)
    imports.forget(request.session)
    if not imported:
        # Something changed since the preview (someone registered meanwhile...): say what.
        return _import_page(request, event, ImportForm(), plan=plan, filename=filename)
    messages.success(
        request,
        ngettext(
            "%(count)s person registered from “%(file)s”. A new person was sent an invitation to "
            "choose a password; a known one, the confirmation of their registration.",
            "%(count)s people registered from “%(file)s”. The new ones were sent an invitation to "
            "choose a password; the others, the confirmation of their registration.",
            len(plan.rows),
        )
        % {"count": len(plan.rows), "file": filename},
    )
    return redirect("events:registrations", slug=event.slug)


@login_required
def import_template(request: HttpRequest, slug: str, file_format: str) -> HttpResponse:
    """The empty template, its column names in the organiser's language (CSV, or XLSX with a
    sheet of help)."""
    _managed_event(request, slug)
    name = _("participants-import-template")
    sheets = imports.template_sheets()
    if file_format == "xlsx":
        return spreadsheets.xlsx_response(f"{name}.xlsx", spreadsheets.xlsx_bytes(sheets))
    if file_format != "csv":
        raise Http404
    response, writer = spreadsheets.csv_response(f"{name}.csv")
    _title, header, _rows = sheets[0]
    writer.writerow(header)
    return response


# --- Console: structures awaiting verification ----------------------------------------------


@login_required
def verification(request: HttpRequest, slug: str) -> HttpResponse:
    """The ESS structures of the event whose declared legal form and types (which decide their
    eligibility for reserved contracts) no organiser has verified yet."""
    event = _managed_event(request, slug)
    context = {
        "event": event,
        "organisations": queries.awaiting_verification(event),
        "section": "verification",
    }
    return render(request, "events/verification.html", context)


@login_required
@require_POST
def verification_verify(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Verify one structure of the queue through accounts.services.verify_organisation; one
    verified meanwhile by another organiser is said, not verified twice."""
    event = _managed_event(request, slug)
    organisation = get_object_or_404(
        Organisation.objects.filter(
            registrations__event=event, kind=OrganisationKind.ESS
        ).distinct(),
        pk=pk,
    )
    require(request, "accounts.verify_organisation", organisation)
    if organisation.verified_at is None:
        accounts_services.verify_organisation(organisation=organisation, actor=request.user)
        messages.success(
            request,
            _("%(name)s: legal form and types verified.") % {"name": organisation.name},
        )
    else:
        messages.info(request, _("%(name)s was already verified.") % {"name": organisation.name})
    return redirect("events:verification", slug=event.slug)


# --- Calendars (events/ical.py) ------------------------------------------------------------------


def calendar_feed(request: HttpRequest, token) -> HttpResponse:
    """A participant's private subscription feed: their day (events/day.py), found by the secret
    in the URL alone (calendar apps send no cookie). Unknown or regenerated tokens, and
    registrations no longer validated, are not found."""
    registration = get_object_or_404(
        Registration.objects.select_related("event", "organisation", "user"),
        ical_token=token,
        status=RegistrationStatus.VALIDATED,
    )
    event = registration.event
    items = day.day_items(event, registration)
    body = ical.build(event, items, name=_("%(event)s · my agenda") % {"event": event.title})
    return ical.response(
        request, body, filename=f"{event.slug}-agenda.ics", modified=ical.last_modified(items)
    )


def programme_feed(request: HttpRequest, slug: str) -> HttpResponse:
    """The event's public programme as a calendar, for whoever may see the event."""
    event = event_or_404(request, slug)
    items = [day.session_stretch(session) for session in queries.programme(event)]
    body = ical.build(event, items, name=_("%(event)s · programme") % {"event": event.title})
    return ical.response(
        request, body, filename=f"{event.slug}-programme.ics", modified=ical.last_modified(items)
    )


@login_required
@require_POST
def calendar_regenerate(request: HttpRequest, slug: str) -> HttpResponse:
    """The person gives their calendar feed a new address; the old one stops answering."""
    event = event_or_404(request, slug)
    registration = get_object_or_404(
        Registration, event=event, user=request.user, status=RegistrationStatus.VALIDATED
    )
    services.regenerate_calendar_token(registration=registration)
    messages.success(
        request,
        _(
            "Your calendar has a new address: the old one no longer works. Subscribe again with "
            "the new one."
        ),
    )
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("events:detail", slug=event.slug)


# --- Check-in desk and badges (events.services.check_in) ---------------------------------------


def _desk_event(request: HttpRequest, slug: str) -> Event:
    return event_for(request, slug, "events.check_in")


def _desk_url(request: HttpRequest, event: Event) -> str:
    url = reverse("events:checkin_desk", args=[event.slug])
    text = request.POST.get("q", "").strip()
    return f"{url}?{urlencode({'q': text})}" if text else url


def _desk_answer(
    request: HttpRequest, event: Event, registration: Registration, message: str, level: str
) -> HttpResponse:
    """The desk's answer to a check-in or an undo: with htmx, the result card and the counts
    (out of band), and an `HX-Trigger` that makes the search results re-read; without, a
    message and back to the desk."""
    if not request.htmx:
        getattr(messages, level)(request, message)
        return redirect(_desk_url(request, event))
    context = {
        "event": event,
        "registration": registration,
        "message": message,
        "level": level,
        "counts": queries.checkin_counts(event),
        "oob": True,
    }
    response = render(request, "events/checkin.html#result", context)
    response.write(render_to_string("events/checkin.html#counts", context, request=request))
    response["HX-Trigger"] = "checkin-changed"
    return response


def _checked_in(request: HttpRequest, event: Event, outcome: services.CheckIn) -> HttpResponse:
    registration = outcome.registration
    person = registration.user.get_full_name() or registration.user.email
    if outcome.already:
        at = times.hhmm(registration.checked_in_at, event)
        by = registration.checked_in_by
        if by is None:
            message = _("%(person)s is already checked in, at %(time)s.") % {
                "person": person,
                "time": at,
            }
        else:
            message = _("%(person)s is already checked in, at %(time)s by %(organiser)s.") % {
                "person": person,
                "time": at,
                "organiser": by.get_full_name() or by.email,
            }
        return _desk_answer(request, event, registration, message, "warning")
    message = _("%(person)s is checked in.") % {"person": person}
    return _desk_answer(request, event, registration, message, "success")


def _desk_refused(request: HttpRequest, event: Event, error: ValidationError) -> HttpResponse:
    return refuse(request, " ".join(error.messages), redirect_to=_desk_url(request, event))


@page_cache(seconds=LIVE_SECONDS)
@login_required
def checkin_desk(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisers' check-in desk: a code field (camera, USB scanner or typed), a live search
    by name or organisation with a check-in button per person, and the count so far."""
    event = _desk_event(request, slug)
    text = request.GET.get("q", "").strip()
    context = {
        "event": event,
        "q": text,
        "results": queries.desk_search(event, text),
        "counts": queries.checkin_counts(event),
        "section": "checkin",
    }
    if request.htmx and request.htmx.target == "checkin-results":
        response = render(request, "events/checkin.html#results", context)
        # The counts too: another desk's check-in changes them (events/consumers.py).
        response.write(
            render_to_string("events/checkin.html#counts", {**context, "oob": True}, request)
        )
        return response
    return render(request, "events/checkin.html", context)


@login_required
@require_POST
def checkin_scan(request: HttpRequest, slug: str) -> HttpResponse:
    """Check in the person whose QR code was scanned or typed."""
    event = _desk_event(request, slug)
    try:
        registration = services.registration_for_code(
            event=event, code=request.POST.get("code", "")
        )
        outcome = services.check_in(registration=registration, by=request.user)
    except ValidationError as error:
        return _desk_refused(request, event, error)
    return _checked_in(request, event, outcome)


@login_required
@require_POST
def checkin_registration(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Check in a person found by the desk's search."""
    event = _desk_event(request, slug)
    registration = get_object_or_404(event.registrations.select_related("event"), pk=pk)
    try:
        outcome = services.check_in(registration=registration, by=request.user)
    except ValidationError as error:
        return _desk_refused(request, event, error)
    return _checked_in(request, event, outcome)


@login_required
@require_POST
def checkin_undo(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Undo a person's check-in."""
    event = _desk_event(request, slug)
    registration = get_object_or_404(event.registrations.select_related("event"), pk=pk)
    try:
        registration = services.undo_check_in(registration=registration, by=request.user)
    except ValidationError as error:
        return _desk_refused(request, event, error)
    person = registration.user.get_full_name() or registration.user.email
    message = _("%(person)s's check-in is undone.") % {"person": person}
    return _desk_answer(request, event, registration, message, "info")


@login_required
def badges_sheet(request: HttpRequest, slug: str) -> HttpResponse:
    """Every validated person's badge, four to an A4 sheet, for the organisers to print."""
    event = _desk_event(request, slug)
    sheets = badges.sheets(queries.badges(event))
    context = {"event": event, "sheets": sheets, "layout": "sheet", "section": "checkin"}
    return render(request, "events/badges.html", context)


def _my_registration(request: HttpRequest, event: Event) -> Registration:
    """The user's own validated registration for the event, or a 404."""
    return get_object_or_404(
        Registration.objects.select_related("event", "user", "organisation"),
        event=event,
        user=request.user,
        status=RegistrationStatus.VALIDATED,
    )


@login_required
def my_badge(request: HttpRequest, slug: str) -> HttpResponse:
    """A validated participant's own badge, one A6 page, to print or show on a phone."""
    event = event_or_404(request, slug)
    registration = _my_registration(request, event)
    context = {"event": event, "sheets": [[badges.badge(registration)]], "layout": "single"}
    return render(request, "events/badges.html", context)


@login_required
def my_badge_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    """The same badge as a PDF (A6), from the same data (core/pdf.py)."""
    event = event_or_404(request, slug)
    registration = _my_registration(request, event)
    context = {"event": event, "sheets": [[badges.badge(registration)]], "layout": "single"}
    pdf = pdf_module.render_pdf("print/badges.html", context)
    return pdf_module.pdf_response(pdf, _("badge %(event)s") % {"event": event.slug})


# --- Exports ---------------------------------------------------------------------------------


EXPORT_FORMATS = ("csv", "xlsx")


@page_cache
@login_required
def exports(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisers' exports: every dataset the apps register (events/exports.py)."""
    event = _managed_event(request, slug)
    context = {"event": event, "datasets": export_registry.datasets(), "section": "exports"}
    return render(request, "events/exports.html", context)


@login_required
def export(request: HttpRequest, slug: str, name: str, fmt: str) -> HttpResponse:
    """One dataset as CSV or XLSX, or every dataset as one workbook (`name` "all", XLSX)."""
    event = _managed_event(request, slug)
    zone = times.zone_of(event)
    stem = f"{event.slug}-{name}"
    if name == "all" and fmt == "xlsx":
        chosen = export_registry.datasets()
    elif name in export_registry.DATASETS and fmt in EXPORT_FORMATS:
        chosen = [export_registry.DATASETS[name]]
    else:
        raise Http404
    logger.info("export %s.%s of event %s by user %s", name, fmt, event.pk, request.user.pk)
    if fmt == "csv":
        (dataset,) = chosen
        response, writer = spreadsheets.csv_response(f"{stem}.csv")
        writer.writerow([str(column) for column in dataset.header])
        for row in dataset.rows(event):
            writer.writerow([export_registry.csv_value(value, zone) for value in row])
        return response
    content = spreadsheets.xlsx_bytes(
        (
            (
                str(dataset.title),
                dataset.header,
                (
                    [export_registry.xlsx_value(value) for value in row]
                    for row in dataset.rows(event)
                ),
            )
            for dataset in chosen
        ),
        zone=zone,
    )
    return spreadsheets.xlsx_response(f"{stem}.xlsx", content)
