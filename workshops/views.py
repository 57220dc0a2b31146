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

from core.views import refuse, require
from events.models import Event
from events.views import event_or_404

from . import bridge, queries, services
from .forms import WishesForm
from .models import WaitlistEntry, Workshop


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
