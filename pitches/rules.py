"""Who may do what with pitches, interests and questions, and which structures are eligible.

Predicates take `(user, obj)`. Pitch-level predicates accept a pitch, or an interest or a question
(anything with a `.pitch`), so the same rule serves every object of the sourcing exchange. The
event's phase predicates come from events/rules.py; organisers of the event may always act.
"""

import rules
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.enums import SIAE_TYPES, DisabilityType, OrganisationKind
from accounts.rules import is_ess_member
from core.memo import memoised
from events.enums import REGISTRATION_ACTIVE
from events.rules import interest_open, is_organiser, is_public, pitches_open, questions_open

from .enums import (
    INTEREST_ACTIVE,
    RESERVED_ROUTES,
    Eligibility,
    GroupMode,
    InterestStatus,
    PitchStatus,
    Route,
)

# --- Eligibility: the one rule linking a procurement route to the structures that may answer ---

ROUTE_ELIGIBILITY_TEXT = {
    Route.SOURCING: _(
        "Open to every company. Every ESS structure can answer, whatever its legal form or type."
    ),
    Route.QUOTE: _(
        "Open to every company. Every ESS structure can answer, whatever its legal form or type."
    ),
    Route.ADAPTED: _(
        "Open to every company. Every ESS structure can answer, whatever its legal form or type."
    ),
    Route.SOCIAL_CLAUSE: _(
        "Open to every company; the contract will include a social clause (insertion hours). "
        "Every ESS structure can answer."
    ),
    Route.RESERVED_DISABILITY: _(
        "Reserved for adapted enterprises (EA) and work-based support establishments (ESAT)."
    ),
    Route.RESERVED_SIAE: _(
        "Reserved for structures of insertion by economic activity (SIAE: ACI, EI, AI, ETTI, EITI)."
    ),
    Route.RESERVED_BOTH: _(
        "Reserved for adapted enterprises (EA), work-based support establishments (ESAT) and "
        "structures of insertion by economic activity (SIAE)."
    ),
    Route.RESERVED_ESS: _(
        "Reserved for social and solidarity economy companies (associations, cooperatives, "
        "mutuals, foundations, ESUS-approved companies) for health, social or cultural services."
    ),
}


def _type_fits(organisation, route: str) -> bool:
    """Whether the organisation's declared type fits the route (verified or not)."""
    is_disability = organisation.disability_type in {DisabilityType.EA, DisabilityType.ESAT}
    is_siae = organisation.insertion_type in SIAE_TYPES
    if route == Route.RESERVED_DISABILITY:
        return is_disability
    if route == Route.RESERVED_SIAE:
        return is_siae
    if route == Route.RESERVED_BOTH:
        return is_disability or is_siae
    if route == Route.RESERVED_ESS:
        return bool(organisation.legal_form) or organisation.esus_agreed
    return True


def eligibility(organisation, route: str) -> Eligibility:
    """Whether an organisation may answer a pitch of this route.

    Non-reserved routes are open to every ESS structure. Reserved routes (L2113-12 to L2113-15)
    count only a type an organiser has verified (`Organisation.verified_at`): a structure that
    declares a fitting type not yet verified gets NOT_VERIFIED.
    """
    if organisation is None or organisation.kind != OrganisationKind.ESS:
        return Eligibility.NOT_ELIGIBLE
    if not is_reserved(route):
        return Eligibility.ELIGIBLE
    if not _type_fits(organisation, route):
        return Eligibility.NOT_ELIGIBLE
    if organisation.verified_at is None:
        return Eligibility.NOT_VERIFIED
    return Eligibility.ELIGIBLE


def is_reserved(route: str | None) -> bool:
    """Whether the route restricts who may answer (L2113-12 to L2113-15)."""
    return route in RESERVED_ROUTES


def is_eligible(organisation, route: str) -> bool:
    return eligibility(organisation, route) == Eligibility.ELIGIBLE


def answer_eligibility(organisation, route: str, *, group_mode: str, member=None) -> Eligibility:
    """Whether an answer (an interest) is admissible for a pitch of this route.

    A structure eligible by itself may answer alone or in a group. One that is not (wrong or not
    yet verified type) may answer only in a group that names an eligible member: the answer is
    then ELIGIBLE through that member; otherwise it keeps the structure's own verdict.
    """
    own = eligibility(organisation, route)
    if own == Eligibility.ELIGIBLE:
        return own
    if group_mode == GroupMode.GROUP and member is not None and is_eligible(member, route):
        return Eligibility.ELIGIBLE
    return own


NOT_ELIGIBLE_ALONE_TEXT = {
    Eligibility.NOT_VERIFIED: _(
        "The organisers have not verified your structure's type yet: until they do, it may answer "
        "this reserved route only in a group that names an eligible structure."
    ),
    Eligibility.NOT_ELIGIBLE: _(
        "Your structure is not eligible for this reserved route: it may answer only in a group "
        "that names an eligible structure."
    ),
}


def eligible_routes(organisations) -> set[str]:
    """The routes for which at least one of these organisations is eligible."""
    return {route for route in Route.values for org in organisations if is_eligible(org, route)}


# --- Predicates ---


def pitch_of(obj):
    """The pitch an object belongs to (the object itself when it is a pitch)."""
    from .models import Pitch

    if obj is None or isinstance(obj, Pitch):
        return obj
    return getattr(obj, "pitch", None)


@rules.predicate
def is_pitch_buyer(user, obj) -> bool:
    """The user is a member of the buyer organisation that owns the pitch."""
    pitch = pitch_of(obj)
    if not user.is_authenticated or pitch is None:
        return False
    return memoised(
        ("is_pitch_buyer", user.pk, pitch.buyer_id),
        lambda: pitch.buyer.memberships.filter(user=user).exists(),
    )


