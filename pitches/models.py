from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, Territory, Theme
from core import times
from events.models import Event

from .enums import (
    INTEREST_ACTIVE,
    AmountRange,
    AttachmentKind,
    GroupMode,
    InterestStatus,
    LogKind,
    PitchStatus,
    Route,
)


class Pitch(models.Model):
    """A buyer's need, presented before and at the event."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="pitches", verbose_name=_("event")
    )
    buyer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="pitches", verbose_name=_("buyer")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300)
    description = models.TextField(_("description"))
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, verbose_name=_("theme"))
    amount_range = models.CharField(
        _("estimated amount"),
        max_length=20,
        choices=AmountRange.choices,
        default=AmountRange.UNKNOWN,
    )
    expected_consultation_date = models.DateField(
        _("expected consultation date"), null=True, blank=True
    )
    route = models.CharField(
        _("procurement route"), max_length=30, choices=Route.choices, default=Route.SOURCING
    )
    territories = models.ManyToManyField(Territory, verbose_name=_("territory"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=PitchStatus.choices, default=PitchStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published on"), null=True, blank=True)
    consultation_launched_on = models.DateField(
        _("consultation launched on"), null=True, blank=True
    )
    consultation_url = models.URLField(_("official consultation link"), blank=True)
    # Set once the quiet period's start was carried out (pending meeting requests lapsed, both
    # sides told): by the launch itself when its date is today or past, otherwise by the periodic
    # task `pitches.start_due_quiet_periods` when the date arrives. Cleared when the buyer moves the
    # date back into the future.
    quiet_period_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("need pitch")
        verbose_name_plural = _("need pitches")
        ordering = ["-published_at", "title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=PitchStatus.PUBLISHED) | Q(published_at__isnull=False),
                name="pitch_published_has_date",
            ),
            models.CheckConstraint(
                condition=Q(consultation_launched_on__isnull=True) | ~Q(consultation_url=""),
                name="pitch_consultation_has_link",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == PitchStatus.PUBLISHED

    @property
    def in_quiet_period(self) -> bool:
        """From the consultation's launch date (in the event's time zone) on, exchanges go through
        the official channel only. The date is read here, so nothing slips through before the
        periodic task carries out the start (pitches.services.start_quiet_period)."""
        launched_on = self.consultation_launched_on
        return launched_on is not None and launched_on <= times.today(self.event)

    @property
    def quiet_period_ahead(self) -> bool:
        """A launch date is recorded but not reached yet: exchanges stay open until that date."""
        return self.consultation_launched_on is not None and not self.in_quiet_period


class Lot(models.Model):
    pitch = models.ForeignKey(Pitch, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["pitch", "number"], name="lot_unique_number_per_pitch"),
        ]

    def __str__(self) -> str:
        return _("Lot %(number)s: %(title)s") % {"number": self.number, "title": self.title}


class PitchQuestion(models.Model):
    """A question the buyer asks every structure that expresses interest."""

    pitch = models.ForeignKey(Pitch, on_delete=models.CASCADE, related_name="screening_questions")
    text = models.CharField(_("question"), max_length=300)
    required = models.BooleanField(_("answer required"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("question to the structures")
        verbose_name_plural = _("questions to the structures")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class Attachment(models.Model):
    pitch = models.ForeignKey(Pitch, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(
        _("kind"), max_length=20, choices=AttachmentKind.choices, default=AttachmentKind.OTHER
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="pitches/%Y/")
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.title


class Interest(models.Model):
    """An ESS structure saying it can answer a pitch."""

    pitch = models.ForeignKey(Pitch, on_delete=models.CASCADE, related_name="interests")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="interests"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    message = models.TextField(_("message to the buyer"), blank=True)
    lots = models.ManyToManyField(Lot, verbose_name=_("lots"), blank=True)
    group_mode = models.CharField(
        _("answering"), max_length=10, choices=GroupMode.choices, default=GroupMode.ALONE
    )
    partners = models.CharField(_("partners in the group"), max_length=300, blank=True)
    # A structure not eligible for the pitch's reserved route answers only in a group naming an
    # eligible member (pitches.rules.answer_eligibility); it may be named on any group answer.
    eligible_member = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("eligible member of the group"),
    )
    wants_meeting = models.BooleanField(_("would like a meeting"), default=True)
    status = models.CharField(
        _("status"), max_length=20, choices=InterestStatus.choices, default=InterestStatus.SUBMITTED
    )
    decline_reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("interest")
        verbose_name_plural = _("interests")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["pitch", "organisation"], name="interest_unique_per_pitch"
            ),
            models.CheckConstraint(
                condition=~Q(status=InterestStatus.DECLINED) | ~Q(decline_reason=""),
                name="interest_declined_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(group_mode=GroupMode.GROUP) | Q(eligible_member__isnull=True),
                name="interest_member_only_in_a_group",
            ),
            models.CheckConstraint(
                condition=~Q(eligible_member=models.F("organisation")),
                name="interest_member_is_another_structure",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.pitch}"

    @property
    def event(self):
        return self.pitch.event

    @property
    def is_active(self) -> bool:
        return self.status in INTEREST_ACTIVE


class InterestAnswer(models.Model):
    interest = models.ForeignKey(Interest, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(PitchQuestion, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(_("answer"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["interest", "question"], name="interest_answer_unique"),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class Question(models.Model):
    """A structure's question on a pitch; the answer is published to every interested structure."""

    pitch = models.ForeignKey(Pitch, on_delete=models.CASCADE, related_name="questions")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="questions_asked"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("question"))
    asked_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered on"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["asked_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | ~Q(answer=""),
                name="question_answered_has_text",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def event(self):
        return self.pitch.event

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


class SourcingLogEntry(models.Model):
    """One line of a pitch's traceable log of exchanges, exportable as CSV."""

    pitch = models.ForeignKey(Pitch, on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(_("kind"), max_length=30, choices=LogKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    summary = models.TextField(_("summary"))

    class Meta:
        verbose_name = _("sourcing log entry")
        verbose_name_plural = _("sourcing log")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"
