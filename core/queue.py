"""Queueing a Celery task: the one place that talks to the broker on a request's behalf.

With the broker (Redis) down, `task.delay()` raises (kombu's OperationalError, redis's
ConnectionError, OSError: they vary with the transport). A write whose commit queues work must not
turn into an error page because of that: the work is already recorded in the database (an outbox
row, a run "queued", a print job), so the queueing is a wake-up call, and a sweep under beat wakes
what was never woken (`notifications.sweep`; scheduling runs: see docs/architecture.md, "When Redis
or a worker dies"). So every task a request queues goes through `queue_now` or `queue_on_commit`,
which log an unreachable broker and report it (False, or `on_failure`) instead of raising.

Celery's own publishing retries are cut short (`QUEUE_RETRY`): a request waits a fraction of a
second for a broker that is down. And no result is asked for (`ignore_result`): nothing reads the
tasks' results (their effects are in the database), and asking for one makes Celery subscribe to
the Redis result backend first, which with Redis down retried 20 times a second apart: every write
that queued a task took 20 s, then the process's result consumer stayed broken.
"""

import logging
from collections.abc import Callable

from django.db import transaction

logger = logging.getLogger(__name__)

# kombu's publish retry policy for a request: two quick tries, then give up (logged).
QUEUE_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


def queue_now(task, *args, **kwargs) -> bool:
    """Send `task(*args, **kwargs)` to the broker now; False (logged) when it cannot be reached.
    Tasks run eagerly (tests, a laptop without Redis) raise what they raise: no broker there."""
    if task.app.conf.task_always_eager:
        task.apply_async(args, kwargs)
        return True
    try:
        task.apply_async(args, kwargs, retry=True, retry_policy=QUEUE_RETRY, ignore_result=True)
    except Exception as error:  # the broker's errors vary with the transport
        logger.warning("queue: broker unavailable, %s%r not queued: %r", task.name, args, error)
        return False
    return True


def queue_on_commit(task, *args, on_failure: Callable[[], None] | None = None, **kwargs) -> None:
    """Queue `task(*args, **kwargs)` once the current transaction commits (at once outside one).
    A broker that cannot be reached is logged, then `on_failure()` runs if given (say so on the
    record, or leave it for its sweep)."""

    def send() -> None:
        if not queue_now(task, *args, **kwargs) and on_failure is not None:
            on_failure()

    transaction.on_commit(send)
