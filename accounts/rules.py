"""Who may do what with organisations and people. One predicate per rule, used everywhere.

Contact details: `can_see_contact(viewer, person)` is THE rule (DESIGN.md, personal data). Its bulk
form `visible_contact_ids(viewer, people)` answers for a whole list in a fixed number of queries;
the predicate is that function applied to one person, so both always agree.

accounts sits below every other app and imports none of them. What only upper apps know is asked
through two small registries that they fill in their `AppConfig.ready()`:
- CONTACT_CHECKS: person-level answers, `check(viewer, person_ids, consenting_ids) -> ids`
  (events: people registered at the same event as the viewer, for those who consented; people
  registered at an event the viewer organises);
- RELATIONSHIP_CHECKS: organisation-level answers, `check(viewer_orgs, other_orgs) -> orgs` with an
  accepted relationship (pitches: shortlisted interests; matching: accepted meeting requests).
ORGANISATION_OVERSEERS answers "does this person organise an event this organisation takes part
in?" (events), which lets an organiser verify the organisation's declared types.
"""

from collections.abc import Callable, Iterable

import rules

from core.memo import memoised

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
    return user.is_authenticated and memoised(
        ("is_ess_member", user.pk),
        lambda: user.memberships.filter(organisation__kind=OrganisationKind.ESS).exists(),
    )


# `check(user, organisation) -> bool`: the user organises an event the organisation takes part in.
ORGANISATION_OVERSEERS: list[Callable] = []


@rules.predicate
def organises_event_of(user, organisation) -> bool:
    """Organises an event the organisation is registered for: may verify its declared types."""
    if not user.is_authenticated or organisation is None:
        return False
    return any(check(user, organisation) for check in ORGANISATION_OVERSEERS)


@rules.predicate
def is_public_organisation(user, organisation) -> bool:
    """Buyers' profiles and ESS structures listed in the directory are public."""
    return organisation is not None and (organisation.is_buyer or organisation.listed_in_directory)


@rules.predicate
def is_authenticated(user) -> bool:
    return user.is_authenticated


# --- Contact details -------------------------------------------------------------------------

# `check(viewer_org_ids, other_org_ids) -> other org ids` with an accepted relationship with one of
# the viewer's organisations (either side may buy). Filled by upper apps in AppConfig.ready().
RELATIONSHIP_CHECKS: list[Callable[[set[int], set[int]], set[int]]] = []
# `check(viewer, person_ids, consenting_ids) -> person ids` the viewer may see; `consenting_ids`
# are those of `person_ids` who agreed to share with the people registered at their events.
CONTACT_CHECKS: list[Callable[..., set[int]]] = []


def register_check(registry: list, check: Callable) -> None:
    """Add `check` to one of the registries above, once (ready() may run more than once)."""
    name = f"{check.__module__}.{check.__qualname__}"
    if name not in {f"{c.__module__}.{c.__qualname__}" for c in registry}:
        registry.append(check)


def visible_contact_ids(viewer, people: Iterable) -> set[int]:
    """Ids of `people` whose contact details `viewer` may see. Fixed number of queries.

    True for: the person themselves; staff; people sharing an organisation with the viewer; the
    answers of CONTACT_CHECKS (people who consented, when the viewer is registered at one of their
    events; people registered at an event the viewer organises); members of an organisation with
    an accepted relationship (RELATIONSHIP_CHECKS) with one of the viewer's organisations. Consent
    alone opens nothing to a person who takes part in none of the same events.
    """
    from .models import Membership

    people = list(people)
    if viewer is None or not viewer.is_authenticated or not people:
        return set()
    if viewer.is_staff:
        return {person.pk for person in people}
    visible = {p.pk for p in people if p.pk == viewer.pk}
    remaining = {p.pk for p in people} - visible
    consenting = {p.pk for p in people if p.share_contact_details} & remaining
    for check in CONTACT_CHECKS:
        if not remaining:
            return visible
        found = check(viewer, set(remaining), consenting & remaining) & remaining
        visible |= found
        remaining -= found
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
        if other_orgs - open_orgs:
            open_orgs |= check(viewer_orgs, other_orgs - open_orgs)
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
