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
    """The life of an engine run started from the organisers' scheduling console."""

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
