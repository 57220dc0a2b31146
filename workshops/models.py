from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Theme
from events.models import Event, Registration, Session

from .enums import (
    COMMENT_TEXT_MAX,
    HEADING_TITLE_MAX,
    IDEA_TEXT_MAX,
    IDEA_TITLE_MAX,
    VOTE_BUDGET_DEFAULT,
    VOTE_BUDGET_MAX,
    VOTE_BUDGET_MIN,
    IdeaStatus,
    PlanKind,
)


class Workshop(models.Model):
    """A participatory workshop: a programme session with a theme, a capacity and facilitators."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="workshop")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, verbose_name=_("theme"))
    capacity = models.PositiveIntegerField(_("capacity"))
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="facilitated_workshops",
        blank=True,
        verbose_name=_("facilitators"),
    )
    expected_outcome = models.TextField(_("expected outcome"), blank=True)

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        ordering = ["session__starts_at", "session__title"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="workshop_capacity_positive"),
        ]

    def __str__(self) -> str:
        return self.session.title

    @property
    def event(self) -> Event:
        return self.session.event

    @property
    def seat_capacity(self) -> int:
        """Seats on offer: the workshop's capacity, or its room's if the room is smaller."""
        room = self.session.room
        return min(self.capacity, room.capacity) if room is not None else self.capacity


class WishList(models.Model):
    """How many workshops a participant wants to attend; their ranked wishes hang off it."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="workshop_wishlist"
    )
    wants = models.PositiveSmallIntegerField(_("workshops wanted"), default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("workshop wish list")
        verbose_name_plural = _("workshop wish lists")
        constraints = [
            models.CheckConstraint(condition=Q(wants__gte=1), name="wishlist_wants_positive"),
        ]

    def __str__(self) -> str:
        return str(self.registration)


class WorkshopWish(models.Model):
    """One ranked wish: rank 1 is the participant's first choice."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="workshop_wishes"
    )
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="wishes")
    rank = models.PositiveSmallIntegerField(_("rank"))

    class Meta:
        verbose_name = _("workshop wish")
        verbose_name_plural = _("workshop wishes")
        ordering = ["registration", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "rank"], name="wish_unique_rank_per_registration"
            ),
            models.UniqueConstraint(
                fields=["registration", "workshop"], name="wish_unique_workshop_per_registration"
            ),
            models.CheckConstraint(condition=Q(rank__gte=1), name="wish_rank_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.registration} → {self.workshop} (#{self.rank})"


class Seat(models.Model):
    """A participant's seat in a workshop. Capacity is enforced by workshops.services under a lock
    on the workshop row; `locked` seats (placed by an organiser's hand) survive a re-assignment."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="seats")
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="workshop_seats"
    )
    locked = models.BooleanField(_("kept on re-assignment"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("workshop seat")
        verbose_name_plural = _("workshop seats")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "registration"], name="seat_unique_per_workshop"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration} @ {self.workshop}"


MAX_SURVEY_COMMENT_LENGTH = 1000


class WorkshopFeedback(models.Model):
    """A seat holder's answer to the short survey about a workshop after the day (asked in the
    feedback request, events/emails.py, through the survey registry events/surveys.py)."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="feedback")
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="workshop_feedback"
    )
    usefulness = models.PositiveSmallIntegerField(
        _("usefulness"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), max_length=MAX_SURVEY_COMMENT_LENGTH, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("workshop survey answer")
        verbose_name_plural = _("workshop survey answers")
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "registration"], name="workshop_feedback_one_per_person"
            ),
            models.CheckConstraint(
                condition=Q(usefulness__gte=1, usefulness__lte=5),
                name="workshop_feedback_usefulness_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workshop_id} {self.usefulness}/5"


class WaitlistEntry(models.Model):
    """A place in a full workshop's queue; the first in line gets the next freed seat."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="waitlist")
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="workshop_waitlist"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("waiting list entry")
        verbose_name_plural = _("waiting list entries")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "registration"], name="waitlist_unique_per_workshop"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration} waiting for {self.workshop}"


