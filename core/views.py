"""Helpers every app's views share."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import csrf, defaults

# Where refusals land on every page (templates/base.html), and how htmx puts them there.
REFUSAL_TARGET = "#refusal"


def require(request: HttpRequest, perm: str, obj=None) -> None:
    """Refuse (403) unless the user has `perm` on `obj` (the app's rules.py predicates)."""
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def refuse(
    request: HttpRequest,
    message: str,
    *,
    status: int = 409,
    redirect_to: str | None = None,
    refresh: str = "",
) -> HttpResponse:
    """The site's one way to say "no" to an action, in the person's language.

    With htmx: the `refusal.html` partial, with `status` (4xx), retargeted (HX-Retarget) into the
    message area every page has (`#refusal`, role=alert); base.html's htmx config swaps 4xx
    responses. `refresh` is optional HTML of fragments that carry `hx-swap-oob` (e.g. the list
    the stale page showed, re-rendered from the database); it is wrapped in a <template> so that
    table rows survive parsing. Without htmx: the message as an error message and a redirect to
    `redirect_to`, or a page that says it, with `status`."""
    if request.htmx:
        body = render_to_string("refusal.html#message", {"message": message}, request=request)
        if refresh:
            body += f"<template>{refresh}</template>"
        response = HttpResponse(body, status=status)
        response["HX-Retarget"] = REFUSAL_TARGET
        response["HX-Reswap"] = "innerHTML"
        return response
    if redirect_to is not None:
        messages.error(request, message)
        return redirect(redirect_to)
    return render(request, "refusal.html", {"message": message}, status=status)


# Django's error handlers (config/urls.py), so that an htmx request refused by a 400, 403 or 404
# shows its message in the page's message area instead of swapping a whole error page in.


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    if getattr(request, "htmx", False):
        return refuse(request, _("The request could not be understood."), status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    if getattr(request, "htmx", False):
        text = str(exception) if exception and str(exception) else ""
        message = text or _("You may not do this with your account.")
        return refuse(request, message, status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    if getattr(request, "htmx", False):
        message = _("This no longer exists, or is not visible to you. Reload the page.")
        return refuse(request, message, status=404)
    return defaults.page_not_found(request, exception)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """settings.CSRF_FAILURE_VIEW: a form posted from a page left open too long (logged out or
    logged in again elsewhere meanwhile) says so where the person looks."""
    if getattr(request, "htmx", False):
        message = _("This page has expired: reload it, then try again.")
        return refuse(request, message, status=403)
    return csrf.csrf_failure(request, reason)
