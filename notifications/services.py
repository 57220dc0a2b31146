"""The outbox: the only code that writes OutboxMessage rows.

The database is the queue of record; Redis only wakes the worker. `enqueue` writes rows inside the
caller's transaction and wakes the send task on commit; if the broker is down then, the rows stay
queued and the sweep (every minute, Celery beat) sends them once it is back.
"""

import logging
import smtplib
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone, translation

from core.locking import lock, locked_transaction

from .enums import MessageState
from .kinds import KINDS
from .models import OutboxMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# A row queued longer than this without being sent was not woken (broker outage): the sweep
# wakes it. Fresh rows are left to the task their own commit queued.
WAKE_GRACE = timedelta(minutes=1)
# A row in "sending" for longer than this lost its worker (killed mid-send): queued again.
STUCK_AFTER = timedelta(minutes=10)


def enqueue(
    *,
    recipients: Iterable,
    kind: str,
    object_key: str,
    version: int = 1,
    context: dict | None = None,
    due_at=None,
) -> list[int]:
    """Queue one message of `kind` about `object_key` for each recipient with an email address.

    Side effects, in order (inside the caller's transaction): insert the rows, skipping those whose
    (recipient, kind, object, version) already exists (idempotent); on commit, if they are due,
    queue `notifications.send` for each (a broker that is down is logged, never raised: the sweep
    sends them later). Returns the ids of the rows written now."""
    if kind not in KINDS:
        raise ValueError(f"unknown outbox kind {kind!r}")
    now = timezone.now()
    due_at = due_at or now
    rows = [
        OutboxMessage(
            recipient=user,
            kind=kind,
            object_key=object_key,
            version=version,
            context=context or {},
            created_at=now,
            due_at=due_at,
        )
        for user in recipients
        if user.email
    ]
    if not rows:
        return []
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
    ids = list(
        OutboxMessage.objects.filter(
            kind=kind,
            object_key=object_key,
            version=version,
            recipient__in=[row.recipient for row in rows],
            created_at=now,
        ).values_list("pk", flat=True)
    )
    if due_at <= now:
        transaction.on_commit(lambda: wake(ids))
    return ids


def wake(ids: list[int]) -> int:
    """Queue `notifications.send` for each id. A broker that is down stops the loop, is logged and
    swallowed: the rows are in the database and the sweep sends them. Returns how many were queued."""
    from .tasks import send

    for done, message_id in enumerate(ids):
        try:
            send.delay(message_id)
        except Exception:  # the broker's errors vary with the transport (kombu, redis, OSError)
            logger.warning(
                "outbox: broker unavailable, %s messages left for the sweep",
                len(ids) - done,
                exc_info=True,
            )
            return done
    return len(ids)


def send_message(*, message_id: int) -> str:
    """Send one queued message, once (task body). Returns the state it ends in.

    Side effects, in order: lock the row; stop unless it is queued (a duplicated or re-delivered
    task does nothing); ask its kind whether it still makes sense (otherwise withheld with the
    reason); mark it sending and commit; render it in the recipient's language and send it (HTML
    and text); mark it sent. A transient SMTP error queues it again a little later (the sweep
    retries it) until MAX_ATTEMPTS, then it fails; a permanent one fails it at once."""
    with locked_transaction():
        message = (
            lock(OutboxMessage.objects).select_related("recipient").filter(pk=message_id).first()
        )
        if message is None or message.state != MessageState.QUEUED:
            return message.state if message else ""
        kind = KINDS.get(message.kind)
        if kind is None:  # its app was removed: no way to render it
            _finish(message, MessageState.FAILED, f"unknown kind {message.kind}")
            return message.state
        reason = kind.withhold_reason(message) or (
            "" if message.recipient.is_active and message.recipient.email else "inactive account"
        )
        if reason:
            _finish(message, MessageState.WITHHELD, reason)
            logger.info("outbox %s withheld: %s", message.pk, reason)
            return message.state
        message.state = MessageState.SENDING
        message.sending_since = timezone.now()
        message.attempts += 1
        message.save(update_fields=["state", "sending_since", "attempts"])
    try:
        email = _build(message, kind)
        email.send(fail_silently=False)
    except Exception as error:
        return _after_error(message, error)
    _finish(message, MessageState.SENT, "", sent_at=timezone.now())
    return message.state


def _build(message: OutboxMessage, kind) -> EmailMultiAlternatives:
    # The account has no language of its own yet: the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        rendered = kind.render(message)
    email = EmailMultiAlternatives(rendered.subject, rendered.text, None, [message.recipient.email])
    email.attach_alternative(rendered.html, "text/html")
    return email


def is_transient(error: Exception) -> bool:
    """Worth trying again: the server was unreachable or answered 4xx."""
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _msg in error.recipients.values())
    return isinstance(error, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, OSError))


def _after_error(message: OutboxMessage, error: Exception) -> str:
    with locked_transaction():
        message = lock(OutboxMessage.objects).get(pk=message.pk)
        if message.state != MessageState.SENDING:
            return message.state
        if is_transient(error) and message.attempts < MAX_ATTEMPTS:
            message.state = MessageState.QUEUED
            message.due_at = timezone.now() + timedelta(minutes=2**message.attempts)
            message.reason = str(error)[:300]
            message.save(update_fields=["state", "due_at", "reason"])
            logger.warning("outbox %s: transient error, retried later: %s", message.pk, error)
        else:
            _finish(message, MessageState.FAILED, str(error)[:300])
            logger.error("outbox %s failed: %s", message.pk, error)
    return message.state


def _finish(message: OutboxMessage, state: str, reason: str, sent_at=None) -> None:
    OutboxMessage.objects.filter(pk=message.pk).update(state=state, reason=reason, sent_at=sent_at)
    message.state, message.reason, message.sent_at = state, reason, sent_at


def requeue_stuck() -> int:
    """Rows left in "sending" by a worker that died: queued again. Returns how many."""
    cutoff = timezone.now() - STUCK_AFTER
    return OutboxMessage.objects.filter(
        state=MessageState.SENDING, sending_since__lte=cutoff
    ).update(state=MessageState.QUEUED, sending_since=None)


def due_unwoken() -> list[int]:
    """Queued rows that are due and were not woken by their own commit (or were retried)."""
    now = timezone.now()
    return list(
        OutboxMessage.objects.filter(
            state=MessageState.QUEUED, due_at__lte=now, created_at__lte=now - WAKE_GRACE
        )
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)
    )
