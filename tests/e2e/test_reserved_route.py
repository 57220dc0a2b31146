"""A reserved pitch in a browser, on a phone: an SCIC sees it among the pitches it may answer only
in a group, cannot send an interest alone (the form says why), sends it in a group naming an
eligible insertion enterprise, and the buyer sees the answer's eligibility through that member."""

import datetime as dt

import pytest
from django.urls import reverse

from events.enums import RegistrationRole
from pitches.enums import Route
from pitches.models import Interest
from tests.e2e.conftest import login, screenshot
from tests.factories import (
    PARIS,
    BuyerOrganisationFactory,
    EventFactory,
    MembershipFactory,
    OrganisationFactory,
    PitchFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.e2e

VERIFIED = dt.datetime(2019, 10, 1, tzinfo=PARIS)


def test_structure_not_eligible_answers_a_reserved_pitch_only_in_a_group(phone_page, new_page):
    event = EventFactory(slug="osez-lille", title="Osez l'ESS à Lille", phase="requests")
    roubaix = BuyerOrganisationFactory(name="Ville de Roubaix")
    buyer = MembershipFactory(organisation=roubaix, role="admin").user
    RegistrationFactory(event=event, user=buyer, organisation=roubaix, role=RegistrationRole.BUYER)
    pitch = PitchFactory(
        event=event, buyer=roubaix, title="Entretien des espaces verts", route=Route.RESERVED_SIAE
    )
    scic = OrganisationFactory(name="Vélo Solidaire", legal_form="scic", verified_at=VERIFIED)
    person = MembershipFactory(organisation=scic).user
    RegistrationFactory(event=event, user=person, organisation=scic)
    ei = OrganisationFactory(name="Régie des Jardins", insertion_type="ei", verified_at=VERIFIED)
    RegistrationFactory(event=event, organisation=ei)

    login(phone_page, person)
    phone_page.goto(reverse("matching:pitches_for_me", args=[event.slug]))
    phone_page.get_by_role(
        "link", name="Répondre en groupement avec une structure éligible"
    ).click()
    phone_page.get_by_label("Seule").check()
    phone_page.get_by_role("button", name="Envoyer ma marque d'intérêt").click()
    phone_page.locator(".errorlist").get_by_text(
        "n'est pas éligible à ce marché réservé"
    ).wait_for()
    screenshot(phone_page, "e2e-reserved-route-refused")
    assert Interest.objects.count() == 0

    phone_page.get_by_label("En groupement").check()
    phone_page.select_option("#id_eligible_member", label="Régie des Jardins")
    phone_page.get_by_role("button", name="Envoyer ma marque d'intérêt").click()
    phone_page.get_by_text("Votre marque d'intérêt a été envoyée à l'acheteur.").wait_for()
    assert Interest.objects.get().eligible_member == ei

    buyer_page = new_page()
    login(buyer_page, buyer)
    buyer_page.goto(reverse("pitches:interests", args=[pitch.pk]))
    buyer_page.get_by_text("En groupement avec Régie des Jardins (éligible)").wait_for()
    screenshot(buyer_page, "e2e-reserved-route-buyer")
