"""Services guard with the same phase predicates as the views (events/rules.py): a stale page or
another caller cannot act outside the phase."""

import pytest
from django.core.exceptions import ValidationError

from events.enums import Phase
from matching.enums import RequestStatus
from matching.services import requests as services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def test_answer_request_outside_the_requests_phase_refused(
    requests_phase, buyer_reg, ess_reg, buyer, ess_member
):
    request = services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer)
    requests_phase.phase = Phase.SCHEDULING  # a pending request the phase move did not lapse
    requests_phase.save(update_fields=["phase"])

    with pytest.raises(ValidationError, match="not open"):
        services.answer_request(request=request, accept=True, by=ess_member)
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING


def test_console_moving_out_of_requests_lapses_pending_requests(
    client, requests_phase, organiser, buyer_reg, ess_reg, buyer
):
    """events asks the apps above through events/phases.py; matching answers in ready()."""
    from django.urls import reverse

    request = services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer)
    client.force_login(organiser)

    client.post(
        reverse("events:move_phase", kwargs={"slug": requests_phase.slug}),
        {"phase": Phase.SCHEDULING},
    )

    request.refresh_from_db()
    requests_phase.refresh_from_db()
    assert (requests_phase.phase, request.status) == (Phase.SCHEDULING, RequestStatus.LAPSED)
