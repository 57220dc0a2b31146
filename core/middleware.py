"""Requests refused before any view, and htmx requests that cannot be served as asked:

- a NUL character in the address or the query string (`NulRefusalMiddleware`): 400 before any
  view. PostgreSQL cannot hold nor compare text with one, so a lookup by a token, a search or a
  filter read from the query raised an error (a 500); no person types one. Form fields refuse it
  themselves (Django's CharField), in the person's language;

- refused by a view (Http404, PermissionDenied): the site's refusal in the page's message area
  (core.views.refuse), also with DEBUG on, where Django's error handlers of config/urls.py are
  not used;
- sent to the login page (logged out meanwhile): the whole page goes there (HX-Redirect), instead
  of the login form being swapped into a corner of the page.
"""

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect

from .views import page_not_found, permission_denied

NUL = "\x00"


def carries_nul(path: str, query) -> bool:
    """A NUL character in a decoded path, or in a key or value of a QueryDict."""
    return NUL in path or any(
        NUL in key or any(NUL in value for value in values) for key, values in query.lists()
    )


class NulRefusalMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if carries_nul(request.path, request.GET):
            raise BadRequest("NUL character in the address")  # the site's 400 page
        return self.get_response(request)


class HtmxRefusalMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            getattr(request, "htmx", False)
            and response.status_code == 302
            and response["Location"].startswith(resolve_url(settings.LOGIN_URL))
        ):
            return HttpResponseClientRedirect(response["Location"])
        return response

    def process_exception(self, request, exception):
        if not getattr(request, "htmx", False):
            return None
        if isinstance(exception, Http404):
            return page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return permission_denied(request, exception)
        return None
