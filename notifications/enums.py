from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageState(models.TextChoices):
    """queued -> sending -> sent | failed | withheld. A transient SMTP error puts a sending row
    back to queued (due a little later); the sweep puts a row stuck in sending back to queued."""

    QUEUED = "queued", _("queued")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    WITHHELD = "withheld", _("withheld")


FINAL_STATES = frozenset({MessageState.SENT, MessageState.FAILED, MessageState.WITHHELD})

# The reason a message is withheld when its recipient turned its kind off: the email is not sent,
# the notification centre still shows it.
PREFERENCE_REASON = "email preference"
