"""The only code that writes workshops. A workshop is the participatory side of a programme
session of kind "workshop": theme, capacity, facilitators, expected outcome."""

import logging
from collections.abc import Iterable

from django.db import transaction

from accounts.models import Theme, User
from events.models import Session

from .models import Workshop

logger = logging.getLogger(__name__)


@transaction.atomic
def save_workshop(
    *,
    session: Session,
    theme: Theme,
    capacity: int,
    facilitators: Iterable[User] = (),
    expected_outcome: str = "",
) -> Workshop:
    """Create or update the workshop of a session.

    Side effects: writes the Workshop row (one per session), replaces its facilitators, logs.
    The caller (events.services.save_session) has checked the capacity against the room's.
    """
    workshop, created = Workshop.objects.update_or_create(
        session=session,
        defaults={"theme": theme, "capacity": capacity, "expected_outcome": expected_outcome},
    )
    workshop.facilitators.set(list(facilitators))
    logger.info(
        "workshop %s %s for session %s",
        workshop.pk,
        "created" if created else "updated",
        session.pk,
    )
    return workshop


def remove_workshop(*, session: Session) -> None:
    """Delete the workshop of a session that is no longer a workshop. Side effects: deletes, logs."""
    deleted, _ = Workshop.objects.filter(session=session).delete()
    if deleted:
        logger.info("workshop of session %s removed", session.pk)
