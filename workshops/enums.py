from django.db import models
from django.utils.translation import gettext_lazy as _

from events.enums import Phase


class PlanKind(models.TextChoices):
    SEATS = "seats", _("Seat assignment")
    PLACEMENT = "placement", _("Room and time placement")


# Participants rank their wishes in these phases, until the organisers apply a seat assignment.
PHASES_OPEN_FOR_WISHES = {Phase.REGISTRATION, Phase.REQUESTS, Phase.SCHEDULING}
# Once seats are assigned, participants may take a free seat, join a waiting list or leave.
PHASES_OPEN_FOR_SEATS = {
    Phase.REGISTRATION,
    Phase.REQUESTS,
    Phase.SCHEDULING,
    Phase.PUBLISHED,
    Phase.LIVE,
}

# A participant attends at most this many workshops (and no more than there are time blocks).
MAX_WANTS = 2


# --- Idea boards ----------------------------------------------------------------------------------


class IdeaStatus(models.TextChoices):
    """Where an idea stands as a lead of the workshop ("piste de solution")."""

    OPEN = "open", _("Open")
    RETAINED = "retained", _("Retained")
    NOT_RETAINED = "not_retained", _("Not retained")
    MERGED = "merged", _("Merged")


# The statuses a facilitator sets by hand; "merged" is only reached by merging two ideas.
IDEA_STATUSES_SET_BY_HAND = (IdeaStatus.OPEN, IdeaStatus.RETAINED, IdeaStatus.NOT_RETAINED)
# Boards take ideas, comments and votes on the day (and once the agenda is published, so that a
# facilitator can prepare headings and seed ideas).
PHASES_OPEN_FOR_BOARDS = {Phase.PUBLISHED, Phase.LIVE}

IDEA_TITLE_MAX = 120
IDEA_TEXT_MAX = 1000
COMMENT_TEXT_MAX = 1000
HEADING_TITLE_MAX = 120
# The votes each person may give on a board: what the facilitator may choose from.
VOTE_BUDGET_MIN = 1
VOTE_BUDGET_MAX = 20
VOTE_BUDGET_DEFAULT = 3
