"""Venue screens: the organisers' list of screen links, and the screen itself (a secret link, no
login), whose board is fetched again by the clock and on every live hint."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from events.views import event_for
from matching import screen as screen_queries
from matching.models import VenueScreen
from matching.services import screens as services


class ScreenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Where it is shown"),
        max_length=80,
        help_text=gettext_lazy("For instance “Main hall projector”."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def screens(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_for(request, slug, "matching.view_schedule")  # the organisers, in any phase
    form = ScreenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.create_screen(event=event, name=form.cleaned_data["name"], by=request.user)
        messages.success(request, _("The screen link is ready: open it on the screen's browser."))
        return redirect("matching:screens", event.slug)
    links = [
        (venue, request.build_absolute_uri(reverse("matching:screen", args=[venue.token])))
        for venue in event.venue_screens.all()
    ]
    return render(
        request, "matching/console/screens.html", {"event": event, "form": form, "links": links}
    )


@login_required
@require_POST
def revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = event_for(request, slug, "matching.view_schedule")
    screen = get_object_or_404(VenueScreen, pk=pk, event=event)
    services.revoke_screen(screen=screen, by=request.user)
    messages.success(request, _("The screen link is revoked."))
    return redirect("matching:screens", event.slug)


def _live_screen(token: str) -> VenueScreen:
    screen = (
        VenueScreen.objects.select_related("event")
        .filter(token=token, revoked_at__isnull=True)
        .first()
    )
    if screen is None:
        raise Http404(_("This screen link does not exist or was revoked."))
    return screen


def screen(request: HttpRequest, token: str) -> HttpResponse:
    venue = _live_screen(token)
    context = {**screen_queries.board(venue.event), "screen": venue}
    return render(request, "matching/screen/screen.html", context)


def board(request: HttpRequest, token: str) -> HttpResponse:
    venue = _live_screen(token)
    context = {**screen_queries.board(venue.event), "screen": venue}
    return render(request, "matching/screen/screen.html#board", context)
