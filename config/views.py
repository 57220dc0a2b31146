from pathlib import Path

from django.contrib.staticfiles import finders
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from core.pagecache import page_cache
from events.queries import events_for_home


@page_cache
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"events": events_for_home(request.user)})


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and the compose health check: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@never_cache
def bench_ping(request: HttpRequest) -> HttpResponse:
    """The trivial view of bench/pages.py, routed only when settings.BENCH_PING is on: the whole
    middleware, the session and its user read (as on every logged-in page), `SELECT 1`, no
    template. Anonymous: 403, so that the bench counts a lost session as an error."""
    if not request.user.is_authenticated:
        return HttpResponse(status=403)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse(b"ok", content_type="text/plain")


@never_cache
def service_worker(request: HttpRequest) -> HttpResponse:
    """static/js/sw.js at the root of the site: a service worker only controls pages under the
    path it is served from, and the agenda lives under /e/<slug>/agenda/ (registered by
    static/js/osez.js on the agenda page, with the scope /e/)."""
    script = Path(finders.find("js/sw.js")).read_bytes()
    response = HttpResponse(script, content_type="text/javascript")
    response["Service-Worker-Allowed"] = "/"
    return response
