"""Meeting requests and self-service booking: the participants page, "My meetings", sending,
answering, cancelling and booking a slot, and the organisers' booking settings.

Thin views: permission (matching/rules.py), form, one service call, redirect or render. Requests a
user is not a party to do not exist for them (404). Actions work as plain POSTs (redirect with a
message) and with htmx (the lists of "My meetings" re-rendered in place)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Organisation
from core import times
from core.pagecache import page_cache
from core.pagination import paginate
from core.views import refuse, require
from events import day, ical
from events.enums import DayKind
from events.models import Event
from events.rules import requests_open
from events.views import event_or_404
from pitches.enums import PitchStatus
from pitches.models import Pitch

from .. import day_queries, queries
from ..enums import ACTIVE_REQUEST_STATUSES, RequestStatus
from ..forms import DeclineForm, ParticipantFilterForm, RequestForm, SettingsForm, SlotForm
from ..models import Meeting, MeetingRequest
from ..rules import (
    meeting_refusal,
    meeting_registration,
    pitch_contact,
    request_refusal,
    sender_state,
)
from ..services import requests as services

PARTICIPANTS_PER_PAGE = 30
# Refusals that mean "someone was faster" rather than bad input: HTTP 409.
CONFLICTS = {services.TAKEN, services.CONSTRAINT, services.BUSY}


def _my_registration(request: HttpRequest, event: Event):
    registration = meeting_registration(request.user, event)
    if registration is None:
        raise PermissionDenied
    return registration


def _request_or_404(request: HttpRequest, event: Event, pk: int) -> MeetingRequest:
    """A request of the event the user sent or received; anyone else's does not exist for them."""
    row = MeetingRequest.objects.with_sides().filter(pk=pk, event=event).first()
    if row is None or request.user.pk not in {row.sender.user_id, row.recipient.user_id}:
        raise Http404
    return row


def _code(error: ValidationError) -> str | None:
    return getattr(error, "code", None)


def _not_now(request: HttpRequest, event: Event) -> str:
    if not requests_open(request.user, event):
        return _("Meeting requests are not open for this event at the moment.")
    return _("This request can no longer be changed this way.")


def _slot_label(event: Event, meeting: Meeting) -> str:
    start = times.hhmm(meeting.slot.starts_at, event)
    return _("%(time)s, table %(table)s") % {"time": start, "table": meeting.table.name}


# --- Participants ----------------------------------------------------------------------------


@login_required
def participants(request: HttpRequest, slug: str) -> HttpResponse:
    """The event's validated buyers and structures, to find whom to meet (organisations, roles
    and themes; no contact details)."""
    event = event_or_404(request, slug)
    require(request, "matching.view_participants", event)
    mine = meeting_registration(request.user, event)
    form = ParticipantFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    theme = filters.get("theme")
    rows = queries.participants(
        event,
        exclude=mine,
        role=filters.get("role", ""),
        theme=theme.pk if theme else "",
        search=filters.get("q", ""),
    )
    page = paginate(rows, request.GET.get("page"), per_page=PARTICIPANTS_PER_PAGE)
    # Who is offered a request: the one rule (matching.rules.request_refusal), its per-sender
    # part read once for the page. An open request between the two organisations is shown
    # instead of the button.
    state = sender_state(mine)
    for registration in page:
        registration.active_request = state.open_with.get(registration.organisation_id)
        registration.can_request = (
            mine is not None and request_refusal(mine, registration, state=state) is None
        )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "event": event,
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "mine": mine,
        "requests_open": requests_open(request.user, event),
    }
    template = "matching/requests/participants.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(request, template, context)


# --- My meetings -----------------------------------------------------------------------------


@page_cache
@login_required
def my_requests(request: HttpRequest, slug: str) -> HttpResponse:
    """ "My meetings": requests received (to answer), sent (to wait for), accepted (with their slot
    and table, a slot to pick, or the organisers' run to wait for) and closed ones."""
    event = event_or_404(request, slug)
    mine = _my_registration(request, event)
    template = "matching/requests/mine.html"
    if request.htmx and not request.htmx.boosted:
        # "?part=live": fetched after a live hint (matching.consumers.MyRequestsConsumer).
        template += "#live" if request.GET.get("part") == "live" else "#lists"
    context = queries.my_requests_context(request.user, event, mine, params=request.GET)
    return render(request, template, context)


def _done(request: HttpRequest, event: Event, message: str) -> HttpResponse:
    if request.htmx:
        mine = _my_registration(request, event)
        context = queries.my_requests_context(request.user, event, mine, notice=message)
        return render(request, "matching/requests/mine.html#lists", context)
    messages.success(request, message)
    return redirect("matching:requests", slug=event.slug)


def _refused(request: HttpRequest, event: Event, message: str, status: int = 409) -> HttpResponse:
    """The site's refusal (core.views.refuse); with htmx, the stale lists of "My meetings" are
    re-rendered from the database at the same time."""
    refresh = ""
    if request.htmx:
        mine = _my_registration(request, event)
        context = queries.my_requests_context(request.user, event, mine, oob=True)
        refresh = render_to_string("matching/requests/mine.html#lists", context, request=request)
    return refuse(
        request,
        message,
        status=status,
        redirect_to=reverse("matching:requests", kwargs={"slug": event.slug}),
        refresh=refresh,
    )


