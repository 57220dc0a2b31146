"""Who may do what in the matching app (django-rules), used by views, templates, consumers and
services alike. One section per area; phase predicates come from events/rules.py."""

import rules
from django.db.models import Q

from accounts.rules import RELATIONSHIP_CHECKS
from events.rules import can_manage, event_of, requests_open, scheduling_open
from pitches.rules import pitch_open_for_exchanges

from .enums import RequestStatus
from .models import Meeting, MeetingRequest

# --- organisers' scheduling console ------------------------------------------------------------
# Running, editing and publishing the schedule happen while `scheduling_open` (events/rules.py).

# See the console (any phase: organisers prepare before scheduling opens).
rules.add_perm("matching.view_schedule", can_manage)
# Run the engine, lock, move, unschedule, place, publish, unpublish.
rules.add_perm("matching.change_schedule", can_manage & scheduling_open)


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
def is_ess_participant_of_pitch_event(user, pitch) -> bool:
    """An ESS participant of the pitch's event, from another organisation than the pitch's buyer."""
    registration = meeting_registration(user, event_of(pitch))
    return (
        registration is not None
        and registration.organisation.is_ess
        and registration.organisation_id != pitch.buyer_id
    )


@rules.predicate
def pitch_buyer_takes_part(user, pitch) -> bool:
    """Someone of the pitch's buyer organisation is a validated participant of its event."""
    from events.enums import RegistrationStatus

    return pitch.event.registrations.filter(
        organisation_id=pitch.buyer_id, status=RegistrationStatus.VALIDATED
    ).exists()


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
rules.add_perm(
    "matching.request_about_pitch",
    is_ess_participant_of_pitch_event
    & requests_open
    & pitch_open_for_exchanges
    & pitch_buyer_takes_part,
)
rules.add_perm("matching.answer_request", is_request_recipient & is_pending & requests_open)
rules.add_perm(
    "matching.cancel_request",
    requests_open & ((is_request_sender & is_pending) | (is_request_party & is_accepted)),
)
rules.add_perm(
    "matching.book_meeting",
    is_request_party & is_accepted & requests_open & self_service_booking & is_unbooked,
)
rules.add_perm("matching.change_settings", can_manage)


# Contact details open between organisations once a meeting request between them is accepted
# (accounts.rules.RELATIONSHIP_CHECKS, DESIGN.md "personal data").
def _accepted_meetings(viewer_orgs: set[int], other_orgs: set[int]) -> set[int]:
    rows = MeetingRequest.objects.filter(
        Q(sender__organisation_id__in=viewer_orgs, recipient__organisation_id__in=other_orgs)
        | Q(recipient__organisation_id__in=viewer_orgs, sender__organisation_id__in=other_orgs),
        status=RequestStatus.ACCEPTED,
    ).values_list("sender__organisation_id", "recipient__organisation_id")
    return {org for pair in rows for org in pair} & other_orgs


if _accepted_meetings.__name__ not in {check.__name__ for check in RELATIONSHIP_CHECKS}:
    RELATIONSHIP_CHECKS.append(_accepted_meetings)
