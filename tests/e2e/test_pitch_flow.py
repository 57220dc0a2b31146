"""The first real flow, in a browser: a buyer publishes a need pitch, structure A expresses interest
and asks a question, structure B is interested too, the buyer answers once, and both A and B see
the answer (equal treatment, R2111-1)."""

import pytest
from django.urls import reverse

from events.enums import RegistrationRole
from pitches.models import Pitch
from tests.e2e.conftest import PHONE, login, screenshot
from tests.factories import (
    BuyerOrganisationFactory,
    EventFactory,
    MembershipFactory,
    OrganisationFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.e2e

ANSWER = "Environ 1 200 goûters par jour pendant les vacances."


@pytest.fixture
def people():
    event = EventFactory(slug="osez-lille", title="Osez l'ESS à Lille", phase="requests")
    roubaix = BuyerOrganisationFactory(name="Ville de Roubaix")
    buyer = MembershipFactory(organisation=roubaix, role="admin").user
    RegistrationFactory(event=event, user=buyer, organisation=roubaix, role=RegistrationRole.BUYER)
    structure_a = MembershipFactory(organisation=OrganisationFactory(name="Cuisine Solidaire")).user
    structure_b = MembershipFactory(
        organisation=OrganisationFactory(name="Les Jardins du Nord")
    ).user
    return event, buyer, structure_a, structure_b


def express_interest(page, pitch_title: str, event) -> None:
    page.goto(reverse("pitches:catalogue", args=[event.slug]))
    page.get_by_role("link", name=pitch_title).click()
    page.get_by_role("link", name="Nous pouvons répondre à ce besoin").click()
    page.locator("textarea[name^=answer_]").fill("Nous cuisinons déjà 800 repas par jour.")
    page.get_by_role("button", name="Envoyer ma marque d'intérêt").click()
    page.get_by_text("Votre marque d'intérêt a été envoyée à l'acheteur.").wait_for()


def test_buyer_publishes_structures_ask_and_everyone_sees_the_answer(new_page, people):
    event, buyer, structure_a, structure_b = people

    # The buyer drafts and publishes the pitch.
    buyer_page = new_page()
    login(buyer_page, buyer)
    buyer_page.goto(reverse("pitches:create", args=[event.slug]))
    buyer_page.fill("#id_title", "Des goûters sains pour les accueils de loisirs")
    buyer_page.fill("#id_summary", "Goûters bio et faits maison pour 1 200 enfants.")
    buyer_page.fill("#id_description", "Chaque mercredi et pendant les vacances scolaires.")
    buyer_page.select_option("#id_theme", "food")
    buyer_page.select_option("#id_route", "social_clause")
    buyer_page.fill("#id_questions-0-text", "Combien de goûters pouvez-vous produire par jour ?")
    buyer_page.get_by_role("button", name="Enregistrer le brouillon").click()
    buyer_page.get_by_role("button", name="Publier").click()
    buyer_page.get_by_text("Le pitch est publié dans le catalogue de l'événement.").wait_for()
    pitch = Pitch.objects.get()
    title = pitch.title

    # Structure A expresses interest and asks a question; structure B (on a phone) is interested.
    page_a = new_page()
    login(page_a, structure_a)
    express_interest(page_a, title, event)
    page_a.fill("#id_text", "Combien de goûters par jour pendant les vacances ?")
    page_a.get_by_role("button", name="Envoyer la question").click()
    page_a.get_by_text("Votre question a été envoyée.").wait_for()

    page_b = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    login(page_b, structure_b)
    express_interest(page_b, title, event)

    # The buyer answers once, for everyone.
    buyer_page.goto(reverse("pitches:detail", args=[pitch.pk]))
    buyer_page.get_by_role("link", name="Répondre à tous").click()
    buyer_page.fill("#id_answer", ANSWER)
    buyer_page.get_by_role("button", name="Publier la réponse").click()
    buyer_page.get_by_text("Réponse publiée à toutes les structures intéressées").first.wait_for()

    # Both interested structures see the answer, without the asking structure's name.
    seen = {}
    for name, page in (("a", page_a), ("b", page_b)):
        page.goto(reverse("pitches:detail", args=[pitch.pk]))
        qa = page.locator("dl.qa")
        seen[name] = (qa.get_by_text(ANSWER).count(), qa.get_by_text("Cuisine Solidaire").count())
        screenshot(page, f"e2e-pitch-answer-{name}")

    assert seen == {"a": (1, 0), "b": (1, 0)}
    assert pitch.interests.count() == 2
