"""Venue screens: the secret links that show the day on a projector, made and revoked by the
organisers."""

import logging
import secrets

from django.utils import timezone

from core.live import broadcast_on_commit
from core.locking import locked_transaction
from events.models import Event
from matching import groups
from matching.models import VenueScreen

logger = logging.getLogger(__name__)


@locked_transaction()
def create_screen(*, event: Event, name: str, by) -> VenueScreen:
    """A new screen link for `event`. Side effects: write the screen (an unguessable token); log."""
    screen = VenueScreen.objects.create(
        event=event, name=name.strip()[:80], token=secrets.token_urlsafe(32)
    )
    logger.info("venue screen %s created for event %s by user %s", screen.pk, event.pk, by.pk)
    return screen


@locked_transaction()
def revoke_screen(*, screen: VenueScreen, by) -> VenueScreen:
    """Revoke a screen link (idempotent). Side effects: write `revoked_at`; on commit, make the
    open screens check their link again (the revoked one says so and its socket closes); log."""
    if screen.revoked_at is None:
        screen.revoked_at = timezone.now()
        VenueScreen.objects.filter(pk=screen.pk).update(revoked_at=screen.revoked_at)
        broadcast_on_commit(groups.screen(screen.event_id), {"type": "rights.changed"})
        logger.info("venue screen %s revoked by user %s", screen.pk, by.pk)
    return screen


def screen_changed(event_id: int) -> None:
    """Tell the event's venue screens to fetch their board again (after the commit)."""
    broadcast_on_commit(groups.screen(event_id), {"type": "screen.changed"})