# --- Sending ---------------------------------------------------------------------------------


def _pitch_from_query(request: HttpRequest, event: Event) -> Pitch | None:
    value = request.GET.get("pitch")
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):  # "²" is a digit to isdigit(), not to int()
        raise Http404
    return get_object_or_404(
        Pitch.objects.select_related("buyer"), pk=value, event=event, status=PitchStatus.PUBLISHED
    )


@login_required
def request_new(request: HttpRequest, slug: str, org_pk: int) -> HttpResponse:
    """Ask someone of an organisation for a meeting, about a pitch (?pitch=) or not; ?to= picks
    the person when several of the organisation take part."""
    event = event_or_404(request, slug)
    mine = _my_registration(request, event)
    organisation = get_object_or_404(Organisation, pk=org_pk)
    recipients = queries.participants(event, exclude=mine).filter(organisation=organisation)
    if not recipients:
        context = {
            "event": event,
            "organisation": organisation,
            "problem": _("Nobody of %(organisation)s takes part in this event (yet).")
            % {"organisation": organisation.name},
        }
        return render(request, "matching/requests/new.html", context, status=404)
    pitch = _pitch_from_query(request, event)
    chosen = _default_recipient(request, recipients, pitch)
    state = sender_state(mine)
    # One request per pair of organisations, said before the form.
    existing = state.open_with.get(organisation.pk)
    problem = None if existing else request_refusal(mine, chosen, state=state)
    pitch_problem = None
    if problem is None and pitch is not None:
        pitch_problem = request_refusal(mine, chosen, pitch=pitch, state=state)
        if pitch_problem is not None:
            pitch = None
    form = RequestForm(
        request.POST or None,
        recipients=recipients,
        pitches=queries.request_pitches(event, mine, chosen),
        allowed_pitches=Pitch.objects.filter(event=event, status=PitchStatus.PUBLISHED),
        initial={"recipient": chosen.pk, "pitch": pitch.pk if pitch else None},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if existing is not None or problem is not None:
            pass  # the page says why; nothing to send
        elif form.is_valid():
            try:
                services.send_request(
                    sender=mine,
                    recipient=form.cleaned_data["recipient"],
                    by=request.user,
                    pitch=form.cleaned_data["pitch"],
                    message=form.cleaned_data["message"],
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
                if _code(error) == services.BUSY:
                    status = 409
            else:
                messages.success(
                    request,
                    _("Your meeting request to %(organisation)s is sent.")
                    % {"organisation": organisation.name},
                )
                return redirect("matching:requests", slug=event.slug)
    cap = services.settings_for(event).max_requests_per_participant
    context = {
        "event": event,
        "organisation": organisation,
        "recipient": chosen,
        "form": form,
        "problem": problem,
        "pitch_problem": pitch_problem,
        "existing": existing,
        "existing_is_mine": existing is not None
        and mine.pk in {existing.sender_id, existing.recipient_id},
        "existing_colleague": existing
        and (
            existing.sender
            if existing.sender.organisation_id == mine.organisation_id
            else existing.recipient
        ),
        "cap": cap,
        "sent_count": MeetingRequest.objects.filter(
            sender=mine, status__in=ACTIVE_REQUEST_STATUSES
        ).count()
        if cap is not None
        else None,
    }
    return render(request, "matching/requests/new.html", context, status=status)


def _default_recipient(request: HttpRequest, recipients, pitch: Pitch | None):
    """?to= when it names one of them; about a pitch, its author (matching.rules.pitch_contact);
    otherwise the first by name."""
    wanted = request.GET.get("to")
    if wanted is None and pitch is not None and pitch.buyer_id == recipients[0].organisation_id:
        contact = pitch_contact(pitch)
        wanted = str(contact.pk) if contact is not None else None
    return next((r for r in recipients if str(r.pk) == wanted), recipients[0])


# --- Answering, cancelling -------------------------------------------------------------------


@login_required
def request_accept(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Accept a request; in self-service events, pick one of the free slots at once (or later)."""
    event = event_or_404(request, slug)
    row = _request_or_404(request, event, pk)
    if not request.user.has_perm("matching.answer_request", row):
        return _refused(request, event, _not_now(request, event))
    refusal = meeting_refusal(row)
    if refusal is not None:
        return _refused(request, event, refusal, status=400)
    self_service = services.is_self_service(event)
    form = None
    if self_service:
        form = SlotForm(
            request.POST or None,
            slots=queries.free_slots(row),
            allowed=queries.meeting_slots(event),
            time_zone=event.tzinfo,
            optional=True,
        )
    status, refusal = 200, None
    if request.method == "POST":
        status = 400
        if form is None or form.is_valid():
            slot = form.cleaned_data["slot"] if form is not None else None
            try:
                services.accept_request(request=row, by=request.user, slot=slot)
            except ValidationError as error:
                if form is None:
                    return _refused(request, event, " ".join(error.messages))
                refusal = _code(error) or "invalid"
                status = 409 if refusal in CONFLICTS else 400
                for message in error.messages:
                    form.add_error(None, message)
            else:
                return _done(request, event, _accepted_message(event, row))
    context = {"event": event, "row": row, "form": form, "refusal": refusal}
    return render(request, "matching/requests/accept.html", context, status=status)


def _accepted_message(event: Event, row: MeetingRequest) -> str:
    meeting = Meeting.objects.select_related("slot", "table").filter(request=row).first()
    if meeting is not None:
        return _("Meeting accepted and booked: %(when)s.") % {"when": _slot_label(event, meeting)}
    if services.is_self_service(event):
        return _("Meeting accepted. Pick a slot when you are ready.")
    return _("Meeting accepted. The organisers will place it in the agenda.")


@login_required
def request_decline(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Decline a request, with an optional reason shown to the person who asked."""
    event = event_or_404(request, slug)
    row = _request_or_404(request, event, pk)
    if not request.user.has_perm("matching.answer_request", row):
        return _refused(request, event, _not_now(request, event))
    form = DeclineForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.answer_request(
                    request=row, accept=False, by=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                return _refused(request, event, " ".join(error.messages))
            return _done(request, event, _("The request is declined."))
        if request.htmx:
            return _refused(request, event, " ".join(form.errors["reason"]), status=400)
        return render(
            request,
            "matching/requests/decline.html",
            {"event": event, "row": row, "form": form},
            status=400,
        )
    return render(
        request, "matching/requests/decline.html", {"event": event, "row": row, "form": form}
    )


@login_required
@require_POST
def request_cancel(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Withdraw a pending request one sent, or cancel an accepted meeting (its slot is freed)."""
    event = event_or_404(request, slug)
    row = _request_or_404(request, event, pk)
    if not request.user.has_perm("matching.cancel_request", row):
        return _refused(request, event, _not_now(request, event))
    try:
        services.cancel_request(request=row, by=request.user)
    except ValidationError as error:
        return _refused(request, event, " ".join(error.messages))
    return _done(request, event, _("The request is cancelled."))


# --- Self-service booking --------------------------------------------------------------------


@login_required
def request_book(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Pick a free slot for an accepted request (self-service events). A slot taken meanwhile is a
    clear refusal with HTTP 409 (`data-refusal` tells which check refused), never a 500."""
    event = event_or_404(request, slug)
    row = _request_or_404(request, event, pk)
    if not request.user.has_perm("matching.book_meeting", row):
        refusal = meeting_refusal(row)
        return _refused(
            request, event, refusal or _not_now(request, event), status=400 if refusal else 409
        )
    form = SlotForm(
        request.POST or None,
        slots=queries.free_slots(row),
        allowed=queries.meeting_slots(event),
        time_zone=event.tzinfo,
    )
    status, refusal = 200, None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                meeting = services.book_meeting(
                    request=row, slot=form.cleaned_data["slot"], by=request.user, self_booked=True
                )
            except ValidationError as error:
                refusal = _code(error) or "invalid"
                status = 409 if refusal in CONFLICTS else 400
                for message in error.messages:
                    form.add_error(None, message)
            else:
                return _done(
                    request,
                    event,
                    _("Your meeting is booked: %(when)s.") % {"when": _slot_label(event, meeting)},
                )
    context = {"event": event, "row": row, "form": form, "refusal": refusal}
    return render(request, "matching/requests/book.html", context, status=status)


# --- Organisers' settings --------------------------------------------------------------------


@login_required
def settings_view(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisers choose the booking mode and cap outgoing requests per participant."""
    event = event_or_404(request, slug)
    require(request, "matching.change_settings", event)
    current = services.settings_for(event)
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.update_settings(event=event, by=request.user, **form.cleaned_data)
        messages.success(request, _("The meeting settings are saved."))
        return redirect("matching:settings", slug=event.slug)
    counts = MeetingRequest.objects.filter(event=event).aggregate(
        **{status.value: Count("pk", filter=Q(status=status)) for status in RequestStatus},
        booked=Count("meeting"),
    )
    context = {
        "event": event,
        "form": form,
        "counts": [(status.label, counts[status.value]) for status in RequestStatus],
        "booked": counts["booked"],
        "outcomes": day_queries.outcome_counts(event),
        "section": "meetings",
    }
    return render(
        request,
        "matching/requests/settings.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@login_required
def meeting_ics(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One meeting of the user's day as an .ics file, with the same UID and SEQUENCE as their
    feed (events/ical.py), so calendar apps update the entry in place. Only a meeting of their day
    (booked or published, or cancelled before the event is over) exists for them."""
    event = event_or_404(request, slug)
    mine = _my_registration(request, event)
    item = next((i for i in day.day_items(event, mine) if i.key == (DayKind.MEETING, pk)), None)
    if item is None:
        raise Http404
    body = ical.build(event, [item], name=event.title)
    return ical.response(
        request, body, filename=f"{event.slug}-meeting-{pk}.ics", modified=item.modified
    )
