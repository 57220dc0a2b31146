import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Greatest, Least
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from events.models import Event, Registration, Slot, Table
from pitches.models import Pitch

from .enums import (
    ACTIVE_REQUEST_STATUSES,
    ACTIVE_RUN_STATUSES,
    BookingMode,
    Outcome,
    RequestStatus,
    RunStatus,
    RunStep,
)

# The reminder emailed before each meeting on the day (organisers choose; 0 turns it off).
DEFAULT_REMINDER_MINUTES = 15
MAX_REMINDER_MINUTES = 120
# On the day, a meeting whose partner is not checked in this many minutes after its slot started
# is flagged as a no-show (organisers choose, within the bounds).
DEFAULT_NO_SHOW_MINUTES = 5
MIN_NO_SHOW_MINUTES = 1
MAX_NO_SHOW_MINUTES = 30
MAX_OUTCOME_NOTE_LENGTH = 2000


class MatchingSettings(models.Model):
    """How an event books its meetings; one row per event, written when the organisers first
    change the settings (until then, services.requests.settings_for gives the defaults)."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="matching_settings")
    booking_mode = models.CharField(
        _("booking mode"),
        max_length=20,
        choices=BookingMode.choices,
        default=BookingMode.ORGANISERS,
    )
    max_requests_per_participant = models.PositiveSmallIntegerField(
        _("maximum outgoing requests per participant"),
        null=True,
        blank=True,
        help_text=_("Leave empty for no cap."),
    )
    reminder_minutes = models.PositiveSmallIntegerField(
        _("reminder before each meeting (minutes)"),
        default=DEFAULT_REMINDER_MINUTES,
        validators=[MaxValueValidator(MAX_REMINDER_MINUTES)],
        help_text=_(
            "Each participant gets an email this many minutes before each of their meetings "
            "(from the published schedule, or booked themselves). 0 turns the reminders off; "
            "at most 120."
        ),
    )
    no_show_minutes = models.PositiveSmallIntegerField(
        _("no-show after (minutes)"),
        default=DEFAULT_NO_SHOW_MINUTES,
        validators=[MinValueValidator(MIN_NO_SHOW_MINUTES), MaxValueValidator(MAX_NO_SHOW_MINUTES)],
        help_text=_(
            "On the day, a meeting whose partner has not checked in this many minutes after its "
            "slot started is flagged as a no-show, and the person left alone is offered someone "
            "else. Between 1 and 30."
        ),
    )

    class Meta:
        verbose_name = _("matching settings")
        verbose_name_plural = _("matching settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(reminder_minutes__lte=MAX_REMINDER_MINUTES),
                name="matching_settings_reminder_max",
            ),
            models.CheckConstraint(
                condition=Q(no_show_minutes__gte=MIN_NO_SHOW_MINUTES)
                & Q(no_show_minutes__lte=MAX_NO_SHOW_MINUTES),
                name="matching_settings_no_show_bounds",
            ),
        ]

    def __str__(self) -> str:
        return str(self.event)


class MeetingRequestQuerySet(models.QuerySet):
    def with_sides(self) -> "MeetingRequestQuerySet":
        """Both sides (organisation and person), the pitch and the event, in the same query."""
        return self.select_related(
            "event",
            "pitch",
            "sender__organisation",
            "sender__user",
            "recipient__organisation",
            "recipient__user",
        )


class MeetingRequest(models.Model):
    """One participant asks another for a one-to-one meeting, about a pitch or not."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="meeting_requests")
    sender = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="requests_sent")
    recipient = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="requests_received"
    )
    pitch = models.ForeignKey(
        Pitch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_requests",
        verbose_name=_("about the pitch"),
    )
    message = models.TextField(_("message"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    decline_reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # Where the two people booked the meeting themselves (self-service): a promise. Organisers'
    # runs keep it there unless they choose otherwise; publishing tells the two people when it
    # moved and then clears it (the published version holds the place from then on).
    booked_slot = models.ForeignKey(
        Slot, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    booked_table = models.ForeignKey(
        Table, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Calendar identity (RFC 5545), kept here because the Meeting row is deleted and re-created
    # when moved: a UID made once, and a SEQUENCE the services raise on every change of time,
    # place or status (never computed).
    ical_uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ical_sequence = models.PositiveIntegerField(default=0, editable=False)
    ical_modified_at = models.DateTimeField(default=timezone.now, editable=False)
    # Where its participants knew the meeting was when it was cancelled: calendars keep it there
    # as STATUS:CANCELLED until the event is over, rather than letting it vanish.
    cancelled_slot = models.ForeignKey(
        Slot, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    cancelled_table = models.ForeignKey(
        Table, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    objects = MeetingRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting request")
        verbose_name_plural = _("meeting requests")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(sender=F("recipient")), name="request_not_to_self"),
            models.UniqueConstraint(
                Least("sender", "recipient"),
                Greatest("sender", "recipient"),
                condition=Q(status__in=sorted(ACTIVE_REQUEST_STATUSES)),
                name="request_one_active_per_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sender} → {self.recipient}"


class Meeting(models.Model):
    """An accepted request placed in a slot at a table."""

    request = models.OneToOneField(MeetingRequest, on_delete=models.CASCADE, related_name="meeting")
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="meetings")
    table = models.ForeignKey(Table, on_delete=models.PROTECT, related_name="meetings")
    locked = models.BooleanField(_("locked by the organisers"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["slot__starts_at", "table__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "table"], name="meeting_one_per_table_and_slot"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request} @ {self.slot} {self.table}"


class Attendance(models.Model):
    """A participant's seat in a meeting; the database refuses two seats in one slot."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="attendances"
    )
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "slot"], name="attendance_one_meeting_per_slot"
            ),
            models.UniqueConstraint(
                fields=["meeting", "registration"], name="attendance_unique_per_meeting"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration} @ {self.slot}"


class ScheduleVersion(models.Model):
    """A published, numbered, immutable snapshot of an event's meetings.

    `meetings` holds plain data: [{"request": id, "slot": id, "table": id, "locked": bool}, ...].
    The event's current version is the latest one not unpublished; participants' agendas read it.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="schedule_versions")
    number = models.PositiveIntegerField(_("version"))
    meetings = models.JSONField(default=list)
    published_at = models.DateTimeField(_("published on"), auto_now_add=True)
    published_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    unpublished_at = models.DateTimeField(_("unpublished on"), null=True, blank=True)
    # The places participants had booked themselves when this version was published (same shape
    # as `meetings`): with the replaced version, what the people saw before.
    promised = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("schedule version")
        verbose_name_plural = _("schedule versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "number"], name="schedule_version_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} v{self.number}"


class WorkerJob(models.Model):
    """What a background job's row keeps so that a worker's death is seen and survived
    (matching/services/jobs.py, the one home of the rule): how many times a worker took it (each
    take is a new claim; only the latest one may write), its last sign of life, and the worker
    process that holds it."""

    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    heartbeat_at = models.DateTimeField(_("last sign of life"), default=timezone.now)
    worker = models.CharField(_("worker"), max_length=200, blank=True)

    class Meta:
        abstract = True


class ScheduleRun(WorkerJob):
    """One run of the scheduling engine for an event, queued from the organisers' console.

    The Celery task re-reads it under lock and acts only while it is queued, so a run is solved
    once. `stats` holds the engine's figures and `violations` what `engine.check` found (if any).
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="schedule_runs")
    status = models.CharField(
        _("status"), max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    step = models.CharField(
        _("step"), max_length=20, choices=RunStep.choices, default=RunStep.WAITING
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    stats = models.JSONField(default=dict, blank=True)
    violations = models.JSONField(default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    # Self-service: meetings the participants booked themselves stay where they are (locked for the
    # engine) unless the organiser unticks this on the run form.
    keep_booked = models.BooleanField(_("keep the meetings participants booked"), default=True)
    requested_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("scheduling run")
        verbose_name_plural = _("scheduling runs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event"],
                condition=Q(status__in=sorted(ACTIVE_RUN_STATUSES)),
                name="schedule_run_one_active_per_event",
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="schedule_run_progress_max"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} run {self.pk} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_RUN_STATUSES


class VenueScreen(models.Model):
    """A projector or TV showing the day: opened by a secret link, no login; the organisers
    revoke it (a revoked link shows nothing)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="venue_screens")
    name = models.CharField(_("name"), max_length=80)
    token = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked on"), null=True, blank=True)

    class Meta:
        verbose_name = _("venue screen")
        verbose_name_plural = _("venue screens")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.event} · {self.name}"


class MeetingPresence(models.Model):
    """What the two sides of a meeting said at their table, on the day: "we are here" (started)
    or "my partner is not here" (absent). One row per request and slot, kept when the meeting row
    goes (a re-pairing cancels the meeting but the no-show stays on record for the organisers)."""

    request = models.ForeignKey(MeetingRequest, on_delete=models.CASCADE, related_name="presences")
    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="+")
    table = models.ForeignKey(Table, on_delete=models.SET_NULL, null=True, related_name="+")
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    started_by = models.ForeignKey(
        Registration, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    absent_at = models.DateTimeField(_("partner absent since"), null=True, blank=True)
    # The side who said so (left alone), and the side who did not come.
    absent_reported_by = models.ForeignKey(
        Registration, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    absent = models.ForeignKey(
        Registration, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The meeting booked instead at the freed table (re-pairing).
    replaced_by = models.ForeignKey(
        MeetingRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("presence at a meeting")
        verbose_name_plural = _("presences at meetings")
        constraints = [
            models.UniqueConstraint(fields=["request", "slot"], name="presence_one_per_meeting"),
            models.CheckConstraint(
                condition=Q(started_at__isnull=True) | Q(absent_at__isnull=True),
                name="presence_started_or_absent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request} @ {self.slot}"


class MeetingOutcome(models.Model):
    """What a meeting led to for one side (its organisation), with a private note: only members
    of that organisation see it; organisers see counts without names."""

    request = models.ForeignKey(MeetingRequest, on_delete=models.CASCADE, related_name="outcomes")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="meeting_outcomes"
    )
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices)
    note = models.TextField(_("private note"), max_length=MAX_OUTCOME_NOTE_LENGTH, blank=True)
    written_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("meeting outcome")
        verbose_name_plural = _("meeting outcomes")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "organisation"], name="outcome_one_per_side"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request}: {self.outcome}"


def _print_path(job: "PrintJob", filename: str) -> str:
    """Where a print job's files go in MEDIA: a random folder per run, so that a file's name
    cannot be guessed and a new run never overwrites a file someone is downloading."""
    return f"print/{job.event_id}/{uuid.uuid4().hex}/{filename}"


class PrintJob(WorkerJob):
    """The organisers' printed documents of an event: every participant's agenda, the badges and
    the table signs, made by the Celery task `matching.print_documents` (services/printing.py).

    One row per event: a new run resets it and, once done, replaces the files of the previous one.
    `done` / `total` count pages made, for the progress bar (the task writes them as it goes)."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="print_job")
    status = models.CharField(
        _("status"), max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    # The organiser's language when they started it: the table signs and the badges use it; each
    # agenda is in its participant's language.
    language = models.CharField(_("language"), max_length=10, default="fr")
    agendas = models.FileField(_("agendas"), upload_to=_print_path, blank=True)
    badges = models.FileField(_("badges"), upload_to=_print_path, blank=True)
    table_signs = models.FileField(_("table signs"), upload_to=_print_path, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("print job")
        verbose_name_plural = _("print jobs")

    def __str__(self) -> str:
        return f"{self.event} · {self.get_status_display()}"

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_RUN_STATUSES

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.done / self.total)) if self.total else 0


class FollowUp(models.Model):
    """What came of a meeting after the day, traced to the consultation and the award: one record
    per pair (meeting request) once either side's outcome planned a follow-up
    (enums.FOLLOW_UP_OUTCOMES), written by matching/services/follow_ups.py and updated by the
    members of both organisations. Closed once the award is known (`awarded` yes or no)."""

    request = models.OneToOneField(
        MeetingRequest, on_delete=models.CASCADE, related_name="follow_up"
    )
    quote_sent_on = models.DateField(_("quote sent on"), null=True, blank=True)
    consultation_launched_on = models.DateField(
        _("consultation launched on"), null=True, blank=True
    )
    consultation_url = models.URLField(_("consultation link"), blank=True)
    social_clause = models.BooleanField(_("with a social clause"), default=False)
    reserved_lot = models.BooleanField(_("with a reserved lot"), default=False)
    small_lots = models.BooleanField(_("with lots open to small structures"), default=False)
    answered_on = models.DateField(_("the structure answered on"), null=True, blank=True)
    awarded = models.BooleanField(_("awarded to the structure"), null=True, blank=True)
    amount = models.DecimalField(
        _("amount awarded (€ excl. VAT)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-updated_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0, awarded=True),
                name="follow_up_amount_when_awarded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request}: follow-up"

    @property
    def closed(self) -> bool:
        return self.awarded is not None


class FollowUpUpdate(models.Model):
    """One update of a follow-up: who (and for which organisation) changed which facts, for its
    history (the pitch's sourcing log gets a line too when the meeting was about a pitch)."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="updates")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, related_name="+")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The facts as they stood after the update, by field name (plain JSON values).
    changes = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("follow-up update")
        verbose_name_plural = _("follow-up updates")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.follow_up_id} @ {self.at:%Y-%m-%d}"


MAX_SURVEY_COMMENT_LENGTH = 1000


class MeetingFeedback(models.Model):
    """A participant's answer to the short survey about one meeting after the day (asked in the
    feedback request, events/emails.py, through the survey registry events/surveys.py):
    usefulness from 1 to 5 and a comment the organisers read without names."""

    request = models.ForeignKey(MeetingRequest, on_delete=models.CASCADE, related_name="feedback")
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="meeting_feedback"
    )
    usefulness = models.PositiveSmallIntegerField(
        _("usefulness"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), max_length=MAX_SURVEY_COMMENT_LENGTH, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("meeting survey answer")
        verbose_name_plural = _("meeting survey answers")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "registration"], name="meeting_feedback_one_per_person"
            ),
            models.CheckConstraint(
                condition=Q(usefulness__gte=1, usefulness__lte=5),
                name="meeting_feedback_usefulness_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.usefulness}/5"
