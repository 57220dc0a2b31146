from django.db import models
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    """The life of an event, in order. Organisers move it one step at a time (or back one)."""

    DRAFT = "draft", _("Draft")
    REGISTRATION = "registration", _("Registration and pitches open")
    REQUESTS = "requests", _("Interest and meeting requests")
    SCHEDULING = "scheduling", _("Scheduling")
    PUBLISHED = "published", _("Schedule published")
    LIVE = "live", _("Live")
    CLOSED = "closed", _("Closed")


PHASE_ORDER = list(Phase)

# Allowed moves: forward to the next phase, or back to the previous one (to fix a mistake).
PHASE_TRANSITIONS = {
    phase: {PHASE_ORDER[i + d] for d in (-1, 1) if 0 <= i + d < len(PHASE_ORDER)}
    for i, phase in enumerate(PHASE_ORDER)
}

# What participants may do in each phase; organisers may always act. The groups of phases the
# apps share are defined here, once (workshops keeps its own two, wishes and seats, in
# workshops/enums.py). Code asks the predicates built from them in events/rules.py
# (`requests_open(user, event)`...); querysets filter on the sets themselves.
PHASES_OPEN_FOR_REGISTRATION = {Phase.REGISTRATION, Phase.REQUESTS}
PHASES_OPEN_FOR_PITCHES = {Phase.REGISTRATION, Phase.REQUESTS}
PHASES_OPEN_FOR_INTEREST = {Phase.REGISTRATION, Phase.REQUESTS, Phase.SCHEDULING, Phase.PUBLISHED}
PHASES_OPEN_FOR_QUESTIONS = {
    Phase.REGISTRATION,
    Phase.REQUESTS,
    Phase.SCHEDULING,
    Phase.PUBLISHED,
    Phase.LIVE,
}
# Meeting requests are sent and answered in the requests phase only; leaving it lapses pending
# ones (events/phases.py).
PHASES_OPEN_FOR_REQUESTS = {Phase.REQUESTS}
# The organisers run the engine, edit, publish and unpublish the schedule.
PHASES_OPEN_FOR_SCHEDULING = {Phase.SCHEDULING, Phase.PUBLISHED, Phase.LIVE}
# Meetings exist or are being arranged: "My space" shows the person's meeting requests.
PHASES_WITH_MEETINGS = PHASES_OPEN_FOR_REQUESTS | PHASES_OPEN_FOR_SCHEDULING
PHASES_PUBLIC = set(PHASE_ORDER) - {Phase.DRAFT}
PHASES_SCHEDULE_VISIBLE = {Phase.PUBLISHED, Phase.LIVE, Phase.CLOSED}
# The feedback form stays open this many days after the event's last day.
FEEDBACK_DAYS = 30


class SessionKind(models.TextChoices):
    PLENARY = "plenary", _("Plenary")
    PITCHES = "pitches", _("Pitch session")
    WORKSHOP = "workshop", _("Workshop")
    MEETINGS = "meetings", _("Meeting block")
    BREAK = "break", _("Break")


class RegistrationRole(models.TextChoices):
    BUYER = "buyer", _("Buyer")
    ESS = "ess", _("ESS structure")
    FACILITATOR = "facilitator", _("Workshop facilitator")
    VISITOR = "visitor", _("Visitor")


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting validation")
    VALIDATED = "validated", _("Validated")
    REFUSED = "refused", _("Refused")
    CANCELLED = "cancelled", _("Cancelled")


# A person holds a place at the event (awaiting validation or validated); refused and cancelled
# registrations may be reopened by registering again.
REGISTRATION_ACTIVE = frozenset({RegistrationStatus.PENDING, RegistrationStatus.VALIDATED})


class DayKind(models.TextChoices):
    """What fills a stretch of a participant's day (events/day.py)."""

    UNAVAILABLE = "unavailable", _("Unavailable")
    SESSION = "session", _("Programme")
    PITCHES = "pitches", _("Pitch session")
    WORKSHOP = "workshop", _("Workshop")
    MEETING = "meeting", _("Meeting")


class ReleaseReason(models.TextChoices):
    """Why a registration lets go of what it held (events/releases.py); told to the people concerned."""

    REFUSED = "refused", _("the organisers did not keep their registration")
    CANCELLED = "cancelled", _("their registration was cancelled")
    ACCOUNT_DELETED = "account_deleted", _("they deleted their account")
