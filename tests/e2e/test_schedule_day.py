"""The scheduling console's grid opens where the meetings are (static/js/schedule-grid.js, no
inline script), and "My agenda" shows a participant's whole day, on a phone."""

import datetime as dt

import pytest
from django.urls import reverse

from events.enums import SessionKind
from matching.services.requests import book_meeting
from tests.e2e.conftest import login, screenshot
from tests.factories import PARIS, EventFactory, SessionFactory, TableFactory, UserFactory
from tests.matching.schedule_world import accepted, buyer, ess, make_block

pytestmark = pytest.mark.e2e


@pytest.fixture
def day():
    event = EventFactory(slug="osez-lille", title="Osez l'ESS à Lille", phase="scheduling")
    organiser = UserFactory()
    event.organisers.add(organiser)
    slots = make_block(event, slots=6)
    tables = [TableFactory(event=event, name=f"T{n:02d}") for n in range(1, 21)]
    pair = accepted(buyer(event), ess(event))
    meeting = book_meeting(
        request=pair, slot=slots[4], table=tables[17], by=organiser, self_booked=True
    )
    SessionFactory(
        event=event,
        kind=SessionKind.PLENARY,
        title="Table ronde",
        starts_at=dt.datetime(2019, 11, 26, 9, 30, tzinfo=PARIS),
        ends_at=dt.datetime(2019, 11, 26, 10, 30, tzinfo=PARIS),
    )
    return event, organiser, meeting


def test_console_grid_opens_at_the_first_meeting_on_a_phone(phone_page, day, console_errors):
    event, organiser, meeting = day
    login(phone_page, organiser)

    phone_page.goto(reverse("matching:schedule", args=[event.slug]))

    # The grid may be re-rendered by the console's live connection meanwhile: read the scroll
    # state and the boxes in one go, from whichever grid is on the page, until it holds.
    opened = phone_page.wait_for_function(
        """(cellId) => {
            const wrap = document.querySelector(".table-wrap[data-scroll-to]");
            const cell = document.getElementById(cellId);
            if (!wrap || !cell || !wrap.dataset.scrolled) return false;
            const box = cell.getBoundingClientRect(), frame = wrap.getBoundingClientRect();
            return wrap.scrollLeft > 0 && frame.left <= box.left && box.right <= frame.right + 1;
        }""",
        arg=f"meeting-{meeting.pk}",
        timeout=5000,
    )
    screenshot(phone_page, "schedule-grid-opens-at-first-meeting-phone", full_page=False)
    assert opened.json_value() is True
    assert console_errors == []


def test_my_agenda_shows_the_day_on_a_phone(phone_page, day):
    event, _organiser, meeting = day
    login(phone_page, meeting.request.sender.user)

    phone_page.goto(reverse("matching:agenda", args=[event.slug]))

    phone_page.get_by_text("Table ronde").wait_for()
    phone_page.get_by_text("Table T18").wait_for()
    screenshot(phone_page, "my-agenda-phone")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