@rules.predicate
def has_registered_buyer_org(user, event) -> bool:
    """The user belongs to a buyer organisation registered for the event (not refused/cancelled)."""
    if not user.is_authenticated or event is None:
        return False
    return memoised(
        ("has_registered_buyer_org", user.pk, event.pk),
        lambda: event.registrations.filter(
            organisation__kind=OrganisationKind.BUYER,
            organisation__memberships__user=user,
            status__in=REGISTRATION_ACTIVE,
        ).exists(),
    )


@rules.predicate
def is_draft(user, obj) -> bool:
    pitch = pitch_of(obj)
    return pitch is not None and pitch.status == PitchStatus.DRAFT


@rules.predicate
def is_published(user, obj) -> bool:
    pitch = pitch_of(obj)
    return pitch is not None and pitch.status == PitchStatus.PUBLISHED


@rules.predicate
def is_not_withdrawn(user, obj) -> bool:
    pitch = pitch_of(obj)
    return pitch is not None and pitch.status != PitchStatus.WITHDRAWN


def quiet_period_message(pitch) -> str:
    """What a person is told about a pitch in its quiet period, with where to go instead: the
    one wording, for pages, services and meeting requests alike."""
    return gettext(
        "The consultation for this pitch is launched: exchanges now go through the "
        "official consultation only (%(url)s)."
    ) % {"url": pitch.consultation_url}


@rules.predicate
def pitch_open_for_exchanges(user, obj) -> bool:
    """THE rule "pitch open for exchanges": published and not in the quiet period. Interests,
    questions and meeting requests (sending, accepting, booking, placing by hand or by the engine)
    all ask it.

    From the consultation's launch date (in the event's time zone; a launch may be recorded
    ahead), every exchange on the pitch goes through the official channel only (the "cône de
    silence"). The date is read here, so nothing slips through before the periodic task that
    lapses pending requests has run."""
    pitch = pitch_of(obj)
    return pitch is not None and pitch.is_published and not pitch.in_quiet_period


@rules.predicate
def launch_recorded(user, obj) -> bool:
    pitch = pitch_of(obj)
    return pitch is not None and pitch.consultation_launched_on is not None


@rules.predicate
def is_interested_structure(user, obj) -> bool:
    """A member of a structure that has expressed interest in the pitch (any status)."""
    pitch = pitch_of(obj)
    if not user.is_authenticated or pitch is None:
        return False
    return pitch.interests.filter(organisation__memberships__user=user).exists()


@rules.predicate
def is_interest_member(user, interest) -> bool:
    """A member of the structure that expressed this interest."""
    if not user.is_authenticated or interest is None:
        return False
    return interest.organisation.memberships.filter(user=user).exists()


@rules.predicate
def is_active_interest(user, interest) -> bool:
    return interest is not None and interest.status in INTEREST_ACTIVE


def _event_of_pitch_organiser(user, obj) -> bool:
    pitch = pitch_of(obj)
    return pitch is not None and is_organiser(user, pitch.event)


is_pitch_organiser = rules.predicate(_event_of_pitch_organiser, name="is_pitch_organiser")

manages_pitch = is_pitch_buyer | is_pitch_organiser | rules.is_staff

rules.add_perm("pitches.add_pitch", has_registered_buyer_org & (pitches_open | is_organiser))
rules.add_perm(
    "pitches.view_pitch", (is_published & is_public) | manages_pitch | is_interested_structure
)
rules.add_perm(
    "pitches.change_pitch",
    is_not_withdrawn & ((is_pitch_buyer & pitches_open) | is_pitch_organiser | rules.is_staff),
)
rules.add_perm(
    "pitches.publish_pitch",
    is_draft & ((is_pitch_buyer & pitches_open) | is_pitch_organiser | rules.is_staff),
)
rules.add_perm("pitches.withdraw_pitch", is_not_withdrawn & manages_pitch)
rules.add_perm("pitches.manage_pitch", manages_pitch)
rules.add_perm("pitches.launch_consultation", is_published & ~launch_recorded & manages_pitch)
# A wrong launch date or link can be corrected by whoever may record it; the log keeps both.
rules.add_perm("pitches.correct_consultation", is_published & launch_recorded & manages_pitch)
rules.add_perm("pitches.answer_question", is_published & manages_pitch)
rules.add_perm("pitches.express_interest", is_ess_member & pitch_open_for_exchanges & interest_open)
rules.add_perm(
    "pitches.change_interest",
    is_interest_member & is_active_interest & pitch_open_for_exchanges & interest_open,
)
# Shortlisting or declining tells one structure something: not in the quiet period.
rules.add_perm("pitches.review_interest", manages_pitch & pitch_open_for_exchanges)
rules.add_perm("pitches.ask_question", is_ess_member & pitch_open_for_exchanges & questions_open)


# --- Contact details (registered in accounts.rules.RELATIONSHIP_CHECKS by PitchesConfig.ready) --


def shortlisted_interests(viewer_orgs: set[int], other_orgs: set[int]) -> set[int]:
    """Organisations of `other_orgs` linked to one of `viewer_orgs` by a pitch interest the buyer
    shortlisted (the structure said it can answer, the buyer accepted); either side may buy."""
    from .models import Interest

    rows = Interest.objects.filter(
        Q(pitch__buyer_id__in=viewer_orgs, organisation_id__in=other_orgs)
        | Q(organisation_id__in=viewer_orgs, pitch__buyer_id__in=other_orgs),
        status=InterestStatus.SHORTLISTED,
    ).values_list("pitch__buyer_id", "organisation_id")
    return {org for pair in rows for org in pair} & other_orgs
