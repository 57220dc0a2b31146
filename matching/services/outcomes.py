"""What a meeting led to: each side (its organisation) records, privately, an outcome and a note
once the meeting has ended. Organisers see counts without names (day_queries.outcome_counts)."""

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.locking import locked_transaction
from matching import schedule_queries
from matching.enums import Outcome
from matching.models import MAX_OUTCOME_NOTE_LENGTH, MeetingOutcome, MeetingRequest
from matching.rules import outcome_organisation, outcome_refusal
from matching.services.follow_ups import sync_follow_up
from matching.services.presence import day_changed, lock_request

logger = logging.getLogger(__name__)


def record_outcome(
    *,
    request: MeetingRequest,
    by: User,
    outcome: str,
    note: str = "",
    now: dt.datetime | None = None,
) -> MeetingOutcome:
    """Record (or change) the user's organisation's outcome of a meeting, with a private note.

    Side effects, in order: check the outcome and the note's length; lock the request; check the
    user belongs to a side (matching.rules.outcome_organisation) and the meeting has ended
    (matching.rules.outcome_refusal); write the side's one row (created or updated: the database
    keeps one per side); make the pair's follow-up agree with the outcomes (follow_ups.
    sync_follow_up: written when one plans a follow-up); log without the note; on commit, tell the
    day group (counts change) and the user's side's agenda.
    """
    now = now or timezone.now()
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    note = note.strip()
    if len(note) > MAX_OUTCOME_NOTE_LENGTH:
        raise ValidationError(
            {
                "note": _("Keep the note under %(max)s characters.")
                % {"max": MAX_OUTCOME_NOTE_LENGTH}
            }
        )
    with locked_transaction():
        locked = lock_request(request)
        organisation = outcome_organisation(by, locked)
        if organisation is None:
            raise ValidationError(_("Only the people of the two organisations record outcomes."))
        place = schedule_queries.promised_places(locked.event, [locked]).get(locked.pk)
        if place is None:
            raise ValidationError(_("This meeting is no longer in the agenda."))
        reason = outcome_refusal(locked, place.slot, now)
        if reason is not None:
            raise ValidationError(reason)
        row, _created = MeetingOutcome.objects.update_or_create(
            request=locked,
            organisation=organisation,
            defaults={"outcome": outcome, "note": note, "written_by": by},
        )
        sync_follow_up(request=locked, by=by)
        logger.info(
            "meeting request %s: outcome %s for organisation %s by user %s",
            locked.pk,
            outcome,
            organisation.pk,
            by.pk,
        )
        sides = [
            r.pk for r in (locked.sender, locked.recipient) if r.organisation_id == organisation.pk
        ]
        day_changed(locked.event_id, sides)
    return row
