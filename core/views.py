"""Helpers every app's views share."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest


def require(request: HttpRequest, perm: str, obj=None) -> None:
    """Refuse (403) unless the user has `perm` on `obj` (the app's rules.py predicates)."""
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied
