"""The outbox's part of a person's data (registry in accounts/personal_data.py): the emails
written to them, with their state, and their email preferences. The rows go with the account
(CASCADE)."""

from accounts.personal_data import PersonalData, iso

from .models import EmailPreference, OutboxMessage


def export(user) -> dict[str, list]:
    return {
        "emails": [
            {
                "kind": m.kind,
                "about": m.object_key,
                "state": m.state,
                "created_at": iso(m.created_at),
                "sent_at": iso(m.sent_at),
            }
            for m in OutboxMessage.objects.filter(recipient=user).order_by("pk")
        ],
        "email_preferences": [
            {"kind": p.kind, "receive": p.enabled}
            for p in EmailPreference.objects.filter(user=user).order_by("kind")
        ],
    }


MODELS = frozenset({"notifications.OutboxMessage", "notifications.EmailPreference"})

PROVIDER = PersonalData(app="notifications", export=export, exported=MODELS, erased=MODELS)
