"""Answers to the survey about a meeting after the day (matching/surveys.py lists the items;
events.services.save_survey calls this through the survey registry)."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from events.models import Registration
from matching.models import MAX_SURVEY_COMMENT_LENGTH, MeetingFeedback
from matching.surveys import surveyed_meetings

logger = logging.getLogger(__name__)


def answer_meeting_survey(
    *, registration: Registration, by: User, request_id: int, usefulness: int, comment: str = ""
) -> MeetingFeedback:
    """The person says how useful one of their meetings was (1 to 5) and may comment.

    Side effects, in order: check `by` is the registration's person, the usefulness and the
    comment's length; check the meeting is one they are asked about (surveys.surveyed_meetings:
    theirs, ended, taken place); write or update their one answer; log."""
    if registration.user_id != by.pk:
        raise ValidationError(_("Only the participant answers their survey."))
    if usefulness not in range(1, 6):
        raise ValidationError(_("Choose a usefulness from 1 to 5."))
    comment = comment.strip()
    if len(comment) > MAX_SURVEY_COMMENT_LENGTH:
        raise ValidationError(
            _("Keep the comment under %(max)s characters.") % {"max": MAX_SURVEY_COMMENT_LENGTH}
        )
    if request_id not in {request.pk for request, _place in surveyed_meetings(registration)}:
        raise ValidationError(_("You are not asked about this meeting."))
    with transaction.atomic():
        row, created = MeetingFeedback.objects.update_or_create(
            request_id=request_id,
            registration=registration,
            defaults={"usefulness": usefulness, "comment": comment},
        )
    logger.info(
        "meeting request %s: survey %s by registration %s",
        request_id,
        "answered" if created else "changed",
        registration.pk,
    )
    return row
