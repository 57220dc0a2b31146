"""What the start of a pitch's quiet period ("cône de silence") does to meeting requests.

`lapse_requests_about_pitch` is registered in pitches.hooks.QUIET_PERIOD_STARTS by
MatchingConfig.ready(): pitches starts the quiet period (at the launch, or when its date comes) and
calls it inside that transaction, with the pitch locked. Accepted requests stay accepted, but the
one rule (matching.rules.meeting_refusal) keeps them from being booked or placed from then on.
"""

import logging

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.locking import lock, locked_transaction
from matching.enums import RequestStatus
from matching.models import MeetingRequest
from matching.services.requests import _lists_changed
from matching.services.sourcing import log_meeting

logger = logging.getLogger(__name__)


def lapse_requests_about_pitch(*, pitch) -> list[int]:
    """Every pending meeting request about `pitch` lapses. Returns their ids.

    Side effects, in order (inside the caller's transaction): lock the pending requests about the
    pitch; write LAPSED, answered at the quiet period's start; log each in the pitch's sourcing log; on commit, queue
    `matching.notify_quiet_period_lapse` (both sides emailed why, pointed to the official
    consultation) and re-render both sides' open "My meetings" pages.
    """
    from matching.tasks import notify_quiet_period_lapse

    rows = list(
        lock(MeetingRequest.objects.filter(pitch=pitch, status=RequestStatus.PENDING))
        .select_related("sender__organisation", "recipient__organisation", "pitch__event")
        .order_by("pk")
    )
    if not rows:
        return []
    ids = [row.pk for row in rows]
    # Dated with the quiet period's start, so the sweep below can tell these lapses apart.
    MeetingRequest.objects.filter(pk__in=ids).update(
        status=RequestStatus.LAPSED, answered_at=pitch.quiet_period_started_at or timezone.now()
    )
    for row in rows:
        log_meeting(request=row, what="lapsed_quiet")
    _lists_changed(*rows)
    notify_quiet_period_lapse.delay_on_commit(ids)
    logger.info("pitch %s quiet period: meeting requests %s lapsed", pitch.pk, ids)
    return ids


def notify_quiet_period_lapse(*, request_ids: list[int]) -> int:
    """Email both sides of each request that lapsed at its pitch's quiet period, once (task body).

    Side effects, in order: lock the requests not notified yet; send one email per person and
    request, in the site's language, with the official consultation's link; write the notified
    time. Returns the number of emails sent.
    """
    with locked_transaction():
        rows = list(
            lock(
                MeetingRequest.objects.filter(
                    pk__in=request_ids,
                    status=RequestStatus.LAPSED,
                    pitch__isnull=False,
                    lapse_notified_at__isnull=True,
                )
            )
            .select_related(
                "event", "pitch", "sender__organisation", "sender__user", "recipient__organisation"
            )
            .select_related("recipient__user")
            .order_by("pk")
        )
        messages = []
        with translation.override(settings.LANGUAGE_CODE):
            for row in rows:
                url = settings.SITE_URL.rstrip("/") + reverse(
                    "matching:requests", args=[row.event.slug]
                )
                for me, other in ((row.sender, row.recipient), (row.recipient, row.sender)):
                    if not me.user.email:
                        continue
                    subject = _("[Osez] Meeting request closed: “%(title)s”") % {
                        "title": row.pitch.title
                    }
                    body = _(
                        "The buyer has launched the consultation for the need “%(title)s”. To "
                        "ensure equal treatment, exchanges about it now go through the official "
                        "consultation only, so the meeting request between %(mine)s and "
                        "%(other)s about it has lapsed.\n\nOfficial consultation: %(consultation)s"
                        "\n\nYour meetings: %(url)s\n"
                    ) % {
                        "title": row.pitch.title,
                        "mine": me.organisation,
                        "other": other.organisation,
                        "consultation": row.pitch.consultation_url,
                        "url": url,
                    }
                    messages.append((subject, body, None, [me.user.email]))
        sent = send_mass_mail(messages, fail_silently=False) if messages else 0
        MeetingRequest.objects.filter(pk__in=[row.pk for row in rows]).update(
            lapse_notified_at=timezone.now()
        )
    return sent


def unnotified_quiet_period_lapses() -> list[int]:
    """Requests lapsed by their pitch's quiet period (answered at its very start) whose two sides
    were not told yet: the email task was lost (broker outage) or failed."""
    return list(
        MeetingRequest.objects.filter(
            status=RequestStatus.LAPSED,
            lapse_notified_at__isnull=True,
            pitch__quiet_period_started_at=F("answered_at"),
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