class WorkshopPlan(models.Model):
    """An engine proposal for an event's workshops, kept until an organiser applies it.

    `problem` is the engine problem it was solved from (`osez-workshops/1`), `plan` the result and
    `refs` the engine ids → database ids (workshops, people, rooms, blocks)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="workshop_plans")
    kind = models.CharField(_("kind"), max_length=20, choices=PlanKind.choices)
    problem = models.JSONField()
    plan = models.JSONField()
    refs = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("workshop plan")
        verbose_name_plural = _("workshop plans")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=PlanKind.values), name="workshop_plan_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.event}"


# --- Idea boards ----------------------------------------------------------------------------------


class Board(models.Model):
    """A workshop's idea board and the facilitator's settings. Created by the first write
    (workshops.services); reads of a workshop without one use the defaults. Its row is the lock
    that keeps every person's vote budget under concurrency."""

    workshop = models.OneToOneField(Workshop, on_delete=models.CASCADE, related_name="board")
    vote_budget = models.PositiveSmallIntegerField(
        _("votes per person"), default=VOTE_BUDGET_DEFAULT
    )
    own_votes_allowed = models.BooleanField(_("people may vote for their own ideas"), default=False)
    counts_hidden = models.BooleanField(_("vote counts hidden until voting closes"), default=False)
    voting_closed_at = models.DateTimeField(_("voting closed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("idea board")
        verbose_name_plural = _("idea boards")
        constraints = [
            models.CheckConstraint(
                condition=Q(vote_budget__gte=VOTE_BUDGET_MIN, vote_budget__lte=VOTE_BUDGET_MAX),
                name="board_vote_budget_bounded",
            ),
        ]

    def __str__(self) -> str:
        return str(self.workshop)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def voting_closed(self) -> bool:
        return self.voting_closed_at is not None or self.closed_at is not None


class Heading(models.Model):
    """A heading the facilitator groups ideas under."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="headings")
    title = models.CharField(_("heading"), max_length=HEADING_TITLE_MAX)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("heading")
        verbose_name_plural = _("headings")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["board", "title"], name="heading_unique_per_board"),
        ]

    def __str__(self) -> str:
        return self.title


class Idea(models.Model):
    """An idea posted on a board; once retained, a lead of the workshop. `anonymous` hides the
    author from the other participants, never from the facilitators and organisers."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="ideas")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="workshop_ideas",
        verbose_name=_("author"),
    )
    anonymous = models.BooleanField(_("anonymous to the other participants"), default=False)
    title = models.CharField(_("title"), max_length=IDEA_TITLE_MAX)
    text = models.TextField(_("text"), max_length=IDEA_TEXT_MAX, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=IdeaStatus.choices, default=IdeaStatus.OPEN
    )
    hidden = models.BooleanField(_("hidden"), default=False)
    heading = models.ForeignKey(
        Heading,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
        verbose_name=_("heading"),
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged_ideas"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=IdeaStatus.values), name="idea_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=IdeaStatus.MERGED, merged_into__isnull=False)
                | (~Q(status=IdeaStatus.MERGED) & Q(merged_into__isnull=True)),
                name="idea_merged_has_target",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Comment(models.Model):
    """A comment on an idea (moves with the idea's votes when it is merged into another)."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="workshop_comments",
    )
    anonymous = models.BooleanField(_("anonymous to the other participants"), default=False)
    text = models.TextField(_("comment"), max_length=COMMENT_TEXT_MAX)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:40]


class Vote(models.Model):
    """One dot of dot voting: a person may put several on one idea, up to the board's budget in
    all (workshops.services.vote counts them under the board's lock)."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workshop_votes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["voter", "idea"], name="vote_voter_idea")]

    def __str__(self) -> str:
        return f"{self.voter_id} → {self.idea_id}"
