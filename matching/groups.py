"""Every Channels group name of the matching app is built here, and nowhere else.

Group names may only hold ASCII letters, digits, hyphens, underscores and periods (< 100 chars), so
they are built from ids, never from slugs or names.
"""


def schedule_console(event_id: int) -> str:
    """The organisers of an event watching its scheduling console (run progress)."""
    return f"matching.console.{int(event_id)}"


def agenda(registration_id: int) -> str:
    """One participant's open agenda pages (a new published version, a moved meeting)."""
    return f"matching.agenda.{int(registration_id)}"


def my_requests(registration_id: int) -> str:
    """One participant's open "My meetings" pages (a request sent, answered, cancelled or booked)."""
    return f"matching.requests.{int(registration_id)}"


def screen(event_id: int) -> str:
    """The event's venue screens (a new published version, a meeting booked on the day)."""
    return f"matching.screen.{int(event_id)}"


def day(event_id: int) -> str:
    """Everyone watching an event's day as a whole (the organisers' live dashboard): a meeting
    started, a partner absent, a re-pairing, an outcome recorded. Hints only; no personal data."""
    return f"matching.day.{int(event_id)}"


def agendas(event_id: int) -> str:
    """Every open agenda page of an event: a publication tells them all in one message, which
    lists the registrations concerned (one message per event instead of one per person)."""
    return f"matching.agendas.{int(event_id)}"


def every_my_requests(event_id: int) -> str:
    """Every open "My meetings" page of an event (a publication, like `agendas`)."""
    return f"matching.requests-all.{int(event_id)}"
