"""The organisers' statistics in Chromium: every chart (an SVG image) loads and the page logs no
console error (a CSP violation would be one) at 1280 px; at 390 px the tables alone show, nothing
wider than the screen and no chart fetched."""

import pytest
from django.urls import reverse

from events.enums import RegistrationRole
from matching.enums import Outcome
from tests.e2e.conftest import PHONE, login, screenshot
from tests.factories import (
    BuyerOrganisationFactory,
    EventFactory,
    MeetingOutcomeFactory,
    PitchFactory,
    RegistrationFactory,
    UserFactory,
)
from tests.matching.day_world import live_day, meet

pytestmark = pytest.mark.e2e


@pytest.fixture
def world():
    """A live event with three meetings held, their outcomes, three pitches; its organiser.
    Requested after the page fixture, whose transactional database it writes to."""
    event = EventFactory()
    organiser = UserFactory()
    event.organisers.add(organiser)
    day = live_day(event)
    for n in range(3):
        buyer = RegistrationFactory(
            event=event,
            role=RegistrationRole.BUYER,
            organisation=BuyerOrganisationFactory(name=f"Ville {n}"),
        )
        structure = RegistrationFactory(event=event)
        request = meet(buyer, structure, day.past, day.tables[n])
        MeetingOutcomeFactory(request=request, outcome=Outcome.PARTNERSHIP)
        PitchFactory(event=event, buyer=buyer.organisation)
    return reverse("matching:statistics", args=[event.slug]), organiser


def test_every_chart_loads_without_a_console_error(page, world):
    statistics_url, organiser = world
    login(page, organiser)

    page.goto(statistics_url)
    charts = page.locator("img.stats-chart")
    for index in range(charts.count()):
        charts.nth(index).scroll_into_view_if_needed()
    page.wait_for_load_state("networkidle")

    widths = charts.evaluate_all("images => images.map(image => image.naturalWidth)")
    assert len(widths) >= 8
    assert all(width > 0 for width in widths)
    screenshot(page, "statistics-1280")


def test_on_a_phone_the_tables_fit_and_no_chart_is_fetched(phone_page, world):
    statistics_url, organiser = world
    login(phone_page, organiser)

    phone_page.goto(statistics_url)
    phone_page.wait_for_load_state("networkidle")

    width = phone_page.evaluate("document.documentElement.scrollWidth")
    loaded = phone_page.locator("img.stats-chart").evaluate_all(
        "images => images.filter(image => image.complete && image.naturalWidth > 0).length"
    )
    assert (width, loaded) == (PHONE["width"], 0)
    assert phone_page.locator("table caption").count() >= 8
    screenshot(phone_page, "statistics-390")
