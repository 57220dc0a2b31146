"""A registration refused by the organisers frees its meetings: the partner's open "My meetings"
page loses the meeting without reload (events/releases.py, matching's releaser)."""

import pytest
from django.urls import reverse

from events.enums import RegistrationRole
from matching.services.requests import answer_request, send_request
from tests.e2e.conftest import login, screenshot
from tests.factories import (
    BuyerOrganisationFactory,
    EventFactory,
    MembershipFactory,
    OrganisationFactory,
    RegistrationFactory,
    UserFactory,
)

pytestmark = pytest.mark.e2e

LIVE = 2000  # ms: "within a second", with room for a loaded CI machine


@pytest.fixture
def accepted_meeting():
    event = EventFactory(slug="osez-lille", title="Osez l'ESS à Lille", phase="requests")
    organiser = UserFactory()
    event.organisers.add(organiser)
    roubaix = BuyerOrganisationFactory(name="Ville de Roubaix")
    buyer = MembershipFactory(organisation=roubaix, role="admin").user
    buyer_reg = RegistrationFactory(
        event=event, user=buyer, organisation=roubaix, role=RegistrationRole.BUYER
    )
    cuisine = OrganisationFactory(name="Cuisine Solidaire")
    structure = MembershipFactory(organisation=cuisine).user
    structure_reg = RegistrationFactory(event=event, user=structure, organisation=cuisine)
    request = send_request(sender=structure_reg, recipient=buyer_reg, by=structure)
    answer_request(request=request, accept=True, by=buyer)
    return event, organiser, buyer, structure_reg


def test_refusing_a_registration_removes_the_meeting_from_the_partners_open_page(
    new_page, accepted_meeting
):
    event, organiser, buyer, structure_reg = accepted_meeting
    buyer_page = new_page()
    login(buyer_page, buyer)
    buyer_page.goto(reverse("matching:requests", args=[event.slug]))
    accepted = buyer_page.locator("#my-requests-live section").filter(
        has=buyer_page.locator("#accepted-title")
    )
    accepted.get_by_text("Cuisine Solidaire").wait_for()

    organiser_page = new_page()
    login(organiser_page, organiser)
    organiser_page.goto(reverse("events:registrations", args=[event.slug]))
    row = organiser_page.locator(f"#registration-{structure_reg.pk}")
    row.get_by_placeholder("Motif du refus").fill("Inscription en double")
    row.get_by_role("button", name="Refuser").click()

    accepted.get_by_text("Aucun rendez-vous accepté pour l'instant.").wait_for(timeout=LIVE)
    screenshot(buyer_page, "release-partner-page")
    assert accepted.get_by_text("Cuisine Solidaire").count() == 0
