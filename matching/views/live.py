"""The organisers' live dashboard of the day: the page, and its panel, fetched again by the clock
and on every live hint (a check-in, a meeting booked or moved)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.pagecache import LIVE_SECONDS, page_cache
from events.views import event_for
from matching import dashboard


@page_cache(seconds=LIVE_SECONDS)
@login_required
def live(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_for(request, slug, "matching.view_schedule")
    return render(request, "matching/console/live.html", dashboard.live_context(event))


@page_cache(seconds=LIVE_SECONDS)
@login_required
def live_panel(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_for(request, slug, "matching.view_schedule")
    return render(request, "matching/console/live.html#panel", dashboard.live_context(event))
