"""What the notification centre reads: the messages written to a person that have come due and
still make sense (a message withheld only because its kind's emails are turned off is shown)."""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from core import sites

from .enums import PREFERENCE_REASON, MessageState
from .kinds import KINDS
from .models import OutboxMessage

PAGE_SIZE = 30


def visible(user) -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(recipient=user, due_at__lte=timezone.now()).filter(
        ~Q(state=MessageState.WITHHELD) | Q(reason=PREFERENCE_REASON)
    )


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return visible(user).filter(read_at=None).count()


def centre(user, limit: int = PAGE_SIZE) -> list[dict]:
    """The person's latest notifications, newest first, each with its title and link rendered in
    the current language by its kind (a message its kind can no longer render is left out)."""
    items = []
    rows = visible(user).select_related("recipient").order_by("-due_at", "-pk")[:limit]
    for message in rows:
        kind = KINDS.get(message.kind)
        if kind is None or kind.withhold_reason(message):
            continue
        rendered = kind.render(message)
        items.append(
            {
                "message": message,
                "title": sites.plain_subject(rendered.subject),
                "url": rendered.url,
                "unread": message.read_at is None,
                "label": kind.label,
            }
        )
    return items


def counts_by_kind(event_id: int) -> list[dict]:
    """For the organisers: per kind of email about this event, how many were sent, withheld,
    failed and are still waiting."""
    rows = (
        OutboxMessage.objects.filter(event_id=event_id)
        .values("kind")
        .annotate(
            sent=Count("pk", filter=Q(state=MessageState.SENT)),
            withheld=Count("pk", filter=Q(state=MessageState.WITHHELD)),
            failed=Count("pk", filter=Q(state=MessageState.FAILED)),
            waiting=Count("pk", filter=Q(state__in=[MessageState.QUEUED, MessageState.SENDING])),
        )
    )
    result = [
        {**row, "label": KINDS[row["kind"]].label if row["kind"] in KINDS else row["kind"]}
        for row in rows
    ]
    return sorted(result, key=lambda row: str(row["label"]))
