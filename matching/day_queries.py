"""Named reads of the day itself: who may replace an absent partner (re-pairing), the no-shows
and the outcomes counted for the organisers (their live dashboard reads these), the state of
each meeting under way. The writes are in matching/services/presence.py and outcomes.py."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Q

from accounts.enums import OrganisationKind
from events import day
from events.enums import RegistrationRole, RegistrationStatus
from events.models import Registration, Slot, Table
from matching import recommendations, rules
from matching.enums import AbsenceReason, Outcome, PresenceState, RequestStatus
from matching.models import Attendance, Meeting, MeetingOutcome, MeetingPresence, MeetingRequest
from pitches.enums import PitchStatus
from pitches.models import Pitch

# --- Re-pairing: who may replace an absent partner ---------------------------------------------


@dataclass(frozen=True)
class Candidate:
    registration: Registration
    requested: bool  # a request between the two that was never placed
    recommended: bool  # the recommendations rank the pair (matching/recommendations.py)

    @property
    def name(self) -> str:
        return str(self.registration.organisation or self.registration.user)


def repair_candidates(event, registration: Registration, slot: Slot) -> list[Candidate]:
    """The people `registration` may meet at `slot` instead of an absent partner: validated
    buyer or ESS participants free then (no meeting, not busy in their day: events.day), at the
    venue (rules.is_present) and allowed to meet them (rules.request_refusal, its re-pairing
    case; an accepted request between the two never placed counts as allowed). Ordered: the
    people of such requests (and of requests that lapsed unanswered) first, then the
    recommended organisations, then the others, by name."""
    people = list(
        Registration.objects.filter(
            event=event, status=RegistrationStatus.VALIDATED, role__in=rules.MEETING_ROLES
        )
        .exclude(pk=registration.pk)
        .exclude(organisation__isnull=True)
        .exclude(pk__in=Attendance.objects.filter(slot=slot).values("registration"))
        .select_related("organisation", "user", "event")
    )
    busy = day.busy_stretches(event, people)
    people = [p for p in people if day.clash(busy[p.pk], slot.starts_at, slot.ends_at) is None]
    in_use = rules.checkin_in_use(event)
    people = [p for p in people if rules.is_present(p, in_use=in_use)]
    requested = _requested_with(registration)
    state = rules.sender_state(registration)
    allowed = [
        person
        for person in people
        if person.pk in requested["unplaced"]
        or rules.request_refusal(registration, person, state=state, repairing=True) is None
    ]
    recommended = _recommended_organisations(event, registration)
    asked = requested["unplaced"] | requested["lapsed"]

    def order(person):
        rank = recommended.get(person.organisation_id)
        return (
            person.pk not in asked,
            rank is None,
            rank or 0,
            str(person.organisation or person.user).lower(),
            person.pk,
        )

    return [
        Candidate(p, p.pk in asked, p.organisation_id in recommended)
        for p in sorted(allowed, key=order)
    ]


def _requested_with(registration: Registration) -> dict[str, set[int]]:
    """The people with whom `registration` has an accepted request never placed, and those of
    requests that lapsed unanswered when the requests phase closed."""
    rows = MeetingRequest.objects.filter(
        Q(sender=registration) | Q(recipient=registration),
        Q(status=RequestStatus.ACCEPTED, meeting__isnull=True) | Q(status=RequestStatus.LAPSED),
    ).values_list("sender_id", "recipient_id", "status")
    found = {"unplaced": set(), "lapsed": set()}
    for sender, recipient, status in rows:
        other = recipient if sender == registration.pk else sender
        found["unplaced" if status == RequestStatus.ACCEPTED else "lapsed"].add(other)
    return found


def _recommended_organisations(event, registration: Registration) -> dict[int, int]:
    """Organisation id -> rank (0 best) in the recommendations for `registration`'s
    organisation: for a structure, the buyers of its recommended pitches; for a buyer, the
    structures recommended for its published pitches."""
    organisation = registration.organisation
    ranked: list[int] = []
    if organisation.kind == OrganisationKind.ESS:
        ranking = recommendations.pitches_for_structure(event, organisation)
        ranked = [match.pitch.buyer_id for match in ranking.recommended]
    else:
        pitches = Pitch.objects.filter(
            event=event, buyer=organisation, status=PitchStatus.PUBLISHED
        ).order_by("pk")
        for pitch in pitches:
            ranking = recommendations.structures_for_pitch(pitch)
            ranked.extend(match.organisation.pk for match in ranking.recommended)
    result: dict[int, int] = {}
    for organisation_id in ranked:
        result.setdefault(organisation_id, len(result))
    return result


# --- The organisers' view of the day -----------------------------------------------------------


@dataclass(frozen=True)
class NoShow:
    request: MeetingRequest
    slot: Slot
    table: Table | None
    absent: Registration
    present: Registration
    reason: str  # enums.AbsenceReason
    since: dt.datetime
    replaced: bool  # the person left alone met someone else instead


def no_shows(event, now: dt.datetime) -> list[NoShow]:
    """The meetings of the day whose partner did not come, by slot then table: those one side
    marked absent (kept after a re-pairing), and, once the organisers' no-show minutes have
    passed since the slot started, those unconfirmed with one side not checked in (when
    check-in is in use at the event). A fixed number of queries."""
    marked = list(
        MeetingPresence.objects.filter(request__event=event, absent_at__isnull=False)
        .select_related(
            "slot",
            "table",
            "request__sender__organisation",
            "request__sender__user",
            "request__recipient__organisation",
            "request__recipient__user",
        )
        .order_by("slot__starts_at", "pk")
    )
    found = []
    seen = set()
    for presence in marked:
        request = presence.request
        absent = request.sender if presence.absent_id == request.sender_id else request.recipient
        present = request.recipient if absent.pk == request.sender_id else request.sender
        found.append(
            NoShow(
                request,
                presence.slot,
                presence.table,
                absent,
                present,
                AbsenceReason.MARKED,
                presence.absent_at,
                presence.replaced_by_id is not None,
            )
        )
        seen.add((request.pk, presence.slot_id))
    if rules.checkin_in_use(event):
        minutes = rules.no_show_minutes(event)
        started = set(
            MeetingPresence.objects.filter(
                request__event=event, started_at__isnull=False
            ).values_list("request_id", "slot_id")
        )
        meetings = (
            Meeting.objects.filter(
                request__event=event,
                request__status=RequestStatus.ACCEPTED,
                slot__starts_at__lte=now - dt.timedelta(minutes=minutes),
            )
            .select_related(
                "slot",
                "table",
                "request__sender__organisation",
                "request__sender__user",
                "request__recipient__organisation",
                "request__recipient__user",
            )
            .order_by("slot__starts_at", "pk")
        )
        for meeting in meetings:
            key = (meeting.request_id, meeting.slot_id)
            if key in seen or key in started:
                continue
            request = meeting.request
            missing = [r for r in (request.sender, request.recipient) if r.checked_in_at is None]
            if len(missing) != 1:
                continue
            absent = missing[0]
            present = request.recipient if absent.pk == request.sender_id else request.sender
            found.append(
                NoShow(
                    request,
                    meeting.slot,
                    meeting.table,
                    absent,
                    present,
                    AbsenceReason.NOT_CHECKED_IN,
                    meeting.slot.starts_at + dt.timedelta(minutes=minutes),
                    False,
                )
            )
    return sorted(found, key=lambda n: (n.slot.starts_at, n.table.name if n.table else ""))


def meeting_states(event, now: dt.datetime) -> dict[int, str]:
    """Meeting id -> its state (enums.PresenceState) for the meetings under way at `now`."""
    meetings = list(
        Meeting.objects.filter(
            request__event=event, slot__starts_at__lte=now, slot__ends_at__gt=now
        ).select_related("slot", "request__sender", "request__recipient", "request__event")
    )
    if not meetings or not rules.slot_under_way(event, meetings[0].slot, now):
        return {}
    presences = {
        (p.request_id, p.slot_id): p
        for p in MeetingPresence.objects.filter(request__in=[m.request_id for m in meetings])
    }
    in_use = rules.checkin_in_use(event)
    minutes = rules.no_show_minutes(event)
    states = {}
    for meeting in meetings:
        presence = presences.get((meeting.request_id, meeting.slot_id))
        if presence is not None and presence.started_at is not None:
            states[meeting.pk] = PresenceState.STARTED
        elif rules.absent_partner(
            meeting.request, meeting.slot, presence, now, minutes=minutes, in_use=in_use
        ):
            states[meeting.pk] = PresenceState.PARTNER_ABSENT
        else:
            states[meeting.pk] = PresenceState.WAITING
    return states


@dataclass(frozen=True)
class OutcomeCount:
    outcome: str
    label: str
    count: int


def outcome_counts(event) -> list[OutcomeCount]:
    """How many sides recorded each outcome (enums.Outcome, in its order, zeros included),
    without names or notes: what organisers may see of the outcomes. One query."""
    counts = Counter(
        MeetingOutcome.objects.filter(request__event=event).values_list("outcome", flat=True)
    )
    return [OutcomeCount(o.value, o.label, counts.get(o.value, 0)) for o in Outcome]


def outcome_counts_by_buyer(event) -> Counter:
    """(buyer's name, outcome) -> how many sides recorded it in that buyer's meetings: counts
    only, never which structure said what nor the notes (the organisers' statistics and
    exports). A meeting with no buyer (ESS with ESS) counts under "". One query."""
    counts: Counter = Counter()
    outcomes = MeetingOutcome.objects.filter(request__event=event).select_related(
        "request__sender__organisation", "request__recipient__organisation"
    )
    for outcome in outcomes:
        sides = (outcome.request.sender, outcome.request.recipient)
        buyers = [side for side in sides if side.role == RegistrationRole.BUYER]
        buyer = buyers[0].organisation.name if buyers and buyers[0].organisation else ""
        counts[(buyer, outcome.outcome)] += 1
    return counts
