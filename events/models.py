import uuid
import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from core import times

from .enums import Phase, RegistrationRole, RegistrationStatus, SessionKind


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


class Event(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    venue = models.CharField(_("venue"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Paris", validators=[validate_time_zone]
    )
    description = models.TextField(_("description"), blank=True)
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices, default=Phase.DRAFT)
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="organised_events",
        verbose_name=_("organisers"),
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="event_dates_ordered"
            ),
            models.CheckConstraint(condition=Q(phase__in=Phase.values), name="event_phase_valid"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class Room(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("name"), max_length=120)
    capacity = models.PositiveIntegerField(_("capacity"))
    accessible = models.BooleanField(_("step-free access"), default=True)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="room_unique_name_per_event"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="room_capacity_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class Session(models.Model):
    """One item of the programme: plenary, pitch session, workshop, meeting block or break."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    kind = models.CharField(_("kind"), max_length=20, choices=SessionKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    room = models.ForeignKey(
        Room,
        verbose_name=_("room"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    # Meeting blocks only: how the block is cut into slots.
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length (minutes)"), null=True, blank=True
    )
    gap_minutes = models.PositiveSmallIntegerField(_("gap between slots (minutes)"), default=0)
    # Calendar identity (RFC 5545): a UID made once; SEQUENCE raised by the services on every
    # change of time or place (never computed).
    ical_uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ical_sequence = models.PositiveIntegerField(default=0, editable=False)
    ical_modified_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("programme session")
        verbose_name_plural = _("programme sessions")
        ordering = ["starts_at", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(kind=SessionKind.MEETINGS) | Q(slot_minutes__gte=5),
                name="session_meeting_block_has_slots",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at


class Slot(models.Model):
    """A time slot of a meeting block's grid; generated from the block by a service."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "starts_at"], name="slot_unique_start_per_block"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="slot_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return times.time_range(self.starts_at, self.ends_at, self.session.event)


# The organisers' table order: their explicit order, then step-free tables (they seat everyone,
# e.g. the ground floor before a mezzanine reached by stairs), then the name.
TABLE_ORDER = ["position", "-accessible", "name", "pk"]


def table_order(through: str = "") -> list[str]:
    """TABLE_ORDER for order_by(), through a relation (e.g. "table__")."""
    return [f"-{through}{f[1:]}" if f[0] == "-" else f"{through}{f}" for f in TABLE_ORDER]


class Table(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="tables")
    name = models.CharField(_("name"), max_length=40)
    zone = models.CharField(_("zone"), max_length=80, blank=True)
    accessible = models.BooleanField(_("accessible"), default=True)
    position = models.PositiveSmallIntegerField(
        _("order"),
        default=0,
        help_text=_("Tables are filled in this order (then step-free ones first, then by name)."),
    )

    class Meta:
        verbose_name = _("table")
        verbose_name_plural = _("tables")
        ordering = TABLE_ORDER
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="table_unique_name_per_event"),
        ]

    def __str__(self) -> str:
        return self.name


class Registration(models.Model):
    """A person taking part in an event on behalf of one of their organisations."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registrations"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role at the event"), max_length=20, choices=RegistrationRole.choices)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.PENDING,
    )
    max_meetings = models.PositiveSmallIntegerField(
        _("maximum number of meetings"), null=True, blank=True
    )
    needs_accessible_table = models.BooleanField(_("needs an accessible table"), default=False)
    home_table = models.ForeignKey(
        "Table",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("home table"),
        help_text=_("A buyer's desk: every meeting of theirs takes place there."),
    )
    accessibility_needs = models.TextField(_("other accessibility needs"), blank=True)
    refusal_reason = models.CharField(_("reason for refusal"), max_length=300, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Check-in on the day (events.services.check_in / undo_check_in): when, and by which organiser.
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked in by"),
    )
    # The secret in the person's QR code (agenda, badge), read at the check-in desk; not the
    # calendar's token, so that a badge left on a table does not open the person's calendar.
    checkin_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The secret in the URL of the person's calendar feed; regenerating it kills the old URL.
    ical_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"], name="registration_unique_user_per_event"
            ),
            models.CheckConstraint(
                condition=Q(role__in=[RegistrationRole.VISITOR, RegistrationRole.FACILITATOR])
                | Q(organisation__isnull=False),
                name="registration_buyer_or_ess_has_organisation",
            ),
            models.CheckConstraint(
                condition=Q(checked_in_at__isnull=False) | Q(checked_in_by__isnull=True),
                name="registration_checked_in_by_only_when_checked_in",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.event}"

    @property
    def checkin_code(self) -> str:
        """What the QR code says: the check-in token as 32 upper-case hex digits (QR's compact
        alphanumeric mode; a USB scanner types it back)."""
        return self.checkin_token.hex.upper()


class Unavailability(models.Model):
    """A stretch of the day a registered person is not available for meetings."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="unavailabilities"
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("unavailability")
        verbose_name_plural = _("unavailabilities")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="unavailability_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        span = times.time_range(self.starts_at, self.ends_at, self.registration.event)
        return f"{self.registration}: {span}"


class Feedback(models.Model):
    """What a participant thought of the day: asked by email the day after the event
    (events/emails.py), given or changed on events:feedback until FEEDBACK_DAYS after the last day
    (events/rules.py `feedback_window_open`). Organisers see the average and the comments, without
    names."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="feedback"
    )
    rating = models.PositiveSmallIntegerField(
        _("overall rating"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("From 1 (disappointing) to 5 (excellent)."),
    )
    would_come_again = models.BooleanField(_("would come again"))
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration} {self.rating}/5"
