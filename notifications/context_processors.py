import functools

from . import queries


def unread(request) -> dict:
    """`unread_notifications`: the signed-in person's unread count, counted once and only if a
    template reads it (the header does; templates call a callable they are given)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": functools.cache(lambda: queries.unread_count(user))}
