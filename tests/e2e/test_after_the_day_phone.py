"""After the day on a phone (390 px): the structure's follow-up with a buyer (its list, the form
filled and saved, the history), and the survey page with its meeting and workshop; the organisers'
list of every follow-up. No page is wider than the screen; screenshots in test-artifacts/."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from events.enums import RegistrationRole, SessionKind
from matching.enums import Outcome
from matching.models import FollowUp
from matching.services.outcomes import record_outcome
from tests.e2e.conftest import PHONE, login, screenshot
from tests.factories import (
    BuyerOrganisationFactory,
    EventFactory,
    MembershipFactory,
    OrganisationFactory,
    RegistrationFactory,
    SeatFactory,
    SessionFactory,
    UserFactory,
    WorkshopFactory,
)
from tests.matching.day_world import live_day, meet

pytestmark = pytest.mark.e2e


def _person(event, organisation, role):
    user = MembershipFactory(organisation=organisation, role="admin").user
    return RegistrationFactory(event=event, user=user, organisation=organisation, role=role)


@pytest.fixture
def day():
    today = timezone.localdate()
    event = EventFactory(
        slug="osez-lille", title="Osez l'ESS à Lille", start_date=today, end_date=today
    )
    world = live_day(event)
    world.structure = _person(
        event,
        OrganisationFactory(name="Cuisine Solidaire des Hauts-de-France"),
        RegistrationRole.ESS,
    )
    world.buyer = _person(
        event,
        BuyerOrganisationFactory(name="Métropole Européenne de Lille"),
        RegistrationRole.BUYER,
    )
    request = meet(world.buyer, world.structure, world.past, world.tables[0])
    record_outcome(request=request, by=world.buyer.user, outcome=Outcome.CONSULTATION_PLANNED)
    world.follow_up = FollowUp.objects.get()
    start = timezone.now() - dt.timedelta(hours=3)
    workshop = WorkshopFactory(
        session=SessionFactory(
            event=event,
            kind=SessionKind.WORKSHOP,
            title="Restauration collective responsable",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
        )
    )
    SeatFactory(workshop=workshop, registration=world.structure)
    return world


def _width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_follow_up_and_survey_fit_a_phone(new_page, day):
    phone = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    login(phone, day.structure.user)
    slug = day.event.slug

    phone.goto(reverse("matching:follow_ups", args=[slug]))
    listed = _width(phone)
    screenshot(phone, "follow-ups-list-phone")
    phone.get_by_role("link", name="Métropole Européenne de Lille").first.click()
    phone.get_by_label("Consultation lancée le").fill("2027-03-01")
    phone.get_by_label("Lien de la consultation").fill(
        "https://marches.example.org/consultation/42"
    )
    phone.get_by_label("Elle comporte une clause sociale").check()
    phone.get_by_label("Elle comporte un lot réservé").check()
    phone.get_by_role("button", name="Enregistrer la suite").click()
    phone.get_by_text("La suite est mise à jour.").wait_for()
    edited = _width(phone)
    screenshot(phone, "follow-up-form-phone")

    phone.goto(reverse("events:feedback", args=[slug]))
    phone.get_by_text("Restauration collective responsable").wait_for()
    survey = _width(phone)
    screenshot(phone, "survey-phone")

    day.follow_up.refresh_from_db()
    assert (day.follow_up.social_clause, day.follow_up.reserved_lot) == (True, True)
    assert (listed, edited, survey) == (PHONE["width"],) * 3


def test_the_organisers_list_fits_a_phone(new_page, day):
    organiser = UserFactory()
    day.event.organisers.add(organiser)
    phone = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    login(phone, organiser)

    phone.goto(reverse("matching:event_follow_ups", args=[day.event.slug]))
    phone.get_by_text("Suites prévues").wait_for()
    screenshot(phone, "follow-ups-organisers-phone")

    assert _width(phone) == PHONE["width"]
