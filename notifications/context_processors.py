from django.utils.functional import SimpleLazyObject

from . import queries


def unread(request) -> dict:
    """`unread_notifications`: the signed-in person's unread count, counted only if a template
    reads it (the header does)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: queries.unread_count(user))}
