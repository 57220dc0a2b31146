"""The venue screen fits its screen (static/js/screen.js): at 1080p, 720p and on a portrait TV, with
5, 30 and 60 tables, nothing goes past the edges, the text stays readable from five metres (the
smallest 24 px at 1080p, the names and table numbers bigger), and the tables turn a page at a time
until every one has been shown; the programme, the latest changes and the offline notice are on
every page; a live change keeps the page; without JavaScript the whole board is there, scrolling.

The pages turn on the screen's clock, here Playwright's fake one (`page.clock`), moved on by hand.
Screenshots: test-artifacts/venue-screen-<tables>-<size>-page-<n>.png."""

import pytest
from django.urls import reverse

from matching.screen import PAGE_SECONDS
from matching.services.requests import cancel_request
from tests.e2e.conftest import screenshot
from tests.factories import EventFactory, UserFactory
from tests.matching.screen_world import venue_day

pytestmark = pytest.mark.e2e

SIZES = {
    "1080p": {"width": 1920, "height": 1080},
    "720p": {"width": 1280, "height": 720},
    "portrait": {"width": 1080, "height": 1920},
}

# What the screen shows now: the page, the table names on it, the elements that go past the
# viewport, the font sizes of the smallest text, of the names and of the table numbers.
READ_SCREEN = """() => {
  const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  const outside = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (!shown(el) || el.classList.contains("visually-hidden")) continue;
    const box = el.getBoundingClientRect();
    if (box.left < -0.5 || box.top < -0.5 || box.right > innerWidth + 0.5 || box.bottom > innerHeight + 0.5) {
      outside.push(`${el.tagName}.${el.className} ${Math.round(box.right)}x${Math.round(box.bottom)}`);
    }
  }
  const texts = [...document.body.querySelectorAll("*")].filter((el) =>
    shown(el) && !el.closest(".visually-hidden") &&
    [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim()));
  const size = (el) => parseFloat(getComputedStyle(el).fontSize);
  const sizes = (selector) => [...document.querySelectorAll(selector)].filter(shown).map(size);
  const pager = document.querySelector("[data-screen-pager]");
  return {
    page: pager.hidden ? "" : pager.innerText.trim(),
    tables: [...document.querySelectorAll(".screen-table-name")].filter(shown).map((el) => el.innerText.trim()),
    outside: outside,
    scrolls: document.documentElement.scrollHeight > innerHeight || document.documentElement.scrollWidth > innerWidth,
    smallest: Math.min(...texts.map(size)),
    names: Math.min(...sizes(".screen-party")),
    numbers: Math.min(...sizes(".screen-table-name")),
    changes: sizes(".screen-moves li").length,
    programme: sizes(".screen-sessions li").length,
  };
}"""


def _screen(new_page, tables: int, size: str):
    organiser = UserFactory()
    event = EventFactory(title="Osez l'ESS 2019 · Lille")
    event.organisers.add(organiser)
    day = venue_day(event, organiser, tables=tables)
    page = new_page(viewport=SIZES[size])
    # Board swaps counted from the start: the catch-up after the socket opens may come before
    # the test looks.
    page.add_init_script(
        "window.boardSwaps = 0;"
        " document.addEventListener('htmx:afterSwap', () => { window.boardSwaps += 1; });"
    )
    page.clock.install()
    page.goto(reverse("matching:screen", args=[day.screen.token]))
    page.clock.pause_at(page.evaluate("Date.now()") / 1000 + 1)  # seconds, for Playwright
    return day, page


def _turn(page):
    page.clock.run_for(PAGE_SECONDS * 1000)


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("tables", [5, 30, 60])
def test_every_table_is_shown_page_after_page_and_nothing_leaves_the_screen(new_page, tables, size):
    day, page = _screen(new_page, tables, size)
    first = page.evaluate(READ_SCREEN)
    count = int(first["page"].rsplit("/", 1)[1]) if first["page"] else 1

    seen, readings = [], []
    for n in range(count):
        reading = page.evaluate(READ_SCREEN)
        screenshot(page, f"venue-screen-{tables}-{size}-page-{n + 1}", full_page=False)
        readings.append(reading)
        seen.extend(reading["tables"])
        _turn(page)
    again = page.evaluate(READ_SCREEN)

    assert sorted(seen) == day.tables  # every table once, across the pages
    assert [r["page"] for r in readings] == (
        [f"Page {n + 1}/{count}" for n in range(count)] if count > 1 else [""]
    )
    assert again["tables"] == readings[0]["tables"]  # and round again
    assert [r["outside"] for r in readings] == [[]] * count
    assert [r["scrolls"] for r in readings] == [False] * count
    # Readable from five metres: sizes follow the screen's short side (1080 px, or 720 px).
    scale = min(SIZES[size]["width"], SIZES[size]["height"]) / 1080
    assert min(r["smallest"] for r in readings) >= 24 * scale
    assert min(r["names"] for r in readings) >= 28 * scale
    assert min(r["numbers"] for r in readings) >= 40 * scale
    # The side is the same on every page: the programme and the latest changes.
    assert {(r["programme"], r["changes"]) for r in readings} == {
        (readings[0]["programme"], readings[0]["changes"])
    }
    assert readings[0]["changes"] >= 1
    assert readings[0]["programme"] >= 5  # the four workshops now and the meetings


