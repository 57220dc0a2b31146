"""The events app's part of a person's data (registry in accounts/personal_data.py)."""

from accounts.personal_data import PersonalData, iso

from .enums import ReleaseReason
from .models import Event, Feedback, Registration
from .services import release_registration


def export(user) -> dict[str, list]:
    registrations = (
        Registration.objects.filter(user=user)
        .select_related("event", "organisation")
        .prefetch_related("unavailabilities")
        .order_by("created_at", "pk")
    )
    return {
        "event_registrations": [
            {
                "event": r.event.title,
                "organisation": r.organisation.name if r.organisation else None,
                "role": r.role,
                "status": r.status,
                "refusal_reason": r.refusal_reason,
                "max_meetings": r.max_meetings,
                "needs_accessible_table": r.needs_accessible_table,
                "accessibility_needs": r.accessibility_needs,
                "registered_at": iso(r.created_at),
                "checked_in_at": iso(r.checked_in_at),
                "unavailabilities": [
                    {"from": iso(u.starts_at), "until": iso(u.ends_at), "reason": u.reason}
                    for u in r.unavailabilities.all()
                ],
            }
            for r in registrations
        ],
        "event_feedback": [
            {
                "event": f.registration.event.title,
                "rating": f.rating,
                "would_come_again": f.would_come_again,
                "comment": f.comment,
                "given_at": iso(f.created_at),
                "changed_at": iso(f.updated_at),
            }
            for f in Feedback.objects.filter(registration__user=user)
            .select_related("registration__event")
            .order_by("created_at", "pk")
        ],
        "events_organised": [
            {"event": e.title, "first_day": iso(e.start_date)}
            for e in Event.objects.filter(organisers=user).order_by("start_date", "pk")
        ],
    }


def erase(user) -> None:
    """Each registration lets go of what it holds (meetings, requests, seats: the people
    concerned are told); the registrations and their unavailabilities then go with the account
    (CASCADE), with their feedback, and the person leaves the organisers of their events (the M2M rows)."""
    for registration in Registration.objects.filter(user=user).order_by("pk"):
        release_registration(
            registration=registration, by=user, reason=ReleaseReason.ACCOUNT_DELETED
        )


PROVIDER = PersonalData(
    app="events",
    export=export,
    erase=erase,
    exported=frozenset(
        {"events.Registration", "events.Unavailability", "events.Event", "events.Feedback"}
    ),
    erased=frozenset(
        {"events.Registration", "events.Unavailability", "events.Event", "events.Feedback"}
    ),
    not_personal={
        "events.Session": "the programme, written by the organisers for every participant",
    },
)
