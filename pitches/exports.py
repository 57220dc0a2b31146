"""pitches' datasets for the organisers' exports (events/exports.py): the pitches and the
interests expressed in them."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from events.exports import Dataset

from .enums import INTEREST_ACTIVE
from .models import Interest, Pitch


def _pitches(event):
    pitches = (
        Pitch.objects.filter(event=event)
        .select_related("buyer", "theme")
        .annotate(
            interests_count=Count(
                "interests", filter=Q(interests__status__in=INTEREST_ACTIVE), distinct=True
            ),
            questions_count=Count("questions", distinct=True),
        )
        .order_by("buyer__name", "title", "pk")
    )
    for pitch in pitches:
        yield [
            pitch.title,
            pitch.buyer.name,
            str(pitch.theme),
            pitch.get_route_display(),
            pitch.get_amount_range_display() if pitch.amount_range else "",
            pitch.get_status_display(),
            pitch.published_at,
            pitch.expected_consultation_date,
            pitch.consultation_launched_on,
            pitch.consultation_url,
            pitch.interests_count,
            pitch.questions_count,
        ]


def _interests(event):
    interests = (
        Interest.objects.filter(pitch__event=event)
        .select_related("pitch__buyer", "organisation", "eligible_member")
        .prefetch_related("lots")
        .order_by("pitch__title", "organisation__name", "pk")
    )
    for interest in interests:
        yield [
            interest.pitch.title,
            interest.pitch.buyer.name,
            interest.organisation.name,
            interest.organisation.siret,
            interest.get_status_display(),
            ", ".join(str(lot.number) for lot in interest.lots.all()),
            interest.get_group_mode_display(),
            interest.partners,
            interest.eligible_member.name if interest.eligible_member else "",
            interest.wants_meeting,
            interest.created_at,
        ]


PITCHES = Dataset(
    name="pitches",
    title=_("Pitches"),
    header=[
        _("Pitch"),
        _("Buyer"),
        _("Theme"),
        _("Route"),
        _("Amount"),
        _("Status"),
        _("Published on"),
        _("Expected consultation date"),
        _("Consultation launched on"),
        _("Official consultation link"),
        _("Interested structures"),
        _("Questions"),
    ],
    rows=_pitches,
    order=30,
)

INTERESTS = Dataset(
    name="interests",
    title=_("Interests"),
    header=[
        _("Pitch"),
        _("Buyer"),
        _("Structure"),
        _("SIRET"),
        _("Status"),
        _("Lots"),
        _("Alone or in a group"),
        _("Partners in the group"),
        _("Eligible member"),
        _("Would like a meeting"),
        _("Expressed at"),
    ],
    rows=_interests,
    order=40,
)
