"""The organisers' scheduling console (run, draft grid, hand edits, versions) and the
participant's agenda. Views are thin: permission check, form, service call, redirect or render."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.forms import BoundedNumbersMixin
from core.pagecache import LIVE_SECONDS, page_cache
from events import queries as event_queries
from events.enums import RegistrationStatus
from events.models import Event, Registration, Slot, Table, table_order
from events.views import event_for, event_or_404
from matching import bridge, schedule_queries
from matching.enums import RequestStatus
from matching.models import Meeting, MeetingRequest, ScheduleVersion
from matching.services import schedule as services


def _console_event(request: HttpRequest, slug: str) -> Event:
    """The event, for its organisers and staff; 403 for others who can see it, 404 otherwise."""
    return event_for(request, slug, "matching.view_schedule")


def _back(event: Event):
    return redirect("matching:schedule", event.slug)


def _refused(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


class _SlotChoice(forms.ModelChoiceField):
    def __init__(self, event: Event, **kwargs):
        self.event = event
        super().__init__(queryset=bridge.event_slots_queryset(event), **kwargs)

    def label_from_instance(self, slot: Slot) -> str:
        return schedule_queries.slot_label(slot, self.event, with_end=True)


class PlaceForm(BoundedNumbersMixin, forms.Form):
    """Where to put a meeting: a slot and a table (or the first free suitable one)."""

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"] = _SlotChoice(event, label=gettext_lazy("Slot"))
        self.fields["table"] = forms.ModelChoiceField(
            queryset=Table.objects.filter(event=event).order_by(*table_order()),
            required=False,
            label=gettext_lazy("Table"),
            empty_label=gettext_lazy("First free suitable table"),
        )


# --- The console ---------------------------------------------------------------------------------


@page_cache
@login_required
def schedule(request: HttpRequest, slug: str) -> HttpResponse:
    """The draft: run panel (live), warnings, grid, unscheduled requests with reasons."""
    event = _console_event(request, slug)
    context = schedule_queries.console_context(event, request.user)
    return render(request, "matching/console/schedule.html", context)


@login_required
@require_POST
def run(request: HttpRequest, slug: str) -> HttpResponse:
    event = _console_event(request, slug)
    # The form's checkbox: unticked means the engine may move meetings participants booked.
    keep_booked = request.POST.get("keep_booked", "1") != "0"
    try:
        services.start_run(event=event, by=request.user, keep_booked=keep_booked)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The scheduling run has started."))
    return _back(event)


@login_required
def participants(request: HttpRequest, slug: str) -> HttpResponse:
    """The draft per participant."""
    event = _console_event(request, slug)
    context = {
        "event": event,
        "section": "schedule",
        "people": schedule_queries.participants_agendas(event),
    }
    return render(request, "matching/console/participants.html", context)


def _event_meeting(event: Event, pk: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.select_related(
            "slot", "table", "request__sender__organisation", "request__recipient__organisation"
        ),
        pk=pk,
        slot__session__event=event,
    )


@login_required
def meeting(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A draft meeting: move it (another slot and/or table), lock or unschedule it."""
    event = _console_event(request, slug)
    current = _event_meeting(event, pk)
    form = PlaceForm(
        request.POST or None,
        event=event,
        initial={"slot": current.slot_id, "table": current.table_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.move_meeting(
                meeting=current,
                slot=form.cleaned_data["slot"],
                table=form.cleaned_data["table"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The meeting was moved."))
            return _back(event)
    context = {
        "event": event,
        "section": "schedule",
        "meeting": current,
        "form": form,
        "can_change": request.user.has_perm("matching.change_schedule", event),
    }
    return render(request, "matching/console/meeting.html", context)


@login_required
@require_POST
def meeting_lock(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _console_event(request, slug)
    current = _event_meeting(event, pk)
    lock = request.POST.get("locked") != "0"
    try:
        services.lock_meeting(meeting=current, locked=lock, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request, _("The meeting is locked.") if lock else _("The meeting is unlocked.")
        )
    return _back(event)


@login_required
@require_POST
def meeting_unschedule(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _console_event(request, slug)
    current = _event_meeting(event, pk)
    try:
        services.unschedule_meeting(meeting=current, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The meeting was taken out of the draft."))
    return _back(event)


@login_required
def request_place(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Place an unscheduled accepted request by hand."""
    event = _console_event(request, slug)
    meeting_request = get_object_or_404(
        MeetingRequest.objects.select_related("sender__organisation", "recipient__organisation"),
        pk=pk,
        event=event,
        status=RequestStatus.ACCEPTED,
    )
    form = PlaceForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            services.place_request(
                request=meeting_request,
                slot=form.cleaned_data["slot"],
                table=form.cleaned_data["table"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The meeting was placed."))
            return _back(event)
    context = {
        "event": event,
        "section": "schedule",
        "meeting_request": meeting_request,
        "form": form,
        "can_change": request.user.has_perm("matching.change_schedule", event),
    }
    return render(request, "matching/console/place.html", context)


# --- Versions ------------------------------------------------------------------------------------


@login_required
@require_POST
def publish(request: HttpRequest, slug: str) -> HttpResponse:
    event = _console_event(request, slug)
    try:
        version = services.publish_schedule(event=event, by=request.user)
    except ValidationError as error:
        _refused(request, error)
        return _back(event)
    messages.success(
        request,
        _("Version %(number)s is published; the people whose meetings changed are told.")
        % {"number": version.number},
    )
    return redirect("matching:versions", event.slug)


class CompareForm(forms.Form):
    a = forms.TypedChoiceField(label=gettext_lazy("From version"), coerce=int)
    b = forms.TypedChoiceField(label=gettext_lazy("To version"), coerce=int)

    def __init__(self, *args, numbers: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(n, _("Version %(number)s") % {"number": n}) for n in numbers]
        self.fields["a"].choices = self.fields["b"].choices = choices


@login_required
def versions(request: HttpRequest, slug: str) -> HttpResponse:
    """Published versions; compare two of them (added, removed, moved per participant)."""
    event = _console_event(request, slug)
    all_versions = list(ScheduleVersion.objects.filter(event=event).order_by("-number"))
    numbers = [v.number for v in all_versions]
    form = CompareForm(request.GET if "a" in request.GET else None, numbers=numbers)
    comparison = None
    if form.is_bound and form.is_valid():
        by_number = {v.number: v for v in all_versions}
        before, after = by_number[form.cleaned_data["a"]], by_number[form.cleaned_data["b"]]
        comparison = {
            "before": before,
            "after": after,
            "people": schedule_queries.describe_changes(
                event, bridge.changes_between(before, after)
            ),
        }
    current = next((v for v in all_versions if v.unpublished_at is None), None)
    context = {
        "event": event,
        "section": "schedule",
        "versions": all_versions,
        "current": current,
        "form": form,
        "comparison": comparison,
        "can_change": request.user.has_perm("matching.change_schedule", event),
    }
    return render(request, "matching/console/versions.html", context)


@login_required
@require_POST
def version_unpublish(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    event = _console_event(request, slug)
    version = get_object_or_404(ScheduleVersion, event=event, number=number)
    try:
        services.unpublish_version(version=version, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request, _("Version %(number)s is unpublished.") % {"number": version.number}
        )
    return redirect("matching:versions", event.slug)


# --- The participant's agenda --------------------------------------------------------------------


@page_cache(seconds=LIVE_SECONDS)
@login_required
def agenda(request: HttpRequest, slug: str) -> HttpResponse:
    """My meetings in the current published version, live."""
    event = event_or_404(request, slug)
    registration = (
        Registration.objects.filter(
            event=event, user=request.user, status=RegistrationStatus.VALIDATED
        )
        .select_related("organisation")
        .first()
    )
    if registration is None:
        raise PermissionDenied
    registration.user, registration.event = request.user, event  # read again by the page
    context = schedule_queries.agenda_context(event, registration)
    if request.htmx and not request.htmx.boosted:
        # Fetched after a live hint (matching.consumers.AgendaConsumer): the meetings only.
        context["changed"] = request.GET.get("changed") == "1"
        return render(request, "matching/console/agenda.html#meetings", context)
    context["rendered_at"] = timezone.now()  # "offline — last updated at" (static/js/sw.js)
    context["venue"] = event_queries.venue(event)  # kept offline with the page
    return render(request, "matching/console/agenda.html", context)