def _swaps(page) -> int:
    return page.evaluate("window.boardSwaps")


def _wait_for_swap(page, after: int) -> None:
    """Let the page's timers run (a little, well under a page) until the board was swapped."""
    for _ in range(100):
        if _swaps(page) > after:
            return
        page.clock.run_for(20)
        page.wait_for_timeout(50)
    raise AssertionError("the board was not fetched again")


def test_a_live_change_is_shown_on_the_same_page(new_page):
    day, page = _screen(new_page, 60, "1080p")
    _turn(page)
    _turn(page)
    before = page.evaluate(READ_SCREEN)
    # The socket is open once the screen has caught up after connecting (screen.js does that).
    _wait_for_swap(page, 0)
    swaps = _swaps(page)

    table = before["tables"][0]
    request = day.next_requests[day.tables.index(table)]
    cancel_request(request=request, by=request.sender.user)  # a hint, then the board again
    _wait_for_swap(page, swaps)
    after = page.evaluate(READ_SCREEN)
    row = page.locator("tbody tr", has=page.locator(".screen-table-name", has_text=table))

    assert before["page"] == "Page 3/6"
    assert after["page"] == "Page 3/6"
    assert after["tables"] == before["tables"]
    assert row.locator("td").nth(1).inner_text() == "—"
    assert after["outside"] == []


def test_offline_the_screen_says_so_on_every_page_and_catches_up(new_page, console_errors):
    day, page = _screen(new_page, 60, "1080p")
    page.context.set_offline(True)
    page.clock.run_for(30_000)  # the board's fetch by the clock fails
    notice = page.locator("#screen-offline")
    for _ in range(50):
        if notice.is_visible():
            break
        page.clock.run_for(20)
        page.wait_for_timeout(50)
    offline = [page.evaluate(READ_SCREEN)]
    for _ in range(5):
        _turn(page)
        offline.append(page.evaluate(READ_SCREEN))
    screenshot(page, "venue-screen-offline", full_page=False)
    notice_text = notice.inner_text()

    page.context.set_offline(False)  # "online": the screen fetches its board at once
    for _ in range(100):
        if notice.is_hidden():
            break
        page.clock.run_for(20)
        page.wait_for_timeout(50)

    assert notice_text.startswith("Hors ligne : affichage de la dernière mise à jour, à ")
    assert sorted(t for r in offline for t in r["tables"]) == day.tables
    assert [r["outside"] for r in offline] == [[]] * 6
    assert {r["changes"] for r in offline} == {offline[0]["changes"]} != {0}
    assert notice.is_hidden()
    # Offline, the board's fetches fail (the browser and htmx say so in the console): expected.
    expected = ("WebSocket", "ERR_INTERNET_DISCONNECTED", "htmx:afterRequest", "htmx:sendError")
    assert [e for e in console_errors if not any(x in e for x in expected)] == []
    console_errors.clear()


def test_without_javascript_the_whole_board_is_there_and_scrolls(new_page):
    organiser = UserFactory()
    event = EventFactory()
    event.organisers.add(organiser)
    day = venue_day(event, organiser, tables=60)
    page = new_page(viewport=SIZES["1080p"], java_script_enabled=False)
    page.goto(reverse("matching:screen", args=[day.screen.token]))

    names = page.locator(".screen-table-name")
    shown = [names.nth(i).inner_text() for i in range(names.count()) if names.nth(i).is_visible()]
    height = page.evaluate("document.documentElement.scrollHeight")
    screenshot(page, "venue-screen-60-1080p-no-javascript")

    assert shown == day.tables
    assert height > SIZES["1080p"]["height"]
    assert page.locator("[data-screen-pager]").is_hidden()
    assert page.locator(".screen-moves li").count() == 6
