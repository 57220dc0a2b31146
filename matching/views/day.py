"""The day itself, from a participant's agenda: "we are here", "my partner is not here", meeting
someone else instead of an absent partner, and what each meeting led to. Views are thin:
permission check, service call, then the agenda's live part (htmx) or a redirect to the agenda."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.forms import BoundedNumbersMixin
from core.views import refuse
from events.models import Event, Registration
from events.views import event_or_404
from matching import day_queries, rules, schedule_queries
from matching.enums import Outcome
from matching.models import MAX_OUTCOME_NOTE_LENGTH, MeetingOutcome, MeetingPresence, MeetingRequest
from matching.services import outcomes, presence


def _request_of(request: HttpRequest, event: Event, pk: int, perm: str) -> MeetingRequest:
    """A meeting request of the event the user may act on (`perm`); for anyone else it does not
    exist (404), as in "My meetings"."""
    row = MeetingRequest.objects.with_sides().filter(pk=pk, event=event).first()
    if row is None or not request.user.has_perm(perm, row):
        raise Http404
    return row


def _agenda_url(event: Event) -> str:
    return reverse("matching:agenda", kwargs={"slug": event.slug})


def _agenda_part(request: HttpRequest, event: Event, row: MeetingRequest) -> HttpResponse:
    """The agenda's live part as the person's page shows it, read again from the database."""
    mine = rules.side_of(row, request.user)
    context = schedule_queries.agenda_context(event, mine)
    return render(request, "matching/console/agenda.html#meetings", context)


def _done(request: HttpRequest, event: Event, row: MeetingRequest, message: str) -> HttpResponse:
    if request.htmx:
        return _agenda_part(request, event, row)
    messages.success(request, message)
    return redirect(_agenda_url(event))


def _refused(request: HttpRequest, event: Event, error: ValidationError) -> HttpResponse:
    return refuse(request, " ".join(error.messages), status=409, redirect_to=_agenda_url(event))


@login_required
@require_POST
def meeting_here(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """ "We are here": the meeting has started."""
    event = event_or_404(request, slug)
    row = _request_of(request, event, pk, "matching.mark_presence")
    try:
        presence.confirm_started(request=row, by=request.user)
    except ValidationError as error:
        return _refused(request, event, error)
    return _done(request, event, row, _("Your meeting has started. Enjoy it!"))


@login_required
@require_POST
def meeting_absent(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """ "My partner is not here"."""
    event = event_or_404(request, slug)
    row = _request_of(request, event, pk, "matching.mark_presence")
    try:
        presence.report_absent(request=row, by=request.user)
    except ValidationError as error:
        return _refused(request, event, error)
    return _done(
        request, event, row, _("Your partner is marked absent. You may meet someone else now.")
    )


class PartnerForm(BoundedNumbersMixin, forms.Form):
    partner = forms.IntegerField(min_value=1)


@login_required
def meeting_replace(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The person left alone: who is free now and may meet them (GET), and booking one of them
    at the freed table (POST)."""
    event = event_or_404(request, slug)
    row = _request_of(request, event, pk, "matching.mark_presence")
    mine = rules.side_of(row, request.user)
    place = schedule_queries.promised_places(event, [row]).get(row.pk)
    if place is None:
        return refuse(
            request, _("This meeting is no longer in the agenda."), redirect_to=_agenda_url(event)
        )
    now = timezone.now()
    reason = rules.repair_refusal(
        row,
        place.slot,
        MeetingPresence.objects.filter(request=row, slot=place.slot).first(),
        mine,
        now,
        minutes=rules.no_show_minutes(event),
        in_use=rules.checkin_in_use(event),
    )
    if reason is not None:
        return refuse(request, reason, redirect_to=_agenda_url(event))
    if request.method == "POST":
        form = PartnerForm(request.POST)
        partner = (
            Registration.objects.filter(pk=form.cleaned_data["partner"], event=event).first()
            if form.is_valid()
            else None
        )
        if partner is None:
            return refuse(request, _("Choose someone from the list."), status=400)
        try:
            presence.repair(request=row, partner=partner, by=request.user, now=now)
        except ValidationError as error:
            return refuse(
                request,
                " ".join(error.messages),
                status=409,
                redirect_to=reverse("matching:meeting_replace", kwargs={"slug": slug, "pk": pk}),
            )
        messages.success(
            request,
            _("You meet %(name)s now, at the table shown on your agenda.")
            % {"name": partner.organisation or partner.user},
        )
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = _agenda_url(event)
            return response
        return redirect(_agenda_url(event))
    context = {
        "event": event,
        "row": row,
        "place": place,
        "other": rules.partner_of(row, mine),
        "candidates": day_queries.repair_candidates(event, mine, place.slot),
    }
    return render(request, "matching/console/replace.html", context)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("What did this meeting lead to?"),
        choices=Outcome.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Private note"),
        help_text=gettext_lazy(
            "Only the people of your organisation see it; the organisers only count outcomes."
        ),
        required=False,
        max_length=MAX_OUTCOME_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


@login_required
def meeting_outcome(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One side's private outcome and note of a meeting, once it has ended."""
    event = event_or_404(request, slug)
    row = _request_of(request, event, pk, "matching.record_outcome")
    organisation = rules.outcome_organisation(request.user, row)
    current = MeetingOutcome.objects.filter(request=row, organisation=organisation).first()
    initial = {"outcome": current.outcome, "note": current.note} if current else None
    form = OutcomeForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                outcomes.record_outcome(request=row, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                return refuse(
                    request, " ".join(error.messages), status=409, redirect_to=_agenda_url(event)
                )
            messages.success(request, _("The outcome is recorded."))
            return redirect(_agenda_url(event))
    other = row.recipient if row.sender.organisation_id == organisation.pk else row.sender
    context = {"event": event, "row": row, "other": other, "form": form, "current": current}
    return render(request, "matching/console/outcome.html", context, status=status)
