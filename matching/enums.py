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
