"""The outbox: the only code that writes OutboxMessage rows.

The database is the queue of record; Redis only wakes the worker. `enqueue` writes rows inside the
caller's transaction and wakes the send task on commit; if the broker is down then, the rows stay
queued and the sweep (every minute, Celery beat) sends them once it is back.

What "sent once" means, exactly (tests/notifications/test_faults.py shows each case with a real
worker, Redis and SMTP server):

- A duplicated or re-delivered task sends nothing more: the row is locked and must be queued.
- A worker killed before the SMTP server accepted the message (the usual case: a worker spends its
  time waiting on the server) leaves the row in "sending"; the sweep queues it again after
  STUCK_AFTER and it is sent once.
- A worker killed in the window between the server's "250 accepted" and the commit of "sent" (the
  few milliseconds of one UPDATE; the SMTP connection's QUIT is after the commit, not in the
  window) cannot know the server took it, so the message is sent again: at least once, never
  lost. The copy carries the same Message-ID (`<outbox-<pk>@<site host>>`, stable across
  attempts), by which mail servers and clients recognise a repeated message. SMTP has no
  two-phase commit, so no sender can promise more without risking a lost email.
"""

import contextvars
import logging
import smtplib
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import urlsplit

from django.core import signing
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from core import live, sites
from core.locking import lock, locked_transaction
from core.queue import queue_now

from . import groups
from .enums import PREFERENCE_REASON, MessageState
from .kinds import KINDS
from .models import EmailPreference, OutboxMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# A row queued longer than this without being sent was not woken (broker outage): the sweep
# wakes it. Fresh rows are left to the task their own commit queued.
WAKE_GRACE = timedelta(minutes=1)
# A row in "sending" for longer than this lost its worker (killed mid-send): queued again.
STUCK_AFTER = timedelta(minutes=10)


_muted = contextvars.ContextVar("outbox_muted", default=False)


