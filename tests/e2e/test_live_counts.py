"""A pitch's counts are live for its buyer: a structure expresses interest and asks a question in
its own browser; the buyer's open "My pitches" and the pitch's "Manage this pitch" panel show
the new counts without reload (pitches/consumers.py). And the notification centre's list: an
email sent by the outbox appears on the open centre (notifications/consumers.py)."""

import pytest
from django.urls import reverse

from events.enums import RegistrationRole
from notifications.models import OutboxMessage
from notifications.tasks import send
from pitches import services as pitch_services
from tests.e2e.conftest import PHONE, login, screenshot
from tests.factories import (
    BuyerOrganisationFactory,
    EventFactory,
    MembershipFactory,
    OrganisationFactory,
    PitchFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.e2e

LIVE = 2000  # ms: "within a second", with room for a loaded CI machine


@pytest.fixture
def people():
    event = EventFactory(slug="osez-lille", title="Osez l'ESS à Lille", phase="requests")
    lille = BuyerOrganisationFactory(name="Métropole de Lille")
    buyer = MembershipFactory(organisation=lille, role="admin").user
    RegistrationFactory(event=event, user=buyer, organisation=lille, role=RegistrationRole.BUYER)
    cuisine = OrganisationFactory(name="Cuisine Solidaire")
    structure = MembershipFactory(organisation=cuisine).user
    RegistrationFactory(event=event, user=structure, organisation=cuisine)
    pitch = PitchFactory(event=event, buyer=lille, title="Restauration responsable")
    return event, buyer, structure, pitch


def test_interest_and_question_counts_reach_the_buyer_live(new_page, people):
    event, buyer, structure, pitch = people
    buyer_list = new_page()
    login(buyer_list, buyer)
    buyer_list.goto(reverse("pitches:mine", args=[event.slug]))
    counts = buyer_list.locator("#my-pitches td[data-label='Intéressées']")
    counts.filter(has_text="0").wait_for()
    buyer_panel = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    login(buyer_panel, buyer)
    buyer_panel.goto(reverse("pitches:detail", args=[pitch.pk]))
    buyer_panel.locator("#buyer-panel").get_by_text("0 structure intéressée").wait_for()

    structure_page = new_page()
    login(structure_page, structure)
    structure_page.goto(reverse("pitches:interest", args=[pitch.pk]))
    structure_page.get_by_role("button", name="Envoyer ma marque d'intérêt").click()
    structure_page.wait_for_url(f"**{reverse('pitches:detail', args=[pitch.pk])}")

    counts.get_by_role("link", name="1").wait_for(timeout=LIVE)
    buyer_panel.locator("#buyer-panel").get_by_text("1 structure intéressée").wait_for(timeout=LIVE)
    screenshot(buyer_list, "live-pitch-count")

    structure_page.get_by_label("Votre question").fill("Quels volumes par jour ?")
    structure_page.get_by_role("button", name="Envoyer la question").click()
    buyer_panel.locator("#buyer-panel").get_by_text("Quels volumes par jour ?").wait_for(
        timeout=LIVE
    )
    screenshot(buyer_panel, "live-pitch-panel-phone")


def test_the_open_notification_centre_shows_a_new_message(new_page, people):
    _event, buyer, structure, pitch = people
    page = new_page()
    login(page, structure)
    page.goto(reverse("notifications:centre"))
    page.get_by_text("Aucune notification pour l'instant.").wait_for()

    question = pitch_services.ask_question(
        pitch=pitch,
        organisation=structure.memberships.get().organisation,
        actor=structure,
        text="Quels volumes ?",
    )
    pitch_services.answer_question(question=question, actor=buyer, answer="Deux cents repas")
    for message in OutboxMessage.objects.filter(recipient=structure):
        send(message.pk)

    page.locator("#notification-list").get_by_text("Nouveau").wait_for(timeout=LIVE)
    screenshot(page, "live-notification-centre")
