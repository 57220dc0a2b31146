"""The notification centre, a person's email preferences, and one-click unsubscribe."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import queries, services
from .forms import PreferencesForm
from .kinds import KINDS


@login_required
@require_http_methods(["GET", "POST"])
def centre(request: HttpRequest) -> HttpResponse:
    """The person's notifications, newest first; those shown are marked read once seen."""
    if request.method == "POST":
        services.mark_read(user=request.user)
        return redirect("notifications:centre")
    items = queries.centre(request.user)
    services.mark_read(user=request.user, ids=[i["message"].pk for i in items if i["unread"]])
    if request.htmx and not request.htmx.boosted:  # a live hint (the badge follows mark_read)
        return render(request, "notifications/centre.html#list", {"items": items})
    return render(request, "notifications/centre.html", {"items": items})


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = PreferencesForm(data, choices=services.preferences(request.user))
    if request.method == "POST" and form.is_valid():
        services.set_preferences(user=request.user, choices=form.cleaned_data)
        messages.success(request, _("Your email preferences have been saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" without a session
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks to confirm (link scanners follow links); POST turns the kind off, no sign-in
    needed: the signed token names the person and the kind."""
    found = services.read_unsubscribe_token(token)
    if found is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
    user = get_user_model().objects.filter(pk=found[0], is_active=True).first()
    if user is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
    kind = KINDS[found[1]]
    done = request.method == "POST"
    if done:
        services.set_preferences(user=user, choices={kind.name: False})
    return render(request, "notifications/unsubscribe.html", {"kind": kind, "done": done})
