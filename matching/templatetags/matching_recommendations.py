"""Template tags of the recommendations: the "Pitches for you" block of "My space"."""

from django import template

from accounts.enums import OrganisationKind
from accounts.models import Organisation
from events.enums import PHASES_OPEN_FOR_INTEREST, RegistrationStatus
from events.models import Event, Registration

from .. import recommendations

register = template.Library()

DASHBOARD_TOP = 3


@register.simple_tag
def dashboard_recommendations(user) -> list[dict]:
    """For each ESS structure of the user and each event it is registered for whose interest phase
    is open: its best-scored pitches it has not answered yet. [{"event", "organisation", "matches"}]"""
    if not user.is_authenticated:
        return []
    organisations = list(
        Organisation.objects.filter(kind=OrganisationKind.ESS, memberships__user=user).order_by(
            "name"
        )
    )
    if not organisations:
        return []
    live = [RegistrationStatus.PENDING, RegistrationStatus.VALIDATED]
    events = list(
        Event.objects.filter(
            phase__in=PHASES_OPEN_FOR_INTEREST,
            registrations__organisation__in=organisations,
            registrations__status__in=live,
        )
        .distinct()
        .order_by("start_date", "pk")
    )
    if not events:
        return []
    registered = set(
        Registration.objects.filter(
            event__in=events, organisation__in=organisations, status__in=live
        ).values_list("event_id", "organisation_id")
    )
    blocks = []
    for organisation in organisations:
        its_events = [e for e in events if (e.pk, organisation.pk) in registered]
        if not its_events:
            continue
        rankings = recommendations.pitches_for_structures(its_events, organisation)
        for event in its_events:
            ranking = rankings[event.pk]
            fresh = [
                m for m in [*ranking.recommended, *ranking.others] if m.interest is None and m.score
            ]
            blocks.append(
                {"event": event, "organisation": organisation, "matches": fresh[:DASHBOARD_TOP]}
            )
    return blocks
