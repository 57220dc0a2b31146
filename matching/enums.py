from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")
    LAPSED = "lapsed", _("Lapsed")


# A pair of participants has at most one request in these states at a time.
ACTIVE_REQUEST_STATUSES = frozenset({RequestStatus.PENDING, RequestStatus.ACCEPTED})

# Allowed answers and withdrawals: status -> statuses it may move to.
REQUEST_TRANSITIONS = {
    RequestStatus.PENDING: {
        RequestStatus.ACCEPTED,
        RequestStatus.DECLINED,
        RequestStatus.CANCELLED,
        RequestStatus.LAPSED,
    },
    RequestStatus.ACCEPTED: {RequestStatus.CANCELLED},
    RequestStatus.DECLINED: set(),
    RequestStatus.CANCELLED: set(),
    RequestStatus.LAPSED: set(),
}


class BookingMode(models.TextChoices):
    SELF_SERVICE = "self_service", _("Participants pick a free slot when they accept")
    ORGANISERS = "organisers", _("Accepted requests wait for the organisers' scheduling run")


# Weights given to the engine (1..10, schedule-format.md): mutual interest weighs most.
WEIGHT_ONE_SIDED = 3
WEIGHT_ABOUT_PITCH = 5
WEIGHT_MUTUAL = 10


class RunStatus(models.TextChoices):
    """The life of a background job the organisers start: an engine run (scheduling console), the
    printed documents (PrintJob)."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


ACTIVE_RUN_STATUSES = frozenset({RunStatus.QUEUED, RunStatus.RUNNING})


class RunStep(models.TextChoices):
    """What a running engine run is doing, in order; the console shows it live."""

    WAITING = "waiting", _("Waiting for a worker")
    BUILDING = "building", _("Building the problem")
    SOLVING = "solving", _("Solving")
    CHECKING = "checking", _("Checking the hard rules")
    SAVING = "saving", _("Saving the draft")
    FINISHED = "finished", _("Finished")


# --- On the day: presence at the table and what each meeting led to -----------------------------


class PresenceState(models.TextChoices):
    """A meeting under way as its two sides and the organisers see it."""

    WAITING = "waiting", _("Waiting")
    STARTED = "started", _("Started")
    PARTNER_ABSENT = "partner_absent", _("Partner absent")


class AbsenceReason(models.TextChoices):
    """Why a meeting counts as a no-show."""

    MARKED = "marked", _("marked absent by the partner")
    NOT_CHECKED_IN = "not_checked_in", _("not checked in")


class Outcome(models.TextChoices):
    """What a meeting led to, recorded privately by each side after it."""

    NOT_HELD = "not_held", _("Did not take place")
    INSUFFICIENT_INTEREST = "insufficient_interest", _("Insufficient interest")
    INFORMATIVE = "informative", _("Informative, no follow-up planned")
    QUOTE_ASKED = "quote_asked", _("Follow-up planned: quote asked")
    CONSULTATION_PLANNED = "consultation_planned", _("Follow-up planned: consultation planned")
    RESERVED_LOT = "reserved_lot", _("Follow-up planned: reserved lot considered")
    PARTNERSHIP = "partnership", _("Follow-up planned: partnership")
    OTHER_FOLLOW_UP = "other_follow_up", _("Follow-up planned: other")


# The outcomes that plan a follow-up (the organisers' counts group them).
FOLLOW_UP_OUTCOMES = frozenset(
    {
        Outcome.QUOTE_ASKED,
        Outcome.CONSULTATION_PLANNED,
        Outcome.RESERVED_LOT,
        Outcome.PARTNERSHIP,
        Outcome.OTHER_FOLLOW_UP,
    }
)
