"""The agenda works offline (static/js/sw.js, registered by static/js/osez.js on the agenda page):
once opened, a reload without network shows it from the cache with "offline — last updated at";
when the network returns, the page refreshes itself."""

import pytest
from django.urls import reverse

from tests.e2e.conftest import login, screenshot
from tests.e2e.test_schedule_day import day  # noqa: F401 (fixture)

pytestmark = pytest.mark.e2e


def test_agenda_is_shown_offline_and_refreshes_when_back_online(phone_page, day, console_errors):  # noqa: F811
    event, _organiser, meeting = day
    login(phone_page, meeting.request.sender.user)
    agenda = reverse("matching:agenda", args=[event.slug])

    phone_page.goto(agenda)
    phone_page.wait_for_function("() => Boolean(navigator.serviceWorker.controller)")
    phone_page.reload()  # now through the worker, which keeps the page and what it loads
    phone_page.get_by_text("Table T18").wait_for()
    assert phone_page.locator("#offline-notice").is_hidden()

    phone_page.context.set_offline(True)
    phone_page.reload()
    phone_page.get_by_text("Table T18").wait_for()
    notice = phone_page.locator("#offline-notice")
    notice.wait_for(state="visible")
    offline_text = notice.inner_text()
    styled = phone_page.evaluate("getComputedStyle(document.body).fontFamily")
    screenshot(phone_page, "agenda-offline-phone")

    with phone_page.expect_navigation():
        phone_page.context.set_offline(False)
    phone_page.get_by_text("Table T18").wait_for()
    back = phone_page.locator("#offline-notice").is_hidden()

    assert offline_text.startswith("Hors ligne — dernière mise à jour à ")
    assert "system-ui" in styled  # the CSS came from the cache too
    assert back is True
    # Offline, the live connections could not open (the browser says so, and htmx logs the
    # socket's error event): those errors are the expected ones.
    expected = ("WebSocket", "ERR_INTERNET_DISCONNECTED", "[object Event]")
    assert [e for e in console_errors if not any(x in e for x in expected)] == []
    console_errors.clear()
