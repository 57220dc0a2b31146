"""Named reads of the pitches app: every list here costs a fixed number of queries."""

from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.enums import OrganisationKind
from accounts.models import Membership, Organisation, User
from core.counts import count_of
from events.enums import REGISTRATION_ACTIVE

from .enums import INTEREST_ACTIVE, INTEREST_RECEIVES_ANSWERS, PitchStatus
from .models import Interest, InterestAnswer, Pitch, Question, SourcingLogEntry
from .rules import is_eligible


def catalogue(event) -> QuerySet[Pitch]:
    """Published pitches of an event, as the public catalogue shows them."""
    return (
        Pitch.objects.filter(event=event, status=PitchStatus.PUBLISHED)
        .select_related("buyer", "theme", "event")
        .prefetch_related("territories")
        .annotate(lot_count=Count("lots", distinct=True))
        .order_by("-published_at", "title")
    )


def _with_counts(pitches: QuerySet[Pitch]) -> QuerySet[Pitch]:
    return (
        pitches.select_related("buyer", "theme", "event")
        .annotate(
            interest_count=count_of(Interest.objects.filter(status__in=INTEREST_ACTIVE), "pitch"),
            open_question_count=count_of(
                Question.objects.filter(answered_at__isnull=True), "pitch"
            ),
        )
        .order_by("status", "-published_at", "title")
    )


def buyer_pitches(event, user: User) -> QuerySet[Pitch]:
    """Every pitch (drafts included) of the buyer organisations the user belongs to."""
    return _with_counts(Pitch.objects.filter(event=event, buyer__memberships__user=user))


def event_pitches(event) -> QuerySet[Pitch]:
    """Every pitch of the event, for its organisers."""
    return _with_counts(Pitch.objects.filter(event=event))


def user_ess_organisations(user: User) -> list[Organisation]:
    if not user.is_authenticated:
        return []
    return list(
        Organisation.objects.filter(memberships__user=user, kind=OrganisationKind.ESS).order_by(
            "name"
        )
    )


def pitch_interests(pitch: Pitch) -> QuerySet[Interest]:
    """The structures interested in a pitch, with their profiles, lots and screening answers."""
    return (
        Interest.objects.filter(pitch=pitch)
        .select_related("organisation", "author", "eligible_member")
        .prefetch_related(
            "lots",
            # One query each, their question and user joined (not a prefetch more per level).
            Prefetch("answers", InterestAnswer.objects.select_related("question")),
            "organisation__themes",
            "organisation__territories",
            Prefetch("organisation__memberships", Membership.objects.select_related("user")),
        )
        .order_by("status", "created_at", "pk")
    )


def my_interests(event, user: User) -> QuerySet[Interest]:
    """Interests of the user's structures in the event's pitches."""
    return (
        Interest.objects.filter(pitch__event=event, organisation__memberships__user=user)
        .select_related("pitch", "pitch__buyer", "pitch__event", "organisation")
        .annotate(
            answer_count=Count(
                "pitch__questions",
                filter=Q(pitch__questions__answered_at__isnull=False),
                distinct=True,
            )
        )
        .order_by("-updated_at")
    )


def published_answers(pitch: Pitch) -> QuerySet[Question]:
    """Answered questions, for everyone: the asking structure is never named."""
    return Question.objects.filter(pitch=pitch, answered_at__isnull=False).order_by("answered_at")


def questions_for_buyer(pitch: Pitch) -> QuerySet[Question]:
    return (
        Question.objects.filter(pitch=pitch)
        .select_related("organisation", "author")
        .order_by("answered_at", "asked_at", "pk")
    )


def organisation_questions(pitch: Pitch, organisations) -> QuerySet[Question]:
    """Questions a structure asked on a pitch (its own, answered or not)."""
    return Question.objects.filter(pitch=pitch, organisation__in=organisations).order_by("asked_at")


def pitch_log(pitch: Pitch) -> QuerySet[SourcingLogEntry]:
    return (
        SourcingLogEntry.objects.filter(pitch=pitch)
        .select_related("actor", "organisation")
        .order_by("at", "id")
    )


def interested_organisation_ids(pitch: Pitch) -> set[int]:
    return set(
        pitch.interests.filter(status__in=INTEREST_RECEIVES_ANSWERS).values_list(
            "organisation_id", flat=True
        )
    )


def pitch_for_detail(pk: int, *, prefetch: bool = True) -> Pitch:
    """The pitch with its event, buyer and theme; with its territories, lots and attachments
    (`prefetch`) for the pages that show them."""
    pitches = Pitch.objects.select_related("event", "buyer", "theme")
    if prefetch:
        pitches = pitches.prefetch_related("territories", "lots", Prefetch("attachments"))
    return pitches.get(pk=pk)


def group_member_candidates(pitch: Pitch) -> QuerySet[Organisation]:
    """The structures a group answering this pitch may name as its member: ESS structures
    registered for the event (pending or validated) or listed in the public directory."""
    return Organisation.objects.filter(
        Q(registrations__event=pitch.event_id, registrations__status__in=REGISTRATION_ACTIVE)
        | Q(listed_in_directory=True),
        kind=OrganisationKind.ESS,
    ).distinct()


def eligible_group_members(pitch: Pitch, *, excluding=()) -> list[Organisation]:
    """The candidates (above) eligible for the pitch's route by `pitches.rules.eligibility`
    (the one rule, counting verified types only), by name."""
    candidates = (
        group_member_candidates(pitch)
        .exclude(pk__in=[org.pk for org in excluding])
        .order_by("name", "pk")
    )
    return [org for org in candidates if is_eligible(org, pitch.route)]
