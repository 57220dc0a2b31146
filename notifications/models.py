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

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="outbox_messages",
        verbose_name=_("recipient"),
    )
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

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "object_key", "version"],
                name="outbox_message_unique_per_version",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=MessageState.values), name="outbox_message_state"
            ),
        ]
        indexes = [models.Index(fields=["state", "due_at"], name="outbox_state_due")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_key} v{self.version} → {self.recipient_id} ({self.state})"
