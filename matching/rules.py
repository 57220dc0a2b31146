"""Who may do what in the matching app (django-rules), used by views, templates, consumers and
services alike. One section per area; phase predicates come from events/rules.py."""

import datetime as dt
from dataclasses import dataclass, field

import rules
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.enums import OrganisationKind
from core.memo import memoised
from events.enums import Phase, RegistrationRole, RegistrationStatus
from events.rules import can_manage, event_of, requests_open, scheduling_open
from pitches.rules import pitch_open_for_exchanges, quiet_period_message

from .enums import ACTIVE_REQUEST_STATUSES, RequestStatus
from .models import DEFAULT_NO_SHOW_MINUTES, MatchingSettings, Meeting, MeetingRequest

# --- organisers' scheduling console ------------------------------------------------------------
# Running, editing and publishing the schedule happen while `scheduling_open` (events/rules.py).

# See the console (any phase: organisers prepare before scheduling opens).
rules.add_perm("matching.view_schedule", can_manage)
# The organisers' printed documents (agendas, badges, table signs: matching/services/printing.py).
rules.add_perm("matching.print_documents", can_manage)
# Run the engine, lock, move, unschedule, place, publish, unpublish.
rules.add_perm("matching.change_schedule", can_manage & scheduling_open)


# --- who may meet whom: THE rule ---------------------------------------------------------------
# Used by the permissions below, the services (check_request, send_request, accept, book, hand
# placement), the engine's problem builder (which requests go to the engine), the participants
# page and request form (who and what is offered) and the buttons of "My meetings" (also rendered
# by the live consumer). Each function returns why not, in the person's language, or None.

MEETING_ROLES = frozenset({RegistrationRole.BUYER, RegistrationRole.ESS})


def takes_part_in_meetings(registration) -> bool:
    """A validated buyer or ESS registration with its organisation."""
    return (
        registration.status == RegistrationStatus.VALIDATED
        and registration.role in MEETING_ROLES
        and registration.organisation_id is not None
    )


def pair_refusal(a, b) -> str | None:
    """Why registrations `a` and `b` may not meet at all: the same event, two validated buyer or
    ESS participants with their organisations, two different organisations, buyer ↔ ESS or
    ESS ↔ ESS (never buyer ↔ buyer). Needs both organisations loaded."""
    if a.event_id != b.event_id:
        return _("Both participants must take part in the same event.")
    if a.pk == b.pk:
        return _("You cannot request a meeting with yourself.")
    if not (takes_part_in_meetings(a) and takes_part_in_meetings(b)):
        return _("Only validated participants can meet.")
    if a.organisation_id == b.organisation_id:
        return _("You belong to the same organisation.")
    if a.organisation.kind == b.organisation.kind == OrganisationKind.BUYER:
        return _("Meetings are between a buyer and an ESS structure, or between ESS structures.")
    return None


def pitch_refusal(pitch, a, b) -> str | None:
    """Why a meeting between `a` and `b` may not be about `pitch` (None: no pitch, or fine): a
    pitch of their event, open for exchanges (published, not in its quiet period:
    pitches.rules.pitch_open_for_exchanges), and the own need of the buyer they meet. Between two
    structures no pitch: a buyer's need is discussed with that buyer."""
    if pitch is None:
        return None
    if pitch.event_id != a.event_id:
        return _("This pitch belongs to another event.")
    reason = closed_pitch_refusal(pitch)
    if reason is not None:
        return reason
    buyers = {r.organisation_id for r in (a, b) if r.organisation.kind == OrganisationKind.BUYER}
    if not buyers:
        return _(
            "A meeting between two structures cannot be about a buyer's pitch: request a meeting "
            "with the buyer about it."
        )
    if pitch.buyer_id not in buyers:
        return _("This pitch is not a need of the buyer you are meeting.")
    return None


def closed_pitch_refusal(pitch) -> str | None:
    """Why nothing about `pitch` may happen any more (pitches.rules.pitch_open_for_exchanges:
    not published, or its quiet period has started), or None."""
    if pitch is None or pitch_open_for_exchanges(None, pitch):
        return None
    if pitch.is_published:
        return quiet_period_message(pitch)
    return _("This pitch is not published.")


@dataclass
class SenderState:
    """What a new request from `sender` depends on beyond the pair (three queries, once per page:
    see sender_state)."""

    requests_open: bool
    cap: int | None = None
    sent: int = 0
    # Other organisation id -> the active request between it and the sender's organisation.
    open_with: dict[int, MeetingRequest] = field(default_factory=dict)


