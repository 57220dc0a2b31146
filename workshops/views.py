"""Workshop pages: the participants' workshops page (ranked wishes, seats, waiting lists), the
registrants of a workshop (organisers and facilitators) and the organisers' assignment console.

Views are thin: permission check, form, service call, redirect or render. With htmx, the
participants' page swaps its `board` partial; without JavaScript every form posts and redirects."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.pagecache import page_cache
from core.spreadsheets import csv_response
from core.views import refuse, require
from events.models import Event
from events.views import event_or_404

from . import bridge, queries, services
from .enums import IDEA_STATUSES_SET_BY_HAND, IdeaStatus
from .forms import (
    BoardSettingsForm,
    CommentForm,
    HeadingForm,
    IdeaForm,
    MergeForm,
    ModerateForm,
    VoteForm,
    WishesForm,
)
from .models import Heading, Idea, WaitlistEntry, Workshop


def _event_or_404(request: HttpRequest, slug: str) -> Event:
    return event_or_404(request, slug, "workshops.view_workshops")


def _workshop_or_404(event: Event, pk: int) -> Workshop:
    return get_object_or_404(
        Workshop.objects.select_related("session__room", "session__event"),
        pk=pk,
        session__event=event,
    )


def _board_context(request: HttpRequest, event: Event, form: WishesForm | None = None) -> dict:
    workshops = list(queries.event_workshops(event))
    mine = queries.my_workshops(event, request.user)
    max_wants = bridge.max_wants(event, workshops)
    can_wish = request.user.has_perm("workshops.wish", event)
    if form is None and can_wish:
        form = WishesForm(
            workshops=workshops,
            max_wants=max_wants,
            initial_ranked=mine.ranked,
            wants=mine.wants,
        )
    rank_of = {workshop_id: rank for rank, workshop_id in enumerate(mine.ranked, start=1)}
    seated = [w for w in workshops if w.pk in mine.seats]

    def clash(workshop):
        """My seat in another workshop at the same time, which rules this one out."""
        session = workshop.session
        return next(
            (
                other
                for other in seated
                if other.pk != workshop.pk
                and other.session.starts_at < session.ends_at
                and other.session.ends_at > session.starts_at
            ),
            None,
        )

    rows = [
        {
            "clash": clash(w),
            "workshop": w,
            "remaining": max(0, w.seat_capacity - w.seats_taken),
            "capacity": w.seat_capacity,
            "my_rank": rank_of.get(w.pk),
            "my_seat": w.pk in mine.seats,
            "my_position": mine.waiting.get(w.pk),
        }
        for w in workshops
    ]
    return {
        "event": event,
        "rows": rows,
        "mine": mine,
        "form": form,
        "can_wish": can_wish,
        "can_take_seat": request.user.has_perm("workshops.take_seat", event),
        "can_assign": request.user.has_perm("workshops.assign", event),
        "facilitated": queries.facilitated_ids(event, request.user),
        "seats_assigned": queries.seats_assigned(event),
        "max_wants": max_wants,
    }


def _render_board(request, event, form=None) -> HttpResponse:
    template = "workshops/list.html#board" if request.htmx else "workshops/list.html"
    return render(request, template, _board_context(request, event, form))


@page_cache
def workshop_list(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event_or_404(request, slug)
    return _render_board(request, event)


def _my_registration(request: HttpRequest, event: Event, perm: str):
    require(request, perm, event)
    return queries.my_workshops(event, request.user).registration


@login_required
@require_POST
def wishes(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event_or_404(request, slug)
    registration = _my_registration(request, event, "workshops.wish")
    workshops = list(queries.event_workshops(event))
    form = WishesForm(
        request.POST, workshops=workshops, max_wants=bridge.max_wants(event, workshops)
    )
    if form.is_valid():
        try:
            services.save_wishes(
                registration=registration,
                workshop_ids=form.cleaned_data["ranked"],
                wants=form.cleaned_data["wants"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your workshop wishes are saved."))
            if request.htmx:
                return _render_board(request, event)
            return redirect("workshops:list", slug=event.slug)
    # The board with its form errors (200, as before: the board is the page's answer either way).
    return _render_board(request, event, form=form)


def _seat_action(request: HttpRequest, slug: str, pk: int, action) -> HttpResponse:
    event = _event_or_404(request, slug)
    workshop = _workshop_or_404(event, pk)
    registration = _my_registration(request, event, "workshops.take_seat")
    try:
        message = action(registration, workshop)
    except ValidationError as error:
        refresh = ""
        if request.htmx:  # the stale board, re-rendered from the database
            context = {**_board_context(request, event), "oob": True}
            refresh = render_to_string("workshops/list.html#board", context, request=request)
        return refuse(
            request,
            " ".join(error.messages),
            redirect_to=reverse("workshops:list", kwargs={"slug": event.slug}),
            refresh=refresh,
        )
    messages.success(request, message)
    if request.htmx:
        return _render_board(request, event)
    return redirect("workshops:list", slug=event.slug)


@login_required
@require_POST
def take(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    def act(registration, workshop):
        result = services.take_seat(registration=registration, workshop=workshop, by=request.user)
        if isinstance(result, WaitlistEntry):
            return _("The workshop is full: you are on its waiting list.")
        return _("Your seat in “%(title)s” is booked.") % {"title": workshop.session.title}

    return _seat_action(request, slug, pk, act)


@login_required
@require_POST
def leave(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    def act(registration, workshop):
        services.leave_workshop(registration=registration, workshop=workshop, by=request.user)
        return _("You have left “%(title)s”.") % {"title": workshop.session.title}

    return _seat_action(request, slug, pk, act)


@login_required
def registrants(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _event_or_404(request, slug)
    workshop = _workshop_or_404(event, pk)
    require(request, "workshops.view_registrants", workshop)
    seats, waiting = queries.registrants(workshop)
    context = {
        "event": event,
        "workshop": workshop,
        "seats": seats,
        "waiting": waiting,
        "is_organiser": request.user.has_perm("workshops.assign", event),
        "section": "workshops",
    }
    return render(request, "workshops/registrants.html", context)


def _managed_event(request: HttpRequest, slug: str) -> Event:
    event = _event_or_404(request, slug)
    require(request, "workshops.assign", event)
    return event


@login_required
def assignment(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the workshops, wishes and the latest proposal; POST: ask the engine for seats."""
    event = _managed_event(request, slug)
    if request.method == "POST":
        kind = request.POST.get("kind")
        propose = {"seats": services.propose_seats, "placement": services.propose_placement}
        if kind not in propose:
            messages.error(request, _("Unknown kind of proposal."))
        else:
            try:
                propose[kind](event=event, by=request.user)
            except ValidationError as error:
                for text in error.messages:
                    messages.error(request, text)
            else:
                messages.success(
                    request, _("Here is the engine's proposal: check it, then apply it.")
                )
        return redirect("workshops:assignment", slug=event.slug)
    proposal = queries.latest_proposal(event)
    context = {
        "event": event,
        "workshops": list(queries.event_workshops(event)),
        "summary": queries.wish_summary(event),
        "seats_assigned": queries.seats_assigned(event),
        "proposal": queries.describe_proposal(proposal) if proposal else None,
        "stale": proposal is not None and services.is_stale(proposal),
        "blocks": bridge.time_blocks(bridge.event_workshops(event))[0],
        "section": "workshops",
    }
    return render(request, "workshops/assignment.html", context)


