"""One way to lock the row that owns a scarce thing (a slot's tables, a workshop's seats, a
person's time, a pitch's exchanges):

    with locked_transaction():
        pitch = lock(Pitch.objects.filter(pk=pitch.pk)).get()
        ...re-count, then write...

`locked_transaction()` is `transaction.atomic()` whose row locks wait at most LOCK_TIMEOUT; a lock
not obtained in time (or a deadlock) raises `Busy` ("busy, try again"), never a 500: views turn it
into a 409 with the person's message. `settings.TEST_DISABLE_LOCKS` (tests only) switches row locks
off so that a race test's negative control can show the race the lock prevents.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

LOCK_TIMEOUT = "3s"
BUSY = "busy"
BUSY_MESSAGE = _("Many people are doing the same thing right now; please try again in a moment.")
# PostgreSQL's lock_not_available (lock_timeout) and deadlock_detected.
_BUSY_SQLSTATES = {"55P03", "40P01"}


class Busy(ValidationError):
    """Someone else holds the lock; the person should simply try again."""

    def __init__(self, message=None):
        super().__init__(message or BUSY_MESSAGE, code=BUSY)


def locks_enabled() -> bool:
    return not settings.TEST_DISABLE_LOCKS


def lock(queryset: QuerySet, *, of: tuple[str, ...] = ("self",)) -> QuerySet:
    """`select_for_update(of=...)` on `queryset` (unless the test-only flag switches locks off).
    Use inside `locked_transaction()`; order the rows by a stable key when locking several, so
    that two transactions take them in the same order."""
    return queryset.select_for_update(of=of) if locks_enabled() else queryset


def _is_busy(error: OperationalError) -> bool:
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) in _BUSY_SQLSTATES or "database is locked" in str(error)


@contextmanager
def locked_transaction(message=None) -> Iterator[None]:
    """`transaction.atomic()` with a bounded lock wait; a lock timeout or deadlock becomes
    `Busy(message)` once the transaction (or savepoint) has rolled back."""
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
            yield
    except OperationalError as error:
        if _is_busy(error):
            raise Busy(message) from None
        raise
