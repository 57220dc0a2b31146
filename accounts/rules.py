"""Who may do what with organisations and people. One predicate per rule, used everywhere.

Contact details: `can_see_contact(viewer, person)` is THE rule (DESIGN.md, personal data). Its bulk
form `visible_contact_ids(viewer, people)` answers for a whole list in a fixed number of queries;
the predicate is that function applied to one person, so both always agree. Relationships between
organisations that open contact details are the functions in RELATIONSHIP_CHECKS: the matching app
adds "accepted meeting" by appending one there.
"""

from collections.abc import Callable, Iterable

import rules
from django.db.models import Q

from .enums import MembershipRole, OrganisationKind


@rules.predicate
def is_member_of(user, organisation) -> bool:
    if not user.is_authenticated or organisation is None:
        return False
    return organisation.memberships.filter(user=user).exists()


@rules.predicate
def is_admin_of(user, organisation) -> bool:
    if not user.is_authenticated or organisation is None:
        return False
    return organisation.memberships.filter(user=user, role=MembershipRole.ADMIN).exists()


@rules.predicate
def is_buyer_member(user) -> bool:
    return (
        user.is_authenticated
        and user.memberships.filter(organisation__kind=OrganisationKind.BUYER).exists()
    )


@rules.predicate
def is_ess_member(user) -> bool:
    return (
        user.is_authenticated
        and user.memberships.filter(organisation__kind=OrganisationKind.ESS).exists()
    )


@rules.predicate
def organises_event_of(user, organisation) -> bool:
    """Organises an event the organisation is registered for: may verify its declared types."""
    from events.models import Registration

    if not user.is_authenticated or organisation is None:
        return False
    return Registration.objects.filter(organisation=organisation, event__organisers=user).exists()


@rules.predicate
def is_public_organisation(user, organisation) -> bool:
    """Buyers' profiles and ESS structures listed in the directory are public."""
    return organisation is not None and (organisation.is_buyer or organisation.listed_in_directory)


@rules.predicate
def is_authenticated(user) -> bool:
    return user.is_authenticated


# --- Contact details -------------------------------------------------------------------------


def _shortlisted_interests(viewer_orgs: set[int], other_orgs: set[int]) -> set[int]:
    """Organisations of `other_orgs` linked to one of `viewer_orgs` by a pitch interest the buyer
    shortlisted (the structure said it can answer, the buyer accepted); either side may buy.
    """
    from pitches.enums import InterestStatus
    from pitches.models import Interest

    rows = Interest.objects.filter(
        Q(pitch__buyer_id__in=viewer_orgs, organisation_id__in=other_orgs)
        | Q(organisation_id__in=viewer_orgs, pitch__buyer_id__in=other_orgs),
        status=InterestStatus.SHORTLISTED,
    ).values_list("pitch__buyer_id", "organisation_id")
    return {org for pair in rows for org in pair} & other_orgs


# Each check takes (viewer's organisation ids, other organisation ids) and returns the other
# organisations that have an accepted relationship with one of the viewer's. Add one, e.g. accepted
# meetings, by appending a function here.
RELATIONSHIP_CHECKS: list[Callable[[set[int], set[int]], set[int]]] = [_shortlisted_interests]


def visible_contact_ids(viewer, people: Iterable) -> set[int]:
    """Ids of `people` whose contact details `viewer` may see. Fixed number of queries.

    True for: the person themselves; staff; people sharing an organisation with the viewer;
    people who consented to share with every registered participant; people registered for an
    event the viewer organises; members of an organisation with an accepted relationship
    (RELATIONSHIP_CHECKS) with one of the viewer's organisations.
    """
    from events.models import Registration

    from .models import Membership

    people = list(people)
    if viewer is None or not viewer.is_authenticated or not people:
        return set()
    if viewer.is_staff:
        return {person.pk for person in people}
    visible = {p.pk for p in people if p.pk == viewer.pk or p.share_contact_details}
    remaining = {p.pk for p in people} - visible
    if not remaining:
        return visible

    visible |= set(
        Registration.objects.filter(user_id__in=remaining, event__organisers=viewer).values_list(
            "user_id", flat=True
        )
    )
    remaining -= visible
    if not remaining:
        return visible

    viewer_orgs = set(
        Membership.objects.filter(user=viewer).values_list("organisation_id", flat=True)
    )
    if not viewer_orgs:
        return visible
    orgs_of: dict[int, set[int]] = {}
    for user_id, org_id in Membership.objects.filter(user_id__in=remaining).values_list(
        "user_id", "organisation_id"
    ):
        orgs_of.setdefault(user_id, set()).add(org_id)
    open_orgs = set(viewer_orgs)
    other_orgs = set().union(*orgs_of.values()) - viewer_orgs if orgs_of else set()
    for check in RELATIONSHIP_CHECKS:
        if other_orgs:
            open_orgs |= check(viewer_orgs, other_orgs)
    visible |= {user_id for user_id, orgs in orgs_of.items() if orgs & open_orgs}
    return visible


@rules.predicate
def can_see_contact(viewer, person) -> bool:
    """May `viewer` see `person`'s email address and phone number? (See visible_contact_ids.)"""
    return person is not None and person.pk in visible_contact_ids(viewer, [person])


rules.add_perm("accounts.view_organisation", is_public_organisation | is_authenticated)
rules.add_perm("accounts.view_organisation_private", is_member_of | rules.is_staff)
rules.add_perm("accounts.change_organisation", is_admin_of | rules.is_staff)
rules.add_perm("accounts.invite_member", is_admin_of)
rules.add_perm("accounts.manage_members", is_admin_of)
rules.add_perm("accounts.verify_organisation", rules.is_staff | organises_event_of)
rules.add_perm("accounts.view_contact", can_see_contact)