@login_required
@require_POST
def apply(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _managed_event(request, slug)
    proposal = get_object_or_404(event.workshop_plans, pk=pk)
    try:
        services.apply_plan(proposal=proposal, by=request.user)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("The proposal is applied."))
    return redirect("workshops:assignment", slug=event.slug)


# --- Idea boards ----------------------------------------------------------------------------------
#
# One page per workshop (workshops/board.html): the form to post an idea, then the board
# (`#board` partial) that every action swaps with htmx and that the websocket's hints make each
# open page fetch again (workshops/consumers.py). Without JavaScript every form posts and
# redirects back to the page.


def _board_workshop(request: HttpRequest, slug: str, pk: int, perm: str) -> tuple[Event, Workshop]:
    event = _event_or_404(request, slug)
    workshop = _workshop_or_404(event, pk)
    require(request, perm, workshop)
    return event, workshop


def _board_page_context(request, event, workshop, **extra) -> dict:
    view = queries.board_view(workshop, request.user)
    return {
        "event": event,
        "workshop": workshop,
        "view": view,
        "status_choices": IDEA_STATUSES_SET_BY_HAND,
        "idea_form": IdeaForm(),
        # Controls inside the board's <details> carry no id (labels wrap them): htmx settles the
        # attributes of elements found by id in both versions, which a CSP without inline styles
        # refuses for controls in a closed <details>.
        "settings_form": BoardSettingsForm(
            auto_id=False,
            initial={
                "vote_budget": view.board.vote_budget,
                "own_votes_allowed": view.board.own_votes_allowed,
                "counts_hidden": view.board.counts_hidden,
                "voting_closed": view.board.voting_closed_at is not None,
            },
        ),
        **extra,
    }


