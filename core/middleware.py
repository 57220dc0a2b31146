"""An htmx request refused by a view (Http404, PermissionDenied) gets the site's refusal in the
page's message area (core.views.refuse), also with DEBUG on, where Django's error handlers of
config/urls.py are not used."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .views import page_not_found, permission_denied


class HtmxRefusalMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not getattr(request, "htmx", False):
            return None
        if isinstance(exception, Http404):
            return page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return permission_denied(request, exception)
        return None