@contextmanager
def muted():
    """Nothing is queued inside this block (the demo loads its data through the services without
    writing to anyone)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def enqueue(
    *,
    kind: str,
    object_key: str,
    recipients: Iterable = (),
    addresses: Iterable[str] = (),
    version: int = 1,
    context: dict | None = None,
    event_id: int | None = None,
    due_at=None,
) -> list[int]:
    """Queue one message of `kind` about `object_key` for each recipient with an email address
    (and each bare address: someone invited who has no account yet). `event_id` files it under
    its event for the organisers' counts; `due_at` (a reminder, a digest) leaves it for the sweep.

    Side effects, in order (inside the caller's transaction): insert the rows, skipping those whose
    (recipient, kind, object, version) already exists (idempotent); on commit, if they are due,
    queue `notifications.send` for each (a broker that is down is logged, never raised: the sweep
    sends them later). Returns the ids of the rows written now."""
    if kind not in KINDS:
        raise ValueError(f"unknown outbox kind {kind!r}")
    if _muted.get():
        return []
    now = timezone.now()
    due_at = due_at or now
    common = {
        "kind": kind,
        "object_key": object_key,
        "version": version,
        "context": context or {},
        "event_id": event_id,
        "created_at": now,
        "due_at": due_at,
    }
    users = [user for user in recipients if user.email]
    bare = sorted({address.strip().lower() for address in addresses if address.strip()})
    rows = [OutboxMessage(recipient=user, **common) for user in users]
    rows += [OutboxMessage(address=address, **common) for address in bare]
    if not rows:
        return []
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
    written = OutboxMessage.objects.filter(
        kind=kind, object_key=object_key, version=version, created_at=now
    )
    mine = Q(recipient__in=users) | Q(recipient=None, address__in=bare)
    ids = list(written.filter(mine).values_list("pk", flat=True))
    if due_at <= now:
        transaction.on_commit(lambda: wake(ids))
    return ids


def next_version(kind: str, object_key: str) -> int:
    """The version a new message of `kind` about `object_key` takes when the same object deserves
    another one (an invitation renewed, a registration validated again): one more than the last.
    Call it under the lock of the object's row, so two callers never pick the same."""
    latest = OutboxMessage.objects.filter(kind=kind, object_key=object_key).aggregate(
        latest=Max("version")
    )["latest"]
    return (latest or 0) + 1


def is_latest(message: OutboxMessage) -> bool:
    """No newer version of this message's kind and object was written since (for kinds whose
    older versions no longer make sense)."""
    return not OutboxMessage.objects.filter(
        kind=message.kind, object_key=message.object_key, version__gt=message.version
    ).exists()


def wake(ids: list[int]) -> int:
    """Queue `notifications.send` for each id (core/queue.py). A broker that is down stops the
    loop, is logged and swallowed: the rows are in the database and the sweep sends them. Returns
    how many were queued."""
    from .tasks import send

    for done, message_id in enumerate(ids):
        if not queue_now(send, message_id):
            logger.warning(
                "outbox: broker unavailable, %s messages left for the sweep", len(ids) - done
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
        reason = kind.withhold_reason(message) or _recipient_reason(message, kind)
        if reason:
            _finish(message, MessageState.WITHHELD, reason)
            logger.info("outbox %s withheld: %s", message.pk, reason)
            if reason == PREFERENCE_REASON:  # still shown in the notification centre
                _announce(message)
            return message.state
        message.state = MessageState.SENDING
        message.sending_since = timezone.now()
        message.attempts += 1
        message.save(update_fields=["state", "sending_since", "attempts"])
    mailer = mailers.default
    try:
        email = build_email(message, kind)
        mailer.open()
        mailer.send_messages([email])
    except Exception as error:
        _close(mailer)
        return _after_error(message, error)
    _finish(message, MessageState.SENT, "", sent_at=timezone.now())
    _close(mailer)
    _announce(message)
    return message.state


def _close(mailer) -> None:
    """Close the SMTP connection (QUIT); the message's fate is already recorded, so an error here
    is only logged."""
    try:
        mailer.close()
    except Exception:
        logger.warning("outbox: closing the mail connection failed", exc_info=True)


def _recipient_reason(message: OutboxMessage, kind) -> str:
    """Why this person gets no email of this kind now ("" if they do)."""
    user = message.recipient
    if user is None:
        return ""
    if not (user.is_active and user.email):
        return "inactive account"
    if kind.optional and not wants(user, kind.name):
        return PREFERENCE_REASON
    return ""


def _announce(message: OutboxMessage) -> None:
    """Tell the recipient's open pages that their notification count changed."""
    if message.recipient_id:
        live.broadcast_on_commit(groups.person(message.recipient_id), {"type": "notified"})


def message_language(message: OutboxMessage) -> str:
    from django.conf import settings

    return message.recipient.language if message.recipient_id else settings.LANGUAGE_CODE


def message_id(message: OutboxMessage) -> str:
    """The email's Message-ID: one per outbox row, the same at every attempt, so that a copy sent
    again after a crash is recognised as the same message by servers and mail clients."""
    from django.conf import settings

    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<outbox-{message.pk}@{host}>"


def build_email(message: OutboxMessage, kind) -> EmailMultiAlternatives:
    """The email in the recipient's language: the kind's text and HTML, the footer (a link to the
    person's email preferences, and to stop this kind), the one-click unsubscribe headers (RFC 2369,
    RFC 8058) for a kind people may turn off, the kind's attachments, and a Message-ID stable
    across attempts (`message_id`)."""
    with translation.override(message_language(message)):
        rendered = kind.render(message)
        unsubscribe = (
            unsubscribe_url(message.recipient, kind.name)
            if kind.optional and message.recipient_id
            else ""
        )
        footer = {
            "preferences": sites.absolute_url(reverse("notifications:preferences"))
            if message.recipient_id
            else "",
            "unsubscribe": unsubscribe,
            "label": kind.label,
        }
        text = (
            rendered.text.rstrip()
            + "\n\n-- \n"
            + render_to_string("notifications/footer.txt", footer)
        )
        html = rendered.html.replace(
            "</main>", render_to_string("notifications/footer.html", footer) + "</main>", 1
        )
    headers = {"Auto-Submitted": "auto-generated", "Message-ID": message_id(message)}
    if unsubscribe:
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email = EmailMultiAlternatives(rendered.subject, text, None, [message.to], headers=headers)
    email.attach_alternative(html, "text/html")
    for content, mimetype in rendered.alternatives:
        email.attach_alternative(content, mimetype)
    for attachment in rendered.attachments:
        email.attach(*attachment)
    return email


# --- Preferences and one-click unsubscribe -----------------------------------------------------

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def wants(user, kind_name: str) -> bool:
    """Whether `user` receives emails of this kind: their choice, else the kind's default."""
    kind = KINDS[kind_name]
    if not kind.optional:
        return True
    choice = (
        EmailPreference.objects.filter(user=user, kind=kind_name)
        .values_list("enabled", flat=True)
        .first()
    )
    return kind.default_on if choice is None else choice


def preferences(user) -> list[tuple]:
    """(kind, receives) for every kind people may turn off, in the order the apps registered
    them (so each app's kinds stay together: the event, pitches, meetings, workshops)."""
    chosen = dict(EmailPreference.objects.filter(user=user).values_list("kind", "enabled"))
    optional = [kind for kind in KINDS.values() if kind.optional]
    return [(kind, chosen.get(kind.name, kind.default_on)) for kind in optional]


def set_preferences(*, user, choices: dict[str, bool]) -> None:
    """Record `user`'s choice for each kind in `choices` (unknown or compulsory kinds ignored).

    Side effects: upsert one EmailPreference row per kind."""
    rows = [
        EmailPreference(user=user, kind=name, enabled=bool(enabled))
        for name, enabled in choices.items()
        if name in KINDS and KINDS[name].optional
    ]
    EmailPreference.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["user", "kind"], update_fields=["enabled"]
    )
    logger.info("user %s email preferences: %s", user.pk, {r.kind: r.enabled for r in rows})


def unsubscribe_url(user, kind_name: str) -> str:
    token = signing.dumps({"u": user.pk, "k": kind_name}, salt=UNSUBSCRIBE_SALT, compress=True)
    return sites.absolute_url(reverse("notifications:unsubscribe", args=[token]))


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(user id, kind name) from a link of `unsubscribe_url`, or None if it was tampered with or
    names a kind that does not exist or cannot be turned off."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    kind = KINDS.get(data.get("k", "")) if isinstance(data, dict) else None
    if kind is None or not kind.optional or not isinstance(data.get("u"), int):
        return None
    return data["u"], kind.name


# --- The notification centre ------------------------------------------------------------------


def mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark `user`'s notifications read (those in `ids`, or all of them). Returns how many.

    Side effects: write read_at; tell the person's open pages."""
    from .queries import visible

    rows = visible(user).filter(read_at=None)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    count = OutboxMessage.objects.filter(pk__in=rows.values("pk")).update(read_at=timezone.now())
    if count:
        live.broadcast_on_commit(groups.person(user.pk), {"type": "notified", "read": True})
    return count


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
