"""Channel-layer group names of the notifications app."""


def person(user_id: int) -> str:
    """One person's open pages: their notification count."""
    return f"notifications.person.{user_id}"