def sender_state(sender, *, only_with: int | None = None) -> SenderState:
    """`only_with`: an organisation id, when the state is asked for that one recipient (its
    `open_with` then holds the request with it alone, not every open request of the sender's
    organisation)."""
    if sender is None:
        return SenderState(requests_open=False)
    row = MatchingSettings.objects.filter(event_id=sender.event_id).first()
    cap = row.max_requests_per_participant if row is not None else None
    sent = (
        MeetingRequest.objects.filter(sender=sender, status__in=ACTIVE_REQUEST_STATUSES).count()
        if cap is not None
        else 0
    )
    return SenderState(
        requests_open=requests_open(None, sender.event),
        cap=cap,
        sent=sent,
        open_with=open_requests_between_organisations(sender, only_with=only_with),
    )


def open_requests_between_organisations(
    registration, *, only_with: int | None = None
) -> dict[int, MeetingRequest]:
    """Active (pending or accepted) requests between the registration's organisation and others
    at the same event, by the other organisation's id: one request per pair of organisations.
    `only_with`: only with that organisation."""
    org = registration.organisation_id
    if only_with is None:
        pairs = Q(sender__organisation_id=org) | Q(recipient__organisation_id=org)
    else:
        pairs = Q(sender__organisation_id=org, recipient__organisation_id=only_with) | Q(
            sender__organisation_id=only_with, recipient__organisation_id=org
        )
    rows = (
        MeetingRequest.objects.filter(
            pairs,
            event_id=registration.event_id,
            status__in=ACTIVE_REQUEST_STATUSES,
        )
        .select_related("sender", "recipient")
        .order_by("pk")
    )
    result: dict[int, MeetingRequest] = {}
    for row in rows:
        other = (
            row.recipient.organisation_id
            if row.sender.organisation_id == org
            else row.sender.organisation_id
        )
        result.setdefault(other, row)
    return result


def request_refusal(
    sender, recipient, *, pitch=None, state: SenderState | None = None, repairing: bool = False
):
    """THE rule of who may ask whom for a meeting (about `pitch`, optionally): `pair_refusal`,
    the event in its requests phase, one open request per pair of organisations, the organisers'
    cap on outgoing requests, and `pitch_refusal`. `state` (sender_state) spares its queries when
    a page asks for many recipients. send_request checks the cap and the open pair again under
    lock.

    `repairing`: on the day, a person whose partner did not come meets someone else at once
    (matching/services/presence.py `repair`): the requests phase is over and the cap does not
    apply (the meeting replaces one that did not take place); everything else does."""
    reason = pair_refusal(sender, recipient)
    if reason is not None:
        return reason
    state = state or sender_state(sender, only_with=recipient.organisation_id)
    if not repairing and not state.requests_open:
        return _("Meeting requests are not open for this event at the moment.")
    if recipient.organisation_id in state.open_with:
        return _("A meeting request between you is already open.")
    if not repairing and state.cap is not None and state.sent >= state.cap:
        return _("You have reached the organisers' limit of %(cap)s meeting requests.") % {
            "cap": state.cap
        }
    return pitch_refusal(pitch, sender, recipient)


def meeting_refusal(request) -> str | None:
    """Why an existing request may not be accepted, booked or placed (by a person, an organiser's
    hand or the engine): its two sides may no longer meet, or its pitch is no longer open for
    exchanges (its quiet period has started). Needs sender, recipient (with organisations) and
    pitch loaded."""
    return pair_refusal(request.sender, request.recipient) or closed_pitch_refusal(request.pitch)


# --- meeting requests and self-service booking -------------------------------------------------
# Who may request, answer, cancel and book. Objects: an Event (participants, my meetings, sending,
# settings), a Pitch (the "request a meeting" button of a pitch page) or a MeetingRequest.


def meeting_registration(user, event):
    """The user's validated buyer or ESS registration for the event (with its organisation), or
    None. Cached on the user object for the request, as templates ask several times."""
    from events.enums import RegistrationRole, RegistrationStatus

    if event is None or not user.is_authenticated:
        return None
    cache = getattr(user, "_meeting_registrations", None)
    if cache is None:
        cache = {}
        user._meeting_registrations = cache  # request.user lives for one request
    if event.pk not in cache:
        cache[event.pk] = (
            event.registrations.select_related("organisation", "event")
            .filter(
                user=user,
                status=RegistrationStatus.VALIDATED,
                role__in=[RegistrationRole.BUYER, RegistrationRole.ESS],
                organisation__isnull=False,
            )
            .first()
        )
    return cache[event.pk]


