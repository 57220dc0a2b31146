"""Every Channels group name of the events app is built here, and nowhere else.

Group names may only hold ASCII letters, digits, hyphens, underscores and periods (< 100 chars), so
they are built from ids, never from slugs or names.
"""


def checkins(event_id: int) -> str:
    """Whoever follows an event's check-ins live (the organisers' dashboard, the desks): each
    check-in or undo sends `{"type": "checkin.changed", "event": id, "registration": id,
    "checked_in": bool}` (a hint: the page re-reads the database)."""
    return f"events.checkins.{int(event_id)}"
