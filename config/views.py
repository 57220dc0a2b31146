from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from events.queries import events_for_home


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"events": events_for_home(request.user)})


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and the compose health check: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
