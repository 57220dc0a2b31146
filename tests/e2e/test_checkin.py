"""The check-in desk in Chromium: an organiser types a badge's code into the desk's field (as a
USB scanner does: the code, then Enter) and sees the person checked in; the same code again says
"already checked in"; the badge's QR code, read by the jsQR shipped with the desk, gives the code
back."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from events.enums import Phase
from tests.e2e.conftest import login, screenshot
from tests.factories import EventFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.e2e


def french(message: str) -> str:
    with translation.override("fr"):
        return gettext(message)


@pytest.fixture
def desk(live_url):
    event = EventFactory(title="Osez l'ESS Lille", phase=Phase.LIVE)
    organiser = UserFactory(first_name="Jeanne", last_name="Organisatrice")
    event.organisers.add(organiser)
    person = RegistrationFactory(
        event=event,
        user__first_name="Camille",
        user__last_name="Durand",
        organisation__name="Recyclerie du Nord",
    )
    return event, organiser, person


def type_code(page, code: str) -> None:
    field = page.get_by_label(french("Badge code"))
    field.fill(code)
    field.press("Enter")


def test_desk_checks_in_once_then_says_already(page, phone_page, desk):
    event, organiser, person = desk
    login(page, organiser)
    page.goto(reverse("events:checkin_desk", args=[event.slug]))

    type_code(page, person.checkin_code)
    answer = page.locator("#checkin-result")
    answer.get_by_text("Camille Durand").wait_for()
    first = answer.inner_text()
    screenshot(page, "checkin-desk-checked-in")
    type_code(page, person.checkin_code)
    page.locator("#checkin-result .message-warning").wait_for()
    second = answer.inner_text()
    screenshot(page, "checkin-desk-already")

    person.refresh_from_db()
    at = person.checked_in_at.astimezone(event.tzinfo).strftime("%H:%M")
    with translation.override("fr"):
        checked_in = gettext("%(person)s is checked in.") % {"person": "Camille Durand"}
        already = gettext("%(person)s is already checked in, at %(time)s by %(organiser)s.") % {
            "person": "Camille Durand",
            "time": at,
            "organiser": "Jeanne Organisatrice",
        }
    assert first.splitlines()[0] == checked_in
    assert second.splitlines()[0] == already
    assert page.locator("#checkin-counts").inner_text() == "Arrivées : 1 sur 1 personne validée"
    assert page.get_by_label(french("Badge code")).input_value() == ""

    login(phone_page, organiser)
    phone_page.goto(reverse("events:checkin_desk", args=[event.slug]) + "?q=recyclerie")
    phone_page.locator(".checkin-person").wait_for()
    screenshot(phone_page, "checkin-desk-phone")


def test_badge_qr_code_reads_back_the_code(page, desk):
    event, _organiser, person = desk
    login(page, person.user)
    page.goto(reverse("events:my_badge", args=[event.slug]))
    screenshot(page, "badge-mine")
    page.add_script_tag(url="/static/vendor/jsqr/jsQR.js")

    decoded = page.evaluate(
        """async () => {
            const svg = document.querySelector(".name-badge-qr svg");
            const xml = new XMLSerializer().serializeToString(svg);
            const image = new Image();
            image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(xml);
            await image.decode();
            const canvas = document.createElement("canvas");
            canvas.width = canvas.height = 330;
            const context = canvas.getContext("2d");
            context.fillStyle = "#fff";
            context.fillRect(0, 0, 330, 330);
            context.drawImage(image, 0, 0, 330, 330);
            const pixels = context.getImageData(0, 0, 330, 330);
            const found = window.jsQR(pixels.data, 330, 330);
            return found ? found.data : null;
        }"""
    )

    assert decoded == person.checkin_code
