from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import MessageState


class OutboxMessage(models.Model):
    """One email to one person, written in the same transaction as the change that causes it.

    `context` holds what the kind's templates need (ids and the facts of the moment, as JSON),
    not rendered text: the subject and bodies are rendered at send time, so they are in the
    recipient's language and link to the site's current address, and the kind's check can see
    whether the message still makes sense (notifications.kinds)."""

    # A person with an account, or else (an invitation to someone without one) a bare address.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="outbox_messages",
        verbose_name=_("recipient"),
        null=True,
        blank=True,
    )
    address = models.EmailField(_("address"), blank=True)
    # The event it is about, for the organisers' counts (an id, not a key: events sits above
    # notifications in the layers).
    event_id = models.PositiveIntegerField(_("event"), null=True, blank=True, db_index=True)
    kind = models.CharField(_("kind"), max_length=60)
    # What the message is about, as "<what>:<id>", e.g. "question:12".
    object_key = models.CharField(_("object"), max_length=100)
    # Raised when the same object deserves a new message (e.g. a new schedule version).
    version = models.PositiveIntegerField(_("version"), default=1)
    context = models.JSONField(_("context"), default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=MessageState.choices, default=MessageState.QUEUED
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    due_at = models.DateTimeField(_("due at"), default=timezone.now)
    sending_since = models.DateTimeField(_("sending since"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # The notification centre: when the recipient saw it there.
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "object_key", "version"],
                name="outbox_message_unique_per_version",
            ),
            models.UniqueConstraint(
                fields=["address", "kind", "object_key", "version"],
                condition=models.Q(recipient__isnull=True),
                name="outbox_message_unique_per_address",
            ),
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=False) | ~models.Q(address=""),
                name="outbox_message_has_recipient",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=MessageState.values), name="outbox_message_state"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "due_at"], name="outbox_state_due"),
            models.Index(fields=["recipient", "read_at"], name="outbox_recipient_unread"),
        ]

    def __str__(self) -> str:
        to = self.recipient_id or self.address
        return f"{self.kind} {self.object_key} v{self.version} → {to} ({self.state})"

    @property
    def to(self) -> str:
        return self.recipient.email if self.recipient_id else self.address


class EmailPreference(models.Model):
    """A person's choice for one kind of email; without a row, the kind's default applies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="email_preferences",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("kind"), max_length=60)
    enabled = models.BooleanField(_("receive"))

    class Meta:
        verbose_name = _("email preference")
        verbose_name_plural = _("email preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="email_preference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.enabled}"
