"""'My meetings' is live: a request sent by one side appears on the other side's open page, and
the answer reaches the sender's open page, without reload (matching.consumers.MyRequestsConsumer)."""

import pytest
from django.urls import reverse

from events.enums import RegistrationRole
from tests.e2e.conftest import PHONE, login, screenshot
from tests.factories import (
    BuyerOrganisationFactory,
    EventFactory,
    MembershipFactory,
    OrganisationFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.e2e

LIVE = 2000  # ms: "within a second", with room for a loaded CI machine


@pytest.fixture
def people():
    event = EventFactory(slug="osez-lille", title="Osez l'ESS à Lille", phase="requests")
    roubaix = BuyerOrganisationFactory(name="Ville de Roubaix")
    buyer = MembershipFactory(organisation=roubaix, role="admin").user
    RegistrationFactory(event=event, user=buyer, organisation=roubaix, role=RegistrationRole.BUYER)
    cuisine = OrganisationFactory(name="Cuisine Solidaire")
    structure = MembershipFactory(organisation=cuisine).user
    RegistrationFactory(event=event, user=structure, organisation=cuisine)
    return event, buyer, structure, cuisine


def test_my_meetings_updates_live_on_both_sides(new_page, people):
    event, buyer, structure, cuisine = people
    my_meetings = reverse("matching:requests", args=[event.slug])

    structure_page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    login(structure_page, structure)
    structure_page.goto(my_meetings)
    structure_page.get_by_text("Aucune demande n'attend votre réponse.").wait_for()

    buyer_page = new_page()
    login(buyer_page, buyer)
    buyer_page.goto(reverse("matching:request_new", args=[event.slug, cuisine.pk]))
    buyer_page.get_by_role("button", name="Envoyer la demande").click()
    buyer_page.wait_for_url(f"**{my_meetings}")

    received = structure_page.locator("#my-requests-live .request-card")
    received.get_by_text("Ville de Roubaix").wait_for(timeout=LIVE)
    screenshot(structure_page, "live-requests-received-phone")

    received.get_by_role("button", name="Accepter").click()
    structure_page.get_by_text("Rendez-vous accepté.", exact=False).wait_for()
    accepted = buyer_page.locator("#my-requests-live section").filter(
        has=buyer_page.locator("#accepted-title")
    )
    accepted.get_by_text("Cuisine Solidaire").wait_for(timeout=LIVE)
    screenshot(buyer_page, "live-requests-accepted")

    # The structure's own notice survives the live frame its own action caused.
    structure_page.wait_for_timeout(300)
    assert structure_page.get_by_role("status").count() == 1
