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