@rules.predicate
def is_meeting_participant(user, obj) -> bool:
    """A validated buyer or ESS participant of the event: may find and request others."""
    return meeting_registration(user, event_of(obj)) is not None


@rules.predicate
def may_request(user, recipient) -> bool:
    """The user's registration may ask `recipient` (a Registration) for a meeting now."""
    mine = meeting_registration(user, event_of(recipient))
    return mine is not None and request_refusal(mine, recipient) is None


@rules.predicate
def may_request_about_pitch(user, pitch) -> bool:
    """The user may ask the pitch's buyer (its author first: see pitch_contact) for a meeting
    about the pitch now."""
    mine = meeting_registration(user, event_of(pitch))
    if mine is None:
        return False
    contact = pitch_contact(pitch)
    return contact is not None and request_refusal(mine, contact, pitch=pitch) is None


def pitch_contact(pitch):
    """Whom to meet about a pitch: its author's validated registration at the event, otherwise
    the first validated participant of the buyer organisation (by name), or None."""
    from events.models import Registration

    rows = list(
        Registration.objects.filter(
            event_id=pitch.event_id,
            organisation_id=pitch.buyer_id,
            status=RegistrationStatus.VALIDATED,
            role__in=MEETING_ROLES,
        )
        .select_related("organisation", "user", "event")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    return next((r for r in rows if r.user_id == pitch.author_id), rows[0] if rows else None)


@rules.predicate
def meeting_still_possible(user, request) -> bool:
    """The request's two sides may still meet, about its pitch if any (meeting_refusal)."""
    return request is not None and meeting_refusal(request) is None


@rules.predicate
def is_ess_participant_of_pitch_event(user, pitch) -> bool:
    """An ESS participant of the pitch's event, from another organisation than the pitch's buyer."""
    registration = meeting_registration(user, event_of(pitch))
    return (
        registration is not None
        and registration.organisation.is_ess
        and registration.organisation_id != pitch.buyer_id
    )


@rules.predicate
def is_request_sender(user, request) -> bool:
    return user.is_authenticated and request is not None and request.sender.user_id == user.pk


@rules.predicate
def is_request_recipient(user, request) -> bool:
    return user.is_authenticated and request is not None and request.recipient.user_id == user.pk


is_request_party = is_request_sender | is_request_recipient


@rules.predicate
def is_pending(user, request) -> bool:
    return request is not None and request.status == RequestStatus.PENDING


@rules.predicate
def is_accepted(user, request) -> bool:
    return request is not None and request.status == RequestStatus.ACCEPTED


@rules.predicate
def is_unbooked(user, request) -> bool:
    return request is not None and not Meeting.objects.filter(request=request).exists()


@rules.predicate
def self_service_booking(user, obj) -> bool:
    """The event's organisers let participants pick a free slot themselves."""
    from matching.services.requests import is_self_service

    event = event_of(obj)
    return event is not None and is_self_service(event)


rules.add_perm("matching.view_participants", is_meeting_participant | can_manage)
rules.add_perm("matching.view_my_requests", is_meeting_participant)
rules.add_perm("matching.send_request", is_meeting_participant & requests_open)
# Object: the Registration to meet (participants page, request form).
rules.add_perm("matching.request_meeting", may_request)
rules.add_perm(
    "matching.request_about_pitch", is_ess_participant_of_pitch_event & may_request_about_pitch
)
rules.add_perm("matching.answer_request", is_request_recipient & is_pending & requests_open)
rules.add_perm(
    "matching.accept_request",
    is_request_recipient & is_pending & requests_open & meeting_still_possible,
)
rules.add_perm(
    "matching.cancel_request",
    requests_open & ((is_request_sender & is_pending) | (is_request_party & is_accepted)),
)
rules.add_perm(
    "matching.book_meeting",
    is_request_party
    & is_accepted
    & requests_open
    & self_service_booking
    & is_unbooked
    & meeting_still_possible,
)
rules.add_perm("matching.change_settings", can_manage)


# Contact details open between organisations once a meeting request between them is accepted
# (DESIGN.md "personal data"; registered in accounts.rules.RELATIONSHIP_CHECKS by MatchingConfig).
def accepted_meetings(viewer_orgs: set[int], other_orgs: set[int]) -> set[int]:
    rows = MeetingRequest.objects.filter(
        Q(sender__organisation_id__in=viewer_orgs, recipient__organisation_id__in=other_orgs)
        | Q(recipient__organisation_id__in=viewer_orgs, sender__organisation_id__in=other_orgs),
        status=RequestStatus.ACCEPTED,
    ).values_list("sender__organisation_id", "recipient__organisation_id")
    return {org for pair in rows for org in pair} & other_orgs


# --- on the day: presence at the table, no-shows, re-pairing, outcomes -------------------------
# A meeting is "under way" during its slot while the event is live; each side may then say "we
# are here" or "my partner is not here" (matching/services/presence.py). A partner is absent when
# the other side says so, or when check-in is in use at the event and they have not checked in
# `no_show_minutes` after the slot started. Outcomes are written once the slot has ended.

# Phases in which a meeting's outcome may be recorded (the day, and afterwards).
PHASES_FOR_OUTCOMES = frozenset({Phase.LIVE, Phase.CLOSED})


def slot_under_way(event, slot, now) -> bool:
    """The event is live and `slot` has started and not ended at `now`."""
    return event.phase == Phase.LIVE and slot.starts_at <= now < slot.ends_at


def checkin_in_use(event) -> bool:
    """Whether the event checks people in at all: someone has been checked in
    (`Registration.checked_in_at`, written by the events app's check-in desk). Until the desk
    has checked anybody in, "not checked in" tells nothing, and nobody is a no-show for it."""
    return memoised(
        ("checkin_in_use", event.pk),
        lambda: event.registrations.filter(checked_in_at__isnull=False).exists(),
    )


def is_present(registration, *, in_use: bool | None = None) -> bool:
    """Whether `registration` counts as at the venue: checked in, or check-in not in use at the
    event (`checkin_in_use`, passed as `in_use` by callers asking for many people)."""
    if in_use is None:
        in_use = checkin_in_use(registration.event)
    return not in_use or registration.checked_in_at is not None


def no_show_minutes(event) -> int:
    """Minutes after a slot's start from which a partner not checked in is a no-show."""
    row = memoised(
        ("no_show_minutes", event.pk),
        lambda: MatchingSettings.objects.filter(event_id=event.pk).only("no_show_minutes").first(),
    )
    return row.no_show_minutes if row is not None else DEFAULT_NO_SHOW_MINUTES


def side_of(request, user):
    """The user's registration in `request` (sender or recipient), or None."""
    if request.sender.user_id == user.pk:
        return request.sender
    if request.recipient.user_id == user.pk:
        return request.recipient
    return None


def partner_of(request, side):
    return request.recipient if side.pk == request.sender_id else request.sender


def presence_refusal(request, slot, now) -> str | None:
    """Why the two sides of `request` may not say now whether they met at `slot`, or None."""
    if request.status != RequestStatus.ACCEPTED:
        return _("This meeting is no longer in the agenda.")
    if request.event.phase != Phase.LIVE:
        return _("This is possible during the event only.")
    if now < slot.starts_at:
        return _("This meeting has not started yet.")
    if now >= slot.ends_at:
        return _("This meeting is over.")
    return None


def absent_partner(request, slot, presence, now, *, minutes: int, in_use: bool):
    """The side of `request` who did not come to `slot` (a Registration), or None: the one the
    other side marked absent, else, once `minutes` have passed since the slot started and nobody
    confirmed the meeting, the one side not checked in (when check-in is in use)."""
    if presence is not None and presence.started_at is not None:
        return None
    if presence is not None and presence.absent_at is not None:
        return request.sender if presence.absent_id == request.sender_id else request.recipient
    if not in_use or now < slot.starts_at + dt.timedelta(minutes=minutes):
        return None
    missing = [r for r in (request.sender, request.recipient) if r.checked_in_at is None]
    return missing[0] if len(missing) == 1 else None


def repair_refusal(request, slot, presence, side, now, *, minutes: int, in_use: bool):
    """Why `side` may not meet someone else instead of `request` at `slot` now, or None: the
    meeting is under way (presence_refusal), its partner absent (absent_partner), and `side`
    is the one left alone (present)."""
    reason = presence_refusal(request, slot, now)
    if reason is not None:
        return reason
    absent = absent_partner(request, slot, presence, now, minutes=minutes, in_use=in_use)
    if absent is None:
        return _("Your partner is not marked absent.")
    if absent.pk == side.pk:
        return _("You are marked absent from this meeting.")
    return None


def outcome_refusal(request, slot, now) -> str | None:
    """Why the outcome of the meeting of `request` at `slot` may not be recorded now, or None:
    once its slot has ended, on the day or afterwards."""
    if request.status != RequestStatus.ACCEPTED:
        return _("This meeting is no longer in the agenda.")
    if request.event.phase not in PHASES_FOR_OUTCOMES or now < slot.ends_at:
        return _("You can record what a meeting led to once it has ended.")
    return None


def outcome_organisation(user, request):
    """The organisation whose outcome of `request` the user sees and writes: the side they took
    part as, else a side whose organisation they belong to; None for anyone else (organisers
    included: they see counts only, queries.outcome_counts)."""
    if not user.is_authenticated or request is None:
        return None
    side = side_of(request, user)
    if side is not None:
        return side.organisation
    for registration in (request.sender, request.recipient):
        organisation = registration.organisation
        if organisation is not None and organisation.memberships.filter(user=user).exists():
            return organisation
    return None


@rules.predicate
def is_outcome_side(user, request) -> bool:
    return outcome_organisation(user, request) is not None


# Object: a MeetingRequest. The time checks (slot under way, slot ended) are the services'.
rules.add_perm("matching.mark_presence", is_request_party)
rules.add_perm("matching.record_outcome", is_outcome_side)


# --- after the day: follow-ups traced to the consultation --------------------------------------
# A pair (meeting request) has a follow-up once either side's outcome planned one
# (enums.FOLLOW_UP_OUTCOMES: matching/services/follow_ups.py `sync_follow_up`, called by
# record_outcome). The members of both organisations see and update it; the event's organisers
# see every follow-up of the event, read only. A follow-up is closed once the award is known.


def follow_up_planned(outcomes) -> bool:
    """Whether a pair's outcomes (MeetingOutcome rows or outcome values) plan a follow-up."""
    from .enums import FOLLOW_UP_OUTCOMES

    return any(getattr(o, "outcome", o) in FOLLOW_UP_OUTCOMES for o in outcomes)


def follow_up_organisation(user, follow_up):
    """The organisation the user updates `follow_up` for (a side they took part as or belong
    to: outcome_organisation), or None."""
    return outcome_organisation(user, follow_up.request) if follow_up is not None else None


def follow_up_open(follow_up) -> bool:
    """Still asked about (3 and 6 months after the day) until the award is known."""
    return follow_up is not None and follow_up.awarded is None


def follow_ups_filter(user):
    """The follow-ups `user` sees as a side: a Q over FollowUp (both organisations' members)."""
    return (
        Q(request__sender__organisation__memberships__user=user)
        | Q(request__recipient__organisation__memberships__user=user)
        | Q(request__sender__user=user)
        | Q(request__recipient__user=user)
    )


@rules.predicate
def is_follow_up_side(user, follow_up) -> bool:
    return user.is_authenticated and follow_up_organisation(user, follow_up) is not None


@rules.predicate
def organises_follow_up(user, follow_up) -> bool:
    return follow_up is not None and can_manage(user, follow_up.request.event)


# Object: a FollowUp. The list of one's follow-ups needs a login only (it lists what one sees).
rules.add_perm("matching.view_follow_up", is_follow_up_side | organises_follow_up)
rules.add_perm("matching.change_follow_up", is_follow_up_side)
# Object: an Event: every follow-up of the event, for its organisers.
rules.add_perm("matching.view_event_follow_ups", can_manage)


# --- after the day: the survey about each meeting ----------------------------------------------


def meeting_survey_refusal(request, slot, outcomes, presence, now) -> str | None:
    """Why the people of `request` (met at `slot`) are not asked about it, or None: its outcome
    may be recorded (outcome_refusal: it has ended) and it took place (no side recorded "did not
    take place", no partner marked absent). `outcomes`: the request's MeetingOutcome rows;
    `presence`: its MeetingPresence at `slot`, or None."""
    from .enums import Outcome

    reason = outcome_refusal(request, slot, now)
    if reason is not None:
        return reason
    if any(o.outcome == Outcome.NOT_HELD for o in outcomes) or (
        presence is not None and presence.absent_id is not None and presence.started_at is None
    ):
        return _("This meeting did not take place.")
    return None
