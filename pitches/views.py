"""Thin views: permission check, form, call a service, redirect or render."""

import datetime as dt
import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.enums import OrganisationKind
from accounts.models import Organisation
from accounts.rules import visible_contact_ids
from core import pdf, spreadsheets, times
from core.pagecache import page_cache
from core.pagination import paginate
from core.views import refuse, require
from events.enums import REGISTRATION_ACTIVE
from events.views import event_or_404

from . import queries, services, trace
from .enums import INTEREST_ACTIVE, RESERVED_ROUTES, GroupMode
from .filters import PitchFilter
from .forms import (
    AnswerForm,
    AttachmentForm,
    ConsultationForm,
    DeclineForm,
    InterestForm,
    LotFormSet,
    PitchForm,
    PitchQuestionFormSet,
    QuestionForm,
    WithdrawPitchForm,
    lot_inputs,
    question_inputs,
    with_extra_form,
    without_errors,
)
from .models import Attachment, Interest, Pitch, Question
from .rules import ROUTE_ELIGIBILITY_TEXT, answer_eligibility, eligibility, quiet_period_message

PAGE_SIZE = 12


def _pitch_or_404(request: HttpRequest, pk: int, *, prefetch: bool = True) -> Pitch:
    """A pitch the user may know about: published ones for everyone, drafts for their buyer.
    `prefetch=False` for the pages that do not show its territories, lots and attachments."""
    try:
        pitch = queries.pitch_for_detail(pk, prefetch=prefetch)
    except Pitch.DoesNotExist:
        raise Http404 from None
    if not request.user.has_perm("pitches.view_pitch", pitch):
        raise Http404
    return pitch


