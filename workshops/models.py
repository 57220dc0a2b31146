from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Theme
from events.models import Event, Registration, Session

from .enums import PlanKind


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