def _board_url(event: Event, workshop: Workshop) -> str:
    return reverse("workshops:board", kwargs={"slug": event.slug, "pk": workshop.pk})


@login_required
def board(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event, workshop = _board_workshop(request, slug, pk, "workshops.view_board")
    template = "workshops/board.html#board" if request.htmx else "workshops/board.html"
    return render(request, template, _board_page_context(request, event, workshop))


def _board_answer(request, event, workshop, act, success: str = "") -> HttpResponse:
    """Run `act()` (a service call); answer with the re-rendered board (htmx) or a redirect.
    A refusal goes to the page's message area with the board re-rendered out of band."""
    try:
        act()
    except ValidationError as error:
        refresh = ""
        if request.htmx:
            context = _board_page_context(request, event, workshop, oob=True)
            refresh = render_to_string("workshops/board.html#board", context, request=request)
        return refuse(
            request,
            " ".join(error.messages),
            redirect_to=_board_url(event, workshop),
            refresh=refresh,
        )
    if success:
        messages.success(request, success)
    if request.htmx:
        return render(
            request, "workshops/board.html#board", _board_page_context(request, event, workshop)
        )
    return redirect(_board_url(event, workshop))


def _form_refusal(request, event, workshop, form) -> HttpResponse:
    text = " ".join(
        f"{form.fields[name].label}: {' '.join(errors)}"
        if name in form.fields
        else " ".join(errors)
        for name, errors in form.errors.items()
    )
    return _board_answer(request, event, workshop, lambda: _raise(text))


def _raise(text: str):
    raise ValidationError(text)


def _idea_or_404(workshop: Workshop, idea_pk: int):
    return get_object_or_404(Idea, pk=idea_pk, board__workshop=workshop)


@login_required
@require_POST
def idea_new(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Post an idea. With htmx the answer is a fresh form and the board out of band, so what the
    person typed stays when it is refused."""
    event, workshop = _board_workshop(request, slug, pk, "workshops.post_idea")
    form = IdeaForm(request.POST)
    error = None
    if form.is_valid():
        try:
            services.post_idea(workshop=workshop, by=request.user, **form.cleaned_data)
        except ValidationError as refusal:
            error = refusal
            form.add_error(None, refusal)
    if not request.htmx:
        if form.is_valid() and error is None:
            messages.success(request, _("Your idea is on the board."))
        else:
            for text in [e for errors in form.errors.values() for e in errors]:
                messages.error(request, text)
        return redirect(_board_url(event, workshop))
    done = form.is_valid() and error is None
    context = _board_page_context(
        request, event, workshop, oob=True, idea_form=IdeaForm() if done else form, posted=done
    )
    html = render_to_string("workshops/board.html#compose", context, request=request)
    html += render_to_string("workshops/board.html#board", context, request=request)
    return HttpResponse(html, status=200 if done else 422)


@login_required
@require_POST
def idea_comment(request: HttpRequest, slug: str, pk: int, idea: int) -> HttpResponse:
    event, workshop = _board_workshop(request, slug, pk, "workshops.post_idea")
    target = _idea_or_404(workshop, idea)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _form_refusal(request, event, workshop, form)
    return _board_answer(
        request,
        event,
        workshop,
        lambda: services.comment_idea(idea=target, by=request.user, **form.cleaned_data),
    )


@login_required
@require_POST
def idea_vote(request: HttpRequest, slug: str, pk: int, idea: int) -> HttpResponse:
    event, workshop = _board_workshop(request, slug, pk, "workshops.vote")
    target = _idea_or_404(workshop, idea)
    form = VoteForm(request.POST)
    if not form.is_valid():
        return _form_refusal(request, event, workshop, form)
    service = services.vote if form.cleaned_data["action"] == "add" else services.unvote
    return _board_answer(request, event, workshop, lambda: service(idea=target, by=request.user))


@login_required
@require_POST
def idea_moderate(request: HttpRequest, slug: str, pk: int, idea: int) -> HttpResponse:
    event, workshop = _board_workshop(request, slug, pk, "workshops.moderate_open")
    target = _idea_or_404(workshop, idea)
    headings = list(Heading.objects.filter(board__workshop=workshop))
    form = ModerateForm(request.POST, headings=headings)
    if not form.is_valid():
        return _form_refusal(request, event, workshop, form)
    action = form.cleaned_data["action"]
    changes = {
        "status": {"status": form.cleaned_data["status"]},
        "hide": {"hidden": True},
        "show": {"hidden": False},
        "heading": {
            "heading": next((h for h in headings if h.pk == form.cleaned_data["heading"]), None),
            "set_heading": True,
        },
    }[action]
    return _board_answer(
        request,
        event,
        workshop,
        lambda: services.moderate_idea(idea=target, by=request.user, **changes),
    )


@login_required
@require_POST
def idea_merge(request: HttpRequest, slug: str, pk: int, idea: int) -> HttpResponse:
    event, workshop = _board_workshop(request, slug, pk, "workshops.moderate_open")
    duplicate = _idea_or_404(workshop, idea)
    others = Idea.objects.filter(board__workshop=workshop).exclude(pk=duplicate.pk)
    form = MergeForm(request.POST, ideas=others)
    if not form.is_valid():
        return _form_refusal(request, event, workshop, form)
    kept = others.get(pk=form.cleaned_data["into"])
    return _board_answer(
        request,
        event,
        workshop,
        lambda: services.merge_ideas(idea=duplicate, into=kept, by=request.user),
        _("“%(title)s” is merged.") % {"title": duplicate.title},
    )


@login_required
@require_POST
def heading_new(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event, workshop = _board_workshop(request, slug, pk, "workshops.moderate_open")
    form = HeadingForm(request.POST)
    if not form.is_valid():
        return _form_refusal(request, event, workshop, form)
    return _board_answer(
        request,
        event,
        workshop,
        lambda: services.add_heading(
            workshop=workshop, title=form.cleaned_data["title"], by=request.user
        ),
    )


@login_required
@require_POST
def board_settings(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event, workshop = _board_workshop(request, slug, pk, "workshops.moderate_open")
    form = BoardSettingsForm(request.POST)
    if not form.is_valid():
        return _form_refusal(request, event, workshop, form)
    return _board_answer(
        request,
        event,
        workshop,
        lambda: services.configure_board(workshop=workshop, by=request.user, **form.cleaned_data),
        _("The board's settings are saved."),
    )


@login_required
@require_POST
def board_close(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Close the board (POST closed=1, the default) or reopen it (closed=0)."""
    event, workshop = _board_workshop(request, slug, pk, "workshops.moderate_board")
    closed = request.POST.get("closed", "1") != "0"
    return _board_answer(
        request,
        event,
        workshop,
        lambda: services.close_board(workshop=workshop, by=request.user, closed=closed),
        _("The board is closed; its retained leads are published on the event's page.")
        if closed
        else _("The board is open again."),
    )


@login_required
def board_csv(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event, workshop = _board_workshop(request, slug, pk, "workshops.moderate_board")
    response, writer = csv_response(f"{event.slug}-workshop-{workshop.pk}-ideas.csv")
    writer.writerow(
        [_("Heading"), _("Title"), _("Text"), _("Lead"), _("Votes"), _("Comments"), _("Hidden")]
    )
    statuses = dict(IdeaStatus.choices)
    for row in queries.export_rows(workshop):
        writer.writerow(
            [
                row["heading__title"] or "",
                row["title"],
                row["text"],
                str(statuses[row["status"]]),
                row["vote_count"],
                row["comment_count"],
                _("yes") if row["hidden"] else _("no"),
            ]
        )
    return response


@login_required
def board_markdown(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The workshop's retained leads as a Markdown document (for a report or a wiki)."""
    event, workshop = _board_workshop(request, slug, pk, "workshops.moderate_board")
    text = render_to_string(
        "workshops/leads.md",
        {
            "event": event,
            "workshop": workshop,
            "leads": queries.leads([workshop.pk]).get(workshop.pk, []),
        },
        request=request,
    )
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    filename = f"{event.slug}-workshop-{workshop.pk}-leads.md"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def leads(request: HttpRequest, slug: str) -> HttpResponse:
    """The event's published leads, per workshop: a page of its own, and the section the event's
    public page fetches with htmx (templates/events/detail.html includes
    workshops/_leads_slot.html: events cannot import workshops, a template URL is no import)."""
    event = event_or_404(request, slug, "workshops.view_leads")
    context = {"event": event, "published": queries.published_leads(event)}
    template = "workshops/leads.html#section" if request.htmx else "workshops/leads.html"
    return render(request, template, context)
