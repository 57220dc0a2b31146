"""What the start of a pitch's quiet period ("cône de silence") does to meeting requests.

`lapse_requests_about_pitch` is registered in pitches.hooks.QUIET_PERIOD_STARTS by
MatchingConfig.ready(): pitches starts the quiet period (at the launch, or when its date comes) and
calls it inside that transaction, with the pitch locked. Accepted requests stay accepted, but the
one rule (matching.rules.meeting_refusal) keeps them from being booked or placed from then on.
"""

import logging

from django.utils import timezone

from core.locking import lock
from matching import emails
from matching.enums import RequestStatus
from matching.models import MeetingRequest
from matching.services.requests import _lists_changed
from matching.services.sourcing import log_meeting

logger = logging.getLogger(__name__)


def lapse_requests_about_pitch(*, pitch) -> list[int]:
    """Every pending meeting request about `pitch` lapses. Returns their ids.

    Side effects, in order (inside the caller's transaction): lock the pending requests about the
    pitch; write LAPSED, answered at the quiet period's start; log each in the pitch's sourcing
    log; queue in the outbox an email to both sides (why, and the official consultation's link),
    sent once the transaction commits; on commit, re-render both sides' open "My meetings" pages.
    """
    rows = list(
        lock(MeetingRequest.objects.filter(pitch=pitch, status=RequestStatus.PENDING))
        .select_related("sender__organisation", "recipient__organisation", "pitch__event")
        .select_related("sender__user", "recipient__user")
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
    emails.enqueue_lapsed(rows, emails.LAPSED_QUIET_PERIOD)
    logger.info("pitch %s quiet period: meeting requests %s lapsed", pitch.pk, ids)
    return ids
