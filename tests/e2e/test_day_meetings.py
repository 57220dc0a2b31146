"""The day on phones: a structure alone at its table says its partner is not here, is offered
who is free, meets one of them at once, and that person's open agenda shows the meeting without
reload (matching/views/day.py, matching/services/presence.py, AgendaConsumer). Screenshots of the
agenda during a slot, at phone width and on a desktop, in test-artifacts/."""

import pytest
from django.urls import reverse

from events.enums import RegistrationRole
from events.models import Registration
from tests.e2e.conftest import PHONE, login, screenshot
from tests.factories import (
    BuyerOrganisationFactory,
    EventFactory,
    MembershipFactory,
    OrganisationFactory,
    RegistrationFactory,
)
from tests.matching.day_world import live_day, meet

pytestmark = pytest.mark.e2e

LIVE = 2000  # ms: "within a second", with room for a loaded CI machine


def _person(event, organisation, role):
    user = MembershipFactory(organisation=organisation, role="admin").user
    return RegistrationFactory(event=event, user=user, organisation=organisation, role=role)


@pytest.fixture
def day():
    event = EventFactory(slug="osez-lille", title="Osez l'ESS à Lille")
    world = live_day(event)
    world.structure = _person(
        event, OrganisationFactory(name="Cuisine Solidaire"), RegistrationRole.ESS
    )
    world.absent = _person(
        event, BuyerOrganisationFactory(name="Ville de Roubaix"), RegistrationRole.BUYER
    )
    world.free = _person(
        event, BuyerOrganisationFactory(name="CHU de Lille"), RegistrationRole.BUYER
    )
    world.request = meet(world.absent, world.structure, world.current, world.tables[0])
    earlier = _person(
        event, BuyerOrganisationFactory(name="Département du Nord"), RegistrationRole.BUYER
    )
    meet(earlier, world.structure, world.past, world.tables[0])
    return world


def test_partner_absent_then_meet_someone_free_seen_live(new_page, day):
    agenda = reverse("matching:agenda", args=[day.event.slug])
    phone = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    login(phone, day.structure.user)
    phone.goto(agenda)
    phone.get_by_role("button", name="Nous sommes là").wait_for()
    screenshot(phone, "day-agenda-waiting-phone")

    other = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    login(other, day.free.user)
    other.goto(agenda)
    other.locator("#agenda-meetings").wait_for()

    phone.get_by_role("button", name="Mon interlocuteur n'est pas là").click()
    phone.get_by_role("link", name="Rencontrer quelqu'un d'autre maintenant").wait_for()
    screenshot(phone, "day-agenda-partner-absent-phone")
    phone.get_by_role("link", name="Rencontrer quelqu'un d'autre maintenant").click()
    phone.get_by_role("button", name="Rencontrer CHU de Lille maintenant").wait_for()
    screenshot(phone, "day-replace-phone")
    phone.get_by_role("button", name="Rencontrer CHU de Lille maintenant").click()
    phone.wait_for_url(f"**{agenda}")
    phone.locator(".now-meeting").get_by_text("CHU de Lille").wait_for()

    other.locator(".now-meeting").get_by_text("Cuisine Solidaire").wait_for(timeout=LIVE)
    screenshot(other, "day-agenda-new-partner-live-phone")
    assert Registration.objects.filter(pk=day.free.pk).exists()


def test_agenda_during_a_slot_on_a_desktop(new_page, day):
    page = new_page()
    login(page, day.structure.user)

    page.goto(reverse("matching:agenda", args=[day.event.slug]))
    page.get_by_role("button", name="Nous sommes là").click()
    page.get_by_text("Commencé à").wait_for()

    assert page.get_by_role("link", name="Noter la suite").count() == 1
    screenshot(page, "day-agenda-started-desktop")


def test_outcome_form_on_a_phone(new_page, day):
    phone = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    login(phone, day.structure.user)
    phone.goto(reverse("matching:agenda", args=[day.event.slug]))

    phone.get_by_role("link", name="Noter la suite").click()
    phone.get_by_label("Suite prévue : devis demandé").check()
    phone.get_by_label("Note privée").fill("Devis pour les goûters avant le 15.")
    screenshot(phone, "day-outcome-phone")
    width = phone.evaluate("document.documentElement.scrollWidth")
    phone.get_by_role("button", name="Enregistrer").click()
    phone.get_by_text("La suite est enregistrée.").wait_for()

    assert width <= PHONE["width"]
    assert phone.get_by_text("Suite prévue : devis demandé").count() == 1
