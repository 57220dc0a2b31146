"""Recommendations: "pitches for you" (an ESS structure, per event) and "structures to invite"
(a buyer, per pitch). Thin views over matching/recommendations.py, computed on request."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from accounts.enums import OrganisationKind
from accounts.models import Organisation
from core.views import require
from events.enums import REGISTRATION_ACTIVE
from events.models import Event
from events.rules import interest_open
from pitches.enums import INTEREST_ACTIVE, RESERVED_ROUTES
from pitches.models import Pitch
from pitches.rules import pitch_open_for_exchanges

from .. import recommendations
from ..rules import meeting_registration

STRUCTURES_SHOWN = 12  # recommended structures shown before "show more"


def _ess_organisations(user, event) -> list[Organisation]:
    """The user's ESS structures, those registered for the event first."""
    organisations = list(
        Organisation.objects.filter(kind=OrganisationKind.ESS, memberships__user=user).order_by(
            "name"
        )
    )
    registered = set(
        event.registrations.filter(
            organisation__in=organisations,
            status__in=REGISTRATION_ACTIVE,
        ).values_list("organisation_id", flat=True)
    )
    return sorted(organisations, key=lambda org: org.pk not in registered)


@login_required
def pitches_for_me(request: HttpRequest, slug: str) -> HttpResponse:
    """The event's published pitches ranked for one of the user's ESS structures."""
    event = get_object_or_404(Event, slug=slug)
    if not request.user.has_perm("events.view_event", event):
        raise Http404
    organisations = _ess_organisations(request.user, event)
    if not organisations:
        raise PermissionDenied
    organisation = organisations[0]
    chosen = request.GET.get("organisation")
    if chosen:
        organisation = next((o for o in organisations if str(o.pk) == chosen), None)
        if organisation is None:
            raise Http404
    ranking = recommendations.pitches_for_structure(event, organisation)
    can_express = interest_open(request.user, event)
    for match in [*ranking.recommended, *ranking.others, *ranking.not_eligible]:
        active = match.interest is not None and match.interest.status in INTEREST_ACTIVE
        open_now = (
            can_express and not active and pitch_open_for_exchanges(request.user, match.pitch)
        )
        match.can_express = open_now and match.eligible
        # Not eligible for the reserved route: only in a group naming an eligible structure.
        match.can_answer_in_group = open_now and not match.eligible
    return render(
        request,
        "matching/recommendations/pitches_for_me.html",
        {
            "event": event,
            "organisation": organisation,
            "organisations": organisations,
            "ranking": ranking,
            "reserved_routes": RESERVED_ROUTES,
        },
    )


@login_required
def structures_for_pitch(request: HttpRequest, pk: int) -> HttpResponse:
    """The ESS structures to invite for a pitch, ranked, for its buyer and the organisers."""
    pitch = get_object_or_404(Pitch.objects.select_related("event", "buyer", "theme"), pk=pk)
    if not request.user.has_perm("pitches.view_pitch", pitch):
        raise Http404
    require(request, "pitches.manage_pitch", pitch)
    include_directory = request.GET.get("directory") == "1"
    ranking = recommendations.structures_for_pitch(pitch, include_directory=include_directory)
    shown = len(ranking.recommended) if request.GET.get("all") == "1" else STRUCTURES_SHOWN
    registration = meeting_registration(request.user, pitch.event)
    # The buyer's own participants may ask the registered structures for a meeting on this pitch.
    can_request = registration is not None and registration.organisation_id == pitch.buyer_id
    return render(
        request,
        "matching/recommendations/structures_for_pitch.html",
        {
            "pitch": pitch,
            "event": pitch.event,
            "ranking": ranking,
            "recommended": ranking.recommended[:shown],
            "hidden_count": max(len(ranking.recommended) - shown, 0),
            "include_directory": include_directory,
            "reserved": pitch.route in RESERVED_ROUTES,
            "can_request": can_request,
        },
    )