def _form_error(form, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


# --- Lists ---


@page_cache
def catalogue(request: HttpRequest, slug: str) -> HttpResponse:
    """The public catalogue of an event's published pitches, filtered live with htmx."""
    event = event_or_404(request, slug)
    organisations = queries.user_ess_organisations(request.user)
    pitch_filter = PitchFilter(
        request.GET or None,
        queryset=queries.catalogue(event),
        request=request,
        event=event,
        organisations=organisations,
    )
    page = paginate(pitch_filter.qs, request.GET.get("page"), per_page=PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "event": event,
        "filter": pitch_filter,
        "page": page,
        "query": query.urlencode(),
        "can_add": request.user.has_perm("pitches.add_pitch", event),
        "reserved_routes": RESERVED_ROUTES,
    }
    template = "pitches/catalogue.html#results" if request.htmx else "pitches/catalogue.html"
    return render(request, template, context)


@page_cache
@login_required
def mine(request: HttpRequest, slug: str) -> HttpResponse:
    """The pitches of the buyer organisations the user belongs to."""
    event = event_or_404(request, slug)
    if not request.user.memberships.filter(organisation__kind=OrganisationKind.BUYER).exists():
        raise PermissionDenied
    pitches = queries.buyer_pitches(event, request.user)
    return render(
        request,
        "pitches/mine.html#table" if request.htmx else "pitches/mine.html",
        {
            "event": event,
            "pitches": pitches,
            "can_add": request.user.has_perm("pitches.add_pitch", event),
        },
    )


@login_required
def organiser_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Every pitch of the event, drafts included, for its organisers."""
    event = event_or_404(request, slug)
    require(request, "events.manage_event", event)
    return render(
        request,
        "pitches/organiser_list.html",
        {"event": event, "pitches": queries.event_pitches(event)},
    )


@login_required
def my_interests(request: HttpRequest, slug: str) -> HttpResponse:
    """The interests of the user's structures in this event's pitches, with their status."""
    event = event_or_404(request, slug)
    if not queries.user_ess_organisations(request.user):
        raise PermissionDenied
    return render(
        request,
        "pitches/my_interests.html",
        {"event": event, "interests": queries.my_interests(event, request.user)},
    )


# --- Pitch authoring ---


def _registered_buyers(user, event):
    return (
        Organisation.objects.filter(
            kind=OrganisationKind.BUYER,
            memberships__user=user,
            registrations__event=event,
            registrations__status__in=REGISTRATION_ACTIVE,
        )
        .distinct()
        .order_by("name")
    )


def _pitch_form_page(request, *, event, pitch, buyers):
    """Shared by create and edit: the pitch form with its lots and screening questions."""
    instance = pitch or Pitch(event=event)
    data = request.POST if request.method == "POST" else None
    # "Add a lot" / "Add a question" without JavaScript: the same page again, one row more.
    adding = data.get("add") if data is not None else None
    if adding not in ("lots", "questions"):
        adding = None
    elif adding == "lots":
        data = with_extra_form(data, LotFormSet, "lots")
    elif adding == "questions":
        data = with_extra_form(data, PitchQuestionFormSet, "questions")
    form = PitchForm(data, instance=pitch, buyers=buyers)
    lots = LotFormSet(data, instance=instance, prefix="lots")
    questions = PitchQuestionFormSet(data, instance=instance, prefix="questions")
    if adding:
        without_errors(form, lots, questions)
    elif request.method == "POST" and form.is_valid() and lots.is_valid() and questions.is_valid():
        try:
            if pitch is None:
                pitch = services.create_pitch(
                    event=event,
                    buyer=form.cleaned_data["buyer"],
                    author=request.user,
                    fields=form.service_fields(),
                    territories=form.cleaned_data["territories"],
                    lots=lot_inputs(lots),
                    questions=question_inputs(questions),
                )
                messages.success(request, _("Draft saved. Publish it when it is ready."))
            else:
                services.update_pitch(
                    pitch=pitch,
                    actor=request.user,
                    fields=form.service_fields(),
                    territories=form.cleaned_data["territories"],
                    lots=lot_inputs(lots),
                    questions=question_inputs(questions),
                )
                messages.success(request, _("Pitch saved."))
        except ValidationError as error:
            _form_error(form, error)
        else:
            return redirect("pitches:detail", pk=pitch.pk)
    return render(
        request,
        "pitches/pitch_form.html",
        {"event": event, "pitch": pitch, "form": form, "lots": lots, "questions": questions},
    )


@login_required
def create(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_or_404(request, slug)
    require(request, "pitches.add_pitch", event)
    buyers = _registered_buyers(request.user, event)
    return _pitch_form_page(request, event=event, pitch=None, buyers=buyers)


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    pitch = _pitch_or_404(request, pk)
    require(request, "pitches.change_pitch", pitch)
    return _pitch_form_page(request, event=pitch.event, pitch=pitch, buyers=None)


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    pitch = _pitch_or_404(request, pk)
    require(request, "pitches.publish_pitch", pitch)
    try:
        services.publish_pitch(pitch=pitch, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The pitch is published in the event catalogue."))
    return redirect("pitches:detail", pk=pitch.pk)


@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    pitch = _pitch_or_404(request, pk)
    require(request, "pitches.withdraw_pitch", pitch)
    form = WithdrawPitchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_pitch(
                pitch=pitch, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The pitch has been withdrawn."))
            return redirect("pitches:detail", pk=pitch.pk)
    return render(
        request,
        "pitches/withdraw.html",
        {"pitch": pitch, "form": form, "heading": _("Withdraw the pitch"), "danger": True},
    )


@login_required
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    pitch = _pitch_or_404(request, pk)
    require(request, "pitches.change_pitch", pitch)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_attachment(
                pitch=pitch,
                actor=request.user,
                title=form.cleaned_data["title"],
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Document added."))
            return redirect("pitches:detail", pk=pitch.pk)
    return render(
        request,
        "pitches/attachment_form.html",
        {"pitch": pitch, "form": form, "heading": _("Add a document"), "multipart": True},
    )


def attachment(request: HttpRequest, pk: int) -> HttpResponse:
    """Download an attachment of a pitch the user may see (10 MB at most, read at once so the
    file is closed before the response leaves)."""
    document = get_object_or_404(Attachment.objects.select_related("pitch__event"), pk=pk)
    if not request.user.has_perm("pitches.view_pitch", document.pitch):
        raise Http404
    name = document.file.name.rsplit("/", 1)[-1]
    try:
        with document.file.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        raise Http404 from None
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def consultation(request: HttpRequest, pk: int) -> HttpResponse:
    """The buyer records the consultation launch (the quiet period starts on its date), or
    corrects a launch already recorded (the sourcing log keeps both)."""
    pitch = _pitch_or_404(request, pk)
    correcting = pitch.consultation_launched_on is not None
    require(
        request,
        "pitches.correct_consultation" if correcting else "pitches.launch_consultation",
        pitch,
    )
    initial = {"launched_on": times.today(pitch.event)}
    if correcting:
        initial = {"launched_on": pitch.consultation_launched_on, "url": pitch.consultation_url}
    form = ConsultationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        service = services.correct_consultation if correcting else services.launch_consultation
        try:
            pitch = service(
                pitch=pitch,
                actor=request.user,
                launched_on=form.cleaned_data["launched_on"],
                url=form.cleaned_data["url"],
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            if pitch.in_quiet_period:
                message = _("Consultation recorded: exchanges on this pitch are now closed.")
            else:
                message = _("Consultation recorded: exchanges on this pitch close on %(date)s.") % {
                    "date": times.long_day(pitch.consultation_launched_on)
                }
            messages.success(request, message)
            return redirect("pitches:detail", pk=pitch.pk)
    heading = (
        _("Correct the consultation launch") if correcting else _("Record the consultation launch")
    )
    return render(
        request,
        "pitches/consultation_form.html",
        {"pitch": pitch, "form": form, "heading": heading, "correcting": correcting},
    )


# --- Pitch page ---


@page_cache
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    pitch = _pitch_or_404(request, pk)
    user = request.user
    organisations = queries.user_ess_organisations(user)
    my_interest = None
    if organisations:
        my_interest = (
            Interest.objects.filter(pitch=pitch, organisation__in=organisations)
            .select_related("organisation")
            .prefetch_related("lots")
            .first()
        )
    manages = user.has_perm("pitches.manage_pitch", pitch)
    context = {
        "pitch": pitch,
        "event": pitch.event,
        "eligibility_text": ROUTE_ELIGIBILITY_TEXT[pitch.route],
        "my_eligibility": [(org, eligibility(org, pitch.route)) for org in organisations],
        "my_interest": my_interest,
        "my_questions": queries.organisation_questions(pitch, organisations)
        if organisations
        else [],
        "answers": queries.published_answers(pitch),
        "manages": manages,
        "buyer_questions": paginate(
            queries.questions_for_buyer(pitch).filter(answered_at__isnull=True),
            request.GET.get("questions"),
        )
        if manages
        else None,
        "interest_count": pitch.interests.filter(status__in=INTEREST_ACTIVE).count()
        if manages
        else 0,
        "question_form": QuestionForm(organisations=organisations) if organisations else None,
    }
    if request.htmx and not request.htmx.boosted and manages:
        return render(request, "pitches/detail.html#buyer_panel", context)  # a live hint
    return render(request, "pitches/detail.html", context)


# --- Interests ---


@login_required
def interest(request: HttpRequest, pk: int) -> HttpResponse:
    """Express interest in a pitch, or change the structure's active interest."""
    pitch = _pitch_or_404(request, pk)
    organisations = queries.user_ess_organisations(request.user)
    if not organisations:
        raise PermissionDenied
    current = (
        Interest.objects.filter(
            pitch=pitch, organisation__in=organisations, status__in=INTEREST_ACTIVE
        )
        .select_related("organisation")
        .prefetch_related("answers", "lots")
        .first()
    )
    if refused := _quiet_period_refused(request, pitch):
        return refused
    if current is not None:
        require(request, "pitches.change_interest", current)
    else:
        require(request, "pitches.express_interest", pitch)
        taken = set(
            Interest.objects.filter(
                pitch=pitch, organisation__in=organisations, status__in=INTEREST_ACTIVE
            ).values_list("organisation_id", flat=True)
        )
        organisations = [org for org in organisations if org.pk not in taken]
    initial = {}
    if request.GET.get("group") == "1":  # "answer in a group" from Pitches for you
        initial["group_mode"] = GroupMode.GROUP
    if current is not None:
        initial = {
            "lots": list(current.lots.all()),
            "group_mode": current.group_mode,
            "partners": current.partners,
            "eligible_member": current.eligible_member_id,
            "wants_meeting": current.wants_meeting,
            "message": current.message,
        }
    form = InterestForm(
        request.POST or None,
        pitch=pitch,
        organisations=[current.organisation] if current else organisations,
        interest=current,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            if current is None:
                services.express_interest(
                    pitch=pitch,
                    organisation=form.acting_organisation(),
                    actor=request.user,
                    **form.service_kwargs(),
                )
                messages.success(request, _("Your interest has been sent to the buyer."))
            else:
                services.update_interest(
                    interest=current, actor=request.user, **form.service_kwargs()
                )
                messages.success(request, _("Your interest has been updated."))
        except ValidationError as error:
            _form_error(form, error)
        else:
            return redirect("pitches:detail", pk=pitch.pk)
    return render(
        request,
        "pitches/interest_form.html",
        {
            "pitch": pitch,
            "form": form,
            "current": current,
            "eligibility_text": ROUTE_ELIGIBILITY_TEXT[pitch.route],
        },
    )


def _quiet_period_refused(request: HttpRequest, pitch: Pitch) -> HttpResponse | None:
    """Interests and questions on a pitch in its quiet period: say so, and where to go."""
    if not (pitch.is_published and pitch.in_quiet_period):
        return None
    return refuse(
        request,
        quiet_period_message(pitch),
        status=403,
        redirect_to=reverse("pitches:detail", kwargs={"pk": pitch.pk}),
    )


def _interest_or_404(request: HttpRequest, pk: int) -> Interest:
    interest = get_object_or_404(
        Interest.objects.select_related("pitch", "pitch__event", "pitch__buyer", "organisation"),
        pk=pk,
    )
    user = request.user
    if not (
        user.has_perm("pitches.manage_pitch", interest)
        or interest.organisation.memberships.filter(user=user).exists()
    ):
        raise Http404
    return interest


@login_required
@require_POST
def interest_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    interest = _interest_or_404(request, pk)
    back = reverse("pitches:detail", kwargs={"pk": interest.pitch_id})
    if not interest.organisation.memberships.filter(user=request.user).exists():
        raise PermissionDenied  # the buyer sees the interest but does not own it
    if not request.user.has_perm("pitches.change_interest", interest):
        # Typically a stale page: withdrawn or declined meanwhile, or exchanges closed.
        message = _(
            "This interest can no longer be withdrawn: it is already withdrawn or declined, "
            "or the pitch no longer takes exchanges."
        )
        return refuse(request, message, redirect_to=back)
    try:
        services.withdraw_interest(interest=interest, actor=request.user)
    except ValidationError as error:
        return refuse(request, " ".join(error.messages), redirect_to=back)
    messages.success(request, _("Your interest has been withdrawn."))
    return redirect(back)


# Each structure's card (profile, answers, contacts, actions) is long: 10 a page.
INTERESTS_PER_PAGE = 10


@page_cache
@login_required
def interests(request: HttpRequest, pk: int) -> HttpResponse:
    """The buyer's review of the structures interested in a pitch."""
    pitch = _pitch_or_404(request, pk, prefetch=False)
    require(request, "pitches.manage_pitch", pitch)
    page = paginate(
        queries.pitch_interests(pitch), request.GET.get("page"), per_page=INTERESTS_PER_PAGE
    )
    rows = list(page.object_list)
    for row in rows:
        row.answer_eligibility = answer_eligibility(
            row.organisation, pitch.route, group_mode=row.group_mode, member=row.eligible_member
        )
        row.own_eligibility = eligibility(row.organisation, pitch.route)
    contacts = _visible_contacts(request.user, rows)
    return render(
        request,
        "pitches/interests.html",
        {
            "pitch": pitch,
            "rows": [(row, contacts.get(row.pk, [])) for row in rows],
            "page": page,
            "can_review": request.user.has_perm("pitches.review_interest", pitch),
        },
    )


def _review_refused(request: HttpRequest, interest: Interest) -> HttpResponse | None:
    """The buyer may see the interest but not review it: say why (typically the quiet period)."""
    require(request, "pitches.manage_pitch", interest)
    if request.user.has_perm("pitches.review_interest", interest):
        return None
    return refuse(
        request,
        _(
            "Interests are no longer reviewed on this pitch: its consultation has been launched "
            "(exchanges go through the official consultation only), or it is not published."
        ),
        redirect_to=reverse("pitches:interests", kwargs={"pk": interest.pitch_id}),
    )


def _visible_contacts(user, interests) -> dict[int, list]:
    """The people of each interested structure whose contact details the user may see (RGPD:
    accounts.rules decides, in a fixed number of queries)."""
    people = {m.user for row in interests for m in row.organisation.memberships.all()}
    visible = visible_contact_ids(user, people)
    return {
        row.pk: [m.user for m in row.organisation.memberships.all() if m.user.pk in visible]
        for row in interests
    }


@login_required
@require_POST
def interest_shortlist(request: HttpRequest, pk: int) -> HttpResponse:
    interest = _interest_or_404(request, pk)
    if refused := _review_refused(request, interest):
        return refused
    try:
        services.shortlist_interest(interest=interest, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("%(organisation)s is shortlisted.") % {"organisation": interest.organisation}
        )
    return redirect("pitches:interests", pk=interest.pitch_id)


@login_required
def interest_decline(request: HttpRequest, pk: int) -> HttpResponse:
    interest = _interest_or_404(request, pk)
    if refused := _review_refused(request, interest):
        return refused
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decline_interest(
                interest=interest, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(
                request,
                _("%(organisation)s has been declined.") % {"organisation": interest.organisation},
            )
            return redirect("pitches:interests", pk=interest.pitch_id)
    return render(request, "pitches/decline.html", {"interest": interest, "form": form})


# --- Questions and answers ---


@login_required
def question_ask(request: HttpRequest, pk: int) -> HttpResponse:
    pitch = _pitch_or_404(request, pk)
    if refused := _quiet_period_refused(request, pitch):
        return refused
    require(request, "pitches.ask_question", pitch)
    organisations = queries.user_ess_organisations(request.user)
    form = QuestionForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            services.ask_question(
                pitch=pitch,
                organisation=form.acting_organisation(),
                actor=request.user,
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "Your question has been sent. The answer will be published to every "
                    "interested structure."
                ),
            )
            return redirect("pitches:detail", pk=pitch.pk)
    return render(
        request,
        "pitches/question_form.html",
        {"pitch": pitch, "form": form, "heading": _("Ask the buyer a question")},
    )


@login_required
def question_answer(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(
        Question.objects.select_related("pitch", "pitch__event", "pitch__buyer", "organisation"),
        pk=pk,
    )
    pitch = question.pitch
    if not request.user.has_perm("pitches.view_pitch", pitch):
        raise Http404
    require(request, "pitches.answer_question", pitch)
    if question.is_answered:
        messages.info(request, _("This question has already been answered."))
        return redirect("pitches:detail", pk=pitch.pk)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_question(
                question=question, actor=request.user, answer=form.cleaned_data["answer"]
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(
                request, _("Answer published to every structure interested in this pitch.")
            )
            return redirect("pitches:detail", pk=pitch.pk)
    return render(
        request,
        "pitches/answer_form.html",
        {"pitch": pitch, "question": question, "form": form, "heading": _("Answer for everyone")},
    )


# --- Sourcing log ---


@login_required
def log(request: HttpRequest, pk: int) -> HttpResponse:
    pitch = _pitch_or_404(request, pk)
    require(request, "pitches.manage_pitch", pitch)
    return render(
        request, "pitches/log.html", {"pitch": pitch, "entries": queries.pitch_log(pitch)}
    )


@login_required
def log_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The sourcing log as CSV for Excel: UTF-8 with BOM, `;` separator, French headers,
    dates in the event's time zone, cells a spreadsheet would run as formulas neutralised."""
    pitch = _pitch_or_404(request, pk)
    require(request, "pitches.manage_pitch", pitch)
    response, writer = spreadsheets.csv_response(f"sourcing-pitch-{pitch.pk}.csv")
    tz = pitch.event.tzinfo
    with translation.override("fr"):
        writer.writerow(
            [_("Date"), _("Time"), _("Kind"), _("Organisation"), _("Person"), _("Summary")]
        )
        for entry in queries.pitch_log(pitch):
            writer.writerow(
                [
                    times.day(entry.at, tz),
                    times.hhmm(entry.at, tz),
                    entry.get_kind_display(),
                    entry.organisation.name if entry.organisation else "",
                    str(entry.actor) if entry.actor else "",
                    entry.summary,
                ]
            )
    return response


def _trace_value(value, zone) -> str:
    """A trace cell as printed: times and dates in the event's zone, nothing for None."""
    if isinstance(value, dt.datetime):
        return times.day_and_time(value, zone)
    if isinstance(value, dt.date):
        return times.day(value)
    return "" if value is None else str(value)


def _trace(request: HttpRequest, pk: int) -> tuple[Pitch, list]:
    pitch = _pitch_or_404(request, pk)
    require(request, "pitches.manage_pitch", pitch)
    zone = pitch.event.tzinfo
    sections = [
        (
            section.title,
            [str(column) for column in section.header],
            [[_trace_value(value, zone) for value in row] for row in section.rows],
        )
        for section in trace.sections(pitch)
    ]
    return pitch, sections


@login_required
def trace_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The pitch's sourcing trace as a PDF the buyer files with the procurement record."""
    pitch, sections = _trace(request, pk)
    document = pdf.render_pdf(
        "print/pitch_trace.html",
        {"pitch": pitch, "sections": sections, "made_at": timezone.now()},
        request=request,
    )
    return pdf.pdf_response(document, f"sourcing-trace-{pitch.pk}-{pitch.title}")


@login_required
def trace_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The same trace as CSV: one row per line of each section, the section first."""
    pitch, sections = _trace(request, pk)
    response, writer = spreadsheets.csv_response(f"sourcing-trace-{pitch.pk}.csv")
    for title, header, rows in sections:
        writer.writerow([_("Section"), *header])
        for row in rows:
            writer.writerow([str(title), *row])
        writer.writerow([])
    return response
