"""Live messages to open pages, sent only once the change they announce is committed. They are
hints: a page that gets one re-reads the database (group names live in each app's groups.py)."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def send_now(group: str, message: dict) -> None:
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(group, message)


def broadcast_on_commit(group: str, message: dict) -> None:
    """Send `message` to `group` after the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: send_now(group, message), robust=True)
