"""A buyer writes a pitch on a phone: three lots added in place, no reload; territories found by
typing in the checklist's filter."""

import pytest
from django.urls import reverse

from events.enums import RegistrationRole
from pitches.models import Pitch
from tests.e2e.conftest import login, screenshot
from tests.factories import (
    BuyerOrganisationFactory,
    EventFactory,
    MembershipFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.e2e


def test_buyer_adds_a_third_lot_in_place_and_picks_a_territory_by_filtering(phone_page):
    event = EventFactory(slug="osez-lille", title="Osez l'ESS à Lille", phase="registration")
    roubaix = BuyerOrganisationFactory(name="Ville de Roubaix")
    buyer = MembershipFactory(organisation=roubaix, role="admin").user
    RegistrationFactory(event=event, user=buyer, organisation=roubaix, role=RegistrationRole.BUYER)
    page = phone_page
    login(page, buyer)
    page.goto(reverse("pitches:create", args=[event.slug]))
    page.fill("#id_title", "Fontaines à eau")
    page.fill("#id_summary", "Remplacer les bouteilles en plastique.")
    page.fill("#id_description", "180 000 bouteilles par an dans 40 bâtiments.")
    page.select_option("#id_theme", "waste")
    page.select_option("#id_route", "social_clause")

    page.fill("#id_territories_filter", "zzzz")
    no_match_said = page.get_by_text(
        "Aucun territoire ne correspond à cette recherche."
    ).is_visible()
    page.fill("#id_territories_filter", "roubaix")
    visible_territories = [
        text.strip() for text in page.locator("#id_territories li:visible").all_inner_texts()
    ]
    page.get_by_label("Roubaix (59512)").check()
    chosen = page.locator("[data-checklist-summary]").inner_text()
    address = page.url
    for number, title in enumerate(["Fontaines", "Entretien", "Gobelets"]):
        if number:
            page.get_by_role("button", name="Ajouter un lot").click()
            focused = page.evaluate("document.activeElement.id")
        page.fill(f"#id_lots-{number}-number", str(number + 1))
        page.fill(f"#id_lots-{number}-title", title)
    width = page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, "e2e-pitch-form-phone")
    same_page = page.url == address
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.get_by_text("Brouillon enregistré").wait_for()

    pitch = Pitch.objects.get()
    assert no_match_said
    assert visible_territories == ["Roubaix (59512)"]
    assert same_page, "the lots were added without reloading"
    assert focused == "id_lots-2-number", "the new row gets the focus"
    assert width <= 390
    assert list(pitch.lots.order_by("number").values_list("title", flat=True)) == [
        "Fontaines",
        "Entretien",
        "Gobelets",
    ]
    assert list(pitch.territories.values_list("code", flat=True)) == ["59512"]
    assert chosen == "Choisis\u00a0: Roubaix (59512)"
