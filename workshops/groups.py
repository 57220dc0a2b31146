"""Every Channels group name of the workshops app is built here, and nowhere else.

Group names may only hold ASCII letters, digits, hyphens, underscores and periods (< 100 chars), so
they are built from ids, never from slugs or names.
"""


def seats(event_id: int) -> str:
    """Everyone with an event's workshops page open (a seat taken or freed, a waiting list moved)."""
    return f"workshops.seats.{int(event_id)}"


def boards(event_id: int) -> str:
    """Whoever follows all the idea boards of an event (the organisers' live dashboard): each
    change of any board, as a hint."""
    return f"workshops.boards.{int(event_id)}"


def board(workshop_id: int) -> str:
    """Everyone with a workshop's idea board open (an idea, a comment, a vote, a moderation)."""
    return f"workshops.board.{int(workshop_id)}"
