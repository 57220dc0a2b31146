"""Redis stopped, then started again, under an open live page, in a browser.

The server of this module is not the package's: the production server (uvicorn, one process;
daphne cannot send the "try again later" close code 1013 that makes htmx reconnect: its websocket
library allows only 1000 and 3000-4999, so a socket closed for an outage there raises in the
server and reaches the browser late) on a redis-server of its own (channel
layer, Celery broker, cache; tests/live.py `RedisServer`, append-only as in production), tasks not
eager. An organiser's live dashboard is open; Redis stops (SIGTERM): the page says that live
updates are paused (#live-paused, static/js/osez.js), and pages and actions keep working (the
desk checks someone in: committed, said). Redis starts again on the same port and directory: the
notice goes by itself (htmx reconnects with back-off) and the next change reaches the dashboard
without a reload. What was done during the outage is shown too: a reconnect re-renders from the
database (core/consumers.py).
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import login, require_postgresql, screenshot
from tests.e2e.test_day_live_stack import arrivals, french, open_live, ws  # noqa: F401
from tests.live import redis_server, uvicorn_server

pytestmark = pytest.mark.e2e

PAUSED = 30_000  # ms: the consumer's reading retries (a few seconds), then htmx's close event
RESUMED = 60_000  # ms: htmx's reconnect back-off grows with each failed attempt (up to 36 s)
LIVE = 20_000  # ms: a loaded machine (the whole suite at once) took over 5 s for the re-read


@pytest.fixture(scope="module")
def redis(django_db_setup, tmp_path_factory):
    require_postgresql()
    with redis_server(tmp_path_factory.mktemp("redis"), appendonly=True) as server:
        yield server


@pytest.fixture(scope="module")
def _live_server(redis) -> str:
    """This module's server replaces the package's (tests/e2e/conftest.py)."""
    env = {"REDIS_URL": redis.url, "CELERY_TASK_ALWAYS_EAGER": "0"}
    with uvicorn_server("e2e-redis-restart-server.log", processes=1, env=env) as (url, _):
        yield url


def test_live_updates_pause_with_redis_stopped_and_resume_by_themselves(
    new_page,
    arrivals,  # noqa: F811
    redis,
    console_errors,
):
    event = arrivals.event
    dashboard_url = reverse("matching:live", args=[event.slug])
    dashboard = new_page()
    login(dashboard, arrivals.watcher)
    open_live(dashboard, dashboard_url, ws(dashboard_url))
    arrived = dashboard.locator("#live-panel .big-number")
    paused = dashboard.locator("#live-paused")
    expect(arrived).to_have_text("1 / 3")
    expect(paused).to_be_hidden()

    redis.stop()
    expect(paused).to_be_visible(timeout=PAUSED)
    screenshot(dashboard, "redis-stopped-live-paused")

    # Meanwhile the desk works: the late buyer is checked in, and the page says so.
    desk = new_page()
    login(desk, arrivals.desk)
    desk.goto(reverse("events:checkin_desk", args=[event.slug]))
    field = desk.get_by_label(french("Badge code"))
    field.fill(arrivals.late.checkin_code)
    field.press("Enter")
    desk.locator("#checkin-result").get_by_text("Louise Retard").wait_for()
    arrivals.late.refresh_from_db()
    assert arrivals.late.checked_in_at is not None

    redis.start()
    expect(paused).to_be_hidden(timeout=RESUMED)
    # Read again from the database on reconnect: the arrival during the outage is counted.
    expect(arrived).to_have_text("2 / 3", timeout=LIVE)

    # And pushes flow again: the desk undoes the check-in, the open dashboard hears it.
    desk.once("dialog", lambda dialog: dialog.accept())
    desk.get_by_role("button", name=french("Undo the check-in")).click()
    expect(arrived).to_have_text("1 / 3", timeout=LIVE)
    assert dashboard.evaluate("window.sameDocument") is True
    screenshot(dashboard, "redis-restarted-live-resumed")
    # The browser's own reports of the sockets refused while Redis was away (a consumer that
    # closes before accepting is a 403 handshake), and htmx's log of their error events; nothing
    # else.
    expected = ("failed: Error during WebSocket handshake", "console: [object Event] ")
    assert all(
        error.startswith("console: WebSocket") or error.startswith(expected[1])
        for error in console_errors
    ), console_errors
    assert any(expected[0] in error for error in console_errors)
    console_errors.clear()
