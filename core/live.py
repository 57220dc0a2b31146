"""Live messages to open pages, sent only once the change they announce is committed. They are
hints: a page that gets one re-reads the database (group names live in each app's groups.py)."""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def send_now(group: str, message: dict) -> None:
    """Send at once. A channel layer that cannot be reached (Redis down) is logged, not raised:
    the change is committed, and open pages re-read the database when they reconnect."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception as error:  # the errors vary with the layer (redis, OSError, asyncio)
        logger.warning("live: %s not sent to %s: %r", message.get("type"), group, error)


def broadcast_on_commit(group: str, message: dict) -> None:
    """Send `message` to `group` after the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: send_now(group, message), robust=True)


# --- every open socket of one person ---------------------------------------------------------
# Every live consumer (core/consumers.py) also joins its person's group, so that what changes a
# person's rights (logging out, deleting the account, a registration refused or cancelled) reaches
# all their sockets, whatever the page.


def person_sockets(user_id: int) -> str:
    """The group of every open live socket of one person."""
    return f"core.sockets.{int(user_id)}"


def close_sockets_on_commit(user_id: int) -> None:
    """Close every live socket of the person (logged out, account deleted), once committed."""
    broadcast_on_commit(person_sockets(user_id), {"type": "live.close"})


def recheck_rights_on_commit(user_id: int) -> None:
    """Make every live socket of the person check again that they may see what it shows; those
    that may not any more close (a registration refused or cancelled)."""
    broadcast_on_commit(person_sockets(user_id), {"type": "rights.changed"})


def close_sockets_on_logout(sender, request, user, **kwargs) -> None:
    """user_logged_out receiver (connected in core/apps.py)."""
    if user is not None and user.pk is not None:
        close_sockets_on_commit(user.pk)
