"""Smoke: the public pages load in French in a real browser, over the real ASGI server."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from tests.e2e.conftest import login, screenshot
from tests.factories import EventFactory, SessionFactory, UserFactory
from tests.roles import PASSWORD

pytestmark = pytest.mark.e2e

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def lille_event():
    event = EventFactory(slug="osez-lille", title="Osez l'ESS à Lille", phase="requests")
    SessionFactory(
        event=event,
        title="Table ronde : ce qui freine ou facilite l'achat public durable",
        starts_at=dt.datetime(2019, 11, 26, 9, 0, tzinfo=PARIS),
        ends_at=dt.datetime(2019, 11, 26, 10, 30, tzinfo=PARIS),
    )
    return event


def test_home_then_event_page_in_french_with_a_working_skip_link(page, lille_event):
    page.goto("/")
    home = {
        "lang": page.locator("html").get_attribute("lang"),
        "h1": page.locator("h1").count(),
    }
    page.keyboard.press("Tab")
    first_stop = page.evaluate("document.activeElement.getAttribute('href')")
    page.keyboard.press("Enter")
    after_skip = page.evaluate("document.activeElement.id")
    screenshot(page, "e2e-home")

    page.get_by_role("link", name="Osez l'ESS à Lille").click()
    page.wait_for_url(f"**{reverse('events:detail', args=[lille_event.slug])}")
    screenshot(page, "e2e-event")

    assert home == {"lang": "fr", "h1": 1}
    assert (first_stop, after_skip) == ("#main", "main")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").all_inner_texts() == ["Osez l'ESS à Lille"]
    assert page.get_by_text("Table ronde : ce qui freine").count() == 1
    assert page.get_by_text("09:00").count() >= 1, "24-hour times in the event's zone"


def test_event_page_fits_a_phone_screen(phone_page, lille_event):
    phone_page.goto(reverse("events:detail", args=[lille_event.slug]))
    widths = phone_page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    screenshot(phone_page, "e2e-event-phone")

    assert phone_page.locator("h1").all_inner_texts() == ["Osez l'ESS à Lille"]
    assert widths[0] <= widths[1], "no horizontal scrolling on a phone"


def test_a_long_unbroken_word_wraps_on_a_phone(phone_page, lille_event):
    lille_event.description = "Référence " + "0123456789" * 40
    lille_event.save(update_fields=["description"])

    phone_page.goto(reverse("events:detail", args=[lille_event.slug]))
    widths = phone_page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )

    assert widths[0] <= widths[1], "no horizontal scrolling on a phone"


def test_login_helper_logs_in_by_cookie_and_through_the_form(new_page, live_url):
    person = UserFactory(first_name="Camille", last_name="Delattre")
    by_cookie, by_form = new_page(), new_page()

    login(by_cookie, person)
    login(by_form, person, password=PASSWORD)
    by_cookie.goto("/")
    by_form.goto("/")

    for logged_in in (by_cookie, by_form):
        assert logged_in.get_by_role("button", name="Se déconnecter").count() == 1
