"""The organisers' statistics of an event: the page, its panel (fetched again by the clock and
on every live hint: matching.consumers.StatisticsConsumer) and each chart as an SVG image."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.pagecache import page_cache
from events.views import event_for
from matching import charts, statistics

PERMISSION = "matching.view_schedule"  # its organisers, and staff (events.rules.acts_as_organiser)


@page_cache
@login_required
@require_GET
def statistics_page(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_for(request, slug, PERMISSION)
    template = "matching/console/statistics.html"
    if request.htmx:
        template += "#panel"
    return render(request, template, statistics.statistics_context(event))


@login_required
@require_GET
def statistics_chart(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    event = event_for(request, slug, PERMISSION)
    breakdown = statistics.chart_breakdown(event, name)
    if breakdown is None:
        raise Http404
    response = HttpResponse(charts.render(breakdown), content_type="image/svg+xml")
    # The page's <img> names the figures' version (Breakdown.version): the same URL is the
    # same chart, kept a while; new figures, a new URL.
    response["Cache-Control"] = "private, max-age=600"
    return response
