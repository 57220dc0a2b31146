from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Theme
from events.models import Session


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
