"""Named reads of the accounts app."""

from django.db.models import Prefetch, QuerySet

from .enums import OrganisationKind
from .models import Invitation, Membership, Organisation, Territory, Theme


def directory_organisations() -> QuerySet[Organisation]:
    """ESS structures that opted in to the public directory, with what the list shows."""
    return (
        Organisation.objects.filter(kind=OrganisationKind.ESS, listed_in_directory=True)
        .prefetch_related(
            Prefetch("themes", queryset=Theme.objects.order_by("code")),
            Prefetch("territories", queryset=Territory.objects.order_by("name")),
        )
        .order_by("name")
    )


def organisation_members(organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user").order_by(
        "user__last_name", "user__first_name", "user__email"
    )


def pending_invitations(organisation: Organisation) -> QuerySet[Invitation]:
    return organisation.invitations.filter(accepted_at__isnull=True).order_by("-created_at")


def invitations_for(user) -> QuerySet[Invitation]:
    """Pending invitations sent to the person's login address."""
    return (
        Invitation.objects.filter(email__iexact=user.email, accepted_at__isnull=True)
        .select_related("organisation")
        .order_by("-created_at")
    )


def user_memberships(user) -> QuerySet[Membership]:
    return user.memberships.select_related("organisation").order_by("organisation__name")
