"""Live messages to open pages, sent only once the change they announce is committed. They are
hints: a page that gets one re-reads the database (group names live in each app's groups.py)."""

import asyncio
import atexit
import concurrent.futures
import logging
import os
import threading

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def send_now(group: str, message: dict) -> None:
    """Send, waiting a moment (`SEND_WAIT` at most) so that hints leave before slower on-commit
    work (queueing emails) and in order. A channel layer that cannot be reached (Redis down) is
    logged, not raised: the change is committed, and open pages re-read the database when they
    reconnect."""
    layer = get_channel_layer()
    if layer is None:
        return
    if isinstance(layer, InMemoryChannelLayer):
        # One process (a laptop): the layer's queues belong to the server's event loop.
        try:
            async_to_sync(layer.group_send)(group, message)
        except Exception as error:
            logger.warning("live: %s not sent to %s: %r", message.get("type"), group, error)
        return
    _sender().submit(group, message, wait=SEND_WAIT)


SEND_WAIT = 2.0  # seconds; past it the hint still leaves, the caller just stops waiting


class _Sender:
    """One event loop per process, in a thread, that owns the layer's Redis connections: a hint
    costs about a millisecond on a warm pool instead of a new event loop and connection each
    (async_to_sync from a thread without a loop: 5-7 ms)."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.loop = asyncio.new_event_loop()
        self.pending: set[concurrent.futures.Future] = set()
        self.lock = threading.Lock()
        threading.Thread(target=self.loop.run_forever, name="live-sender", daemon=True).start()

    def submit(self, group: str, message: dict, wait: float = 0) -> None:
        future = asyncio.run_coroutine_threadsafe(self._send(group, message), self.loop)
        with self.lock:
            self.pending.add(future)
        future.add_done_callback(self._done)
        if wait:
            concurrent.futures.wait([future], timeout=wait)

    def _done(self, future) -> None:
        with self.lock:
            self.pending.discard(future)

    async def _send(self, group: str, message: dict) -> None:
        try:
            await get_channel_layer().group_send(group, message)
        except Exception as error:  # the errors vary with the layer (redis, OSError, asyncio)
            logger.warning("live: %s not sent to %s: %r", message.get("type"), group, error)

    def flush(self, timeout: float = 5) -> None:
        """Wait for what is under way (tests, and commands about to exit)."""
        with self.lock:
            pending = list(self.pending)
        concurrent.futures.wait(pending, timeout=timeout)


_senders: dict[int, _Sender] = {}


def _sender() -> _Sender:
    pid = os.getpid()  # a forked worker (Celery prefork) starts its own thread
    if pid not in _senders:
        _senders.clear()
        _senders[pid] = _Sender()
    return _senders[pid]


@atexit.register
def flush() -> None:
    """Wait (a few seconds at most) until the hints sent by this process have left."""
    sender = _senders.get(os.getpid())
    if sender is not None:
        sender.flush()


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
