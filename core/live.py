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
