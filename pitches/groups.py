"""Every Channels group name of the pitches app is built here, and nowhere else.

Group names may only hold ASCII letters, digits, hyphens, underscores and periods (< 100 chars), so
they are built from ids, never from slugs or names.
"""


def buyer(organisation_id: int) -> str:
    """A buyer organisation's open "My pitches" pages: an interest, a question or an answer on
    one of its pitches changed the counts (a hint: the page fetches its table again)."""
    return f"pitches.buyer.{int(organisation_id)}"


def pitch(pitch_id: int) -> str:
    """The open pages of a pitch for the people who manage it (its buyer, the organisers): the
    same changes, for the pitch's "Manage this pitch" panel."""
    return f"pitches.pitch.{int(pitch_id)}"
