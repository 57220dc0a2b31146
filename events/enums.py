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

# What participants may do in each phase; organisers may always act.
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
PHASES_PUBLIC = set(PHASE_ORDER) - {Phase.DRAFT}
PHASES_SCHEDULE_VISIBLE = {Phase.PUBLISHED, Phase.LIVE, Phase.CLOSED}


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


# A registration in these states takes part (or asks to); refused and cancelled ones hold nothing.
LIVE_REGISTRATION_STATUSES = frozenset({RegistrationStatus.PENDING, RegistrationStatus.VALIDATED})


class ReleaseReason(models.TextChoices):
    """Why a registration lets go of what it held (events/releases.py); told to the people concerned."""

    REFUSED = "refused", _("the organisers did not keep their registration")
    CANCELLED = "cancelled", _("their registration was cancelled")
    ACCOUNT_DELETED = "account_deleted", _("they deleted their account")
