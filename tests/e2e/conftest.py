"""The browser harness: the real ASGI app (daphne) on the test database, driven by headless Chromium.

How to write an e2e test (tests/e2e/test_<flow>.py)::

    import pytest
    from django.urls import reverse

    from tests.e2e.conftest import login, screenshot
    from tests.factories import EventFactory

    pytestmark = pytest.mark.e2e

    def test_event_page_shows_the_title(page, django_user_model):
        event = EventFactory(title="Osez l'ESS")           # committed: the server sees it
        page.goto(reverse("events:detail", args=[event.slug]))   # relative to the live server
        assert page.locator("h1").inner_text() == "Osez l'ESS"
        screenshot(page, "event-page")                      # test-artifacts/event-page.png

Fixtures:

- `live_url`: "http://127.0.0.1:PORT" of a daphne process serving `config.asgi:application` (HTTP and
  websockets) on the TEST database, started once for tests/e2e. It brings `transactional_db` with
  `django_db_serialized_rollback`: what the test writes with the ORM or factories is committed,
  so the server sees it, and the tables are emptied after the test then refilled with what the
  migrations loaded (themes, territories). Do NOT add a `django_db` marker: it would override that.
  The server runs with TESTING=1 (no login rate limits, static files from the apps) and Celery
  tasks run eagerly inside it; its output goes to test-artifacts/e2e-server.log.
  test_day_live_stack.py instead runs the production paths: its own daphne on a Redis database of
  its own (channel layer, broker, cache), tasks not eager, a real Celery worker and an SMTP sink.
- `page`: a fresh browser context per test (French locale, 1280x900, `base_url=live_url`, so
  `page.goto("/...")` works). `phone_page`: the same at 390x844 with touch. Both fail the test at
  teardown if the page logged a console error or an uncaught exception (a CSP violation shows up
  there too); a test that expects one calls `console_errors.clear()`. A failing test leaves a
  screenshot in test-artifacts/failed-<test>.png.
- `browser`: Chromium, one for all the e2e tests; `new_page(viewport=..., locale=...)` for more pages
  (e.g. a second user at the same time) — the fixture closes their contexts.
- `login(page, user)`: logs the person in by setting a session cookie (fast, no password needed);
  `login(page, user, password="...")` goes through the real login form instead.

Playwright's sync API keeps an event loop running in the main thread, where Django refuses ORM
calls; DJANGO_ALLOW_ASYNC_UNSAFE is set only while the browser is up (package scope), so the rest of
the suite keeps Django's async-safety checks. The tests need the PostgreSQL of tests/stack.py (the
server is another process and cannot see an in-memory SQLite database):

    .venv/bin/python -m tests.stack -- .venv/bin/python -m pytest tests/e2e
"""

import contextlib
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.live import ARTIFACTS, daphne_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


# --- the server -------------------------------------------------------------------------------


def require_postgresql() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip(
            "e2e tests need PostgreSQL (the server process cannot see an in-memory SQLite test "
            "database): run them through `python -m tests.stack -- pytest tests/e2e`"
        )


@pytest.fixture(scope="package")
def _live_server(django_db_setup, django_db_blocker) -> Iterator[str]:
    """The package's server. A module that needs another one (its own environment: see
    test_day_live_stack.py) overrides this fixture with a module-scoped one."""
    require_postgresql()
    # The page cache on, as in production (core/pagecache.py): every test that changes data and
    # looks again sees it, through the cache's invalidation.
    with daphne_server("e2e-server.log", env={"PAGE_CACHE_SECONDS": "30"}) as url:
        yield url


@pytest.fixture(scope="package")
def _serialized_contents(django_db_setup, django_db_blocker) -> dict:
    """What the migrations loaded (themes, territories), as serialized for rollback, read BEFORE
    Playwright starts its event loop: inside that loop Django hands out other connection objects
    (its connections are context-local), which do not carry these contents."""
    from django.db import connections

    return {
        alias: getattr(connections[alias], "_test_serialized_contents", None)
        for alias in connections
    }


@pytest.fixture
def _restore_serialized_contents(_serialized_contents) -> None:
    from django.db import connections

    for alias, contents in _serialized_contents.items():
        if contents is not None:
            connections[alias]._test_serialized_contents = contents


@pytest.fixture
def live_url(
    _live_server, _restore_serialized_contents, transactional_db, django_db_serialized_rollback
) -> str:
    return _live_server


# --- the browser ------------------------------------------------------------------------------


@pytest.fixture(scope="package")
def _playwright(_serialized_contents) -> Iterator:
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            yield playwright
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def browser(_playwright):
    browser = _playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def console_errors() -> list[str]:
    """Console errors and uncaught exceptions of the test's pages; must be empty at the end."""
    return []


_failed_key = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Remember whether the test itself failed, for the screenshot taken at teardown."""
    report = yield
    if report.when == "call":
        item.stash[_failed_key] = report.failed
    return report


def _record_console_error(message, errors: list[str]) -> None:
    if message.type != "error":
        return
    url = message.location.get("url", "")
    errors.append(f"console: {message.text} ({url})")


@pytest.fixture
def new_page(request, browser, live_url, console_errors) -> Iterator[Callable]:
    """Open a page in a fresh context (own cookies); every one is checked and closed at the end."""
    contexts = []

    def open_page(*, viewport=DESKTOP, locale="fr-FR", **options):
        context = browser.new_context(
            base_url=live_url, viewport=viewport, locale=locale, **options
        )
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda message: _record_console_error(message, console_errors))
        page.on("pageerror", lambda error: console_errors.append(f"page error: {error}"))
        return page

    yield open_page
    if request.node.stash.get(_failed_key, False):
        name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name)
        for n, context in enumerate(contexts):
            for m, page in enumerate(context.pages):
                with contextlib.suppress(Exception):
                    page.screenshot(path=ARTIFACTS / f"failed-{name}-{n}{m}.png", full_page=True)
    for context in contexts:
        context.close()
    assert console_errors == [], "the pages logged errors (CSP violation? broken script?)"


@pytest.fixture
def page(new_page):
    """A desktop page (1280x900, French) on the live server: `page.goto("/")`."""
    return new_page()


@pytest.fixture
def phone_page(new_page):
    """A phone-sized page (390x844, touch, French) on the live server."""
    return new_page(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)


# --- helpers ----------------------------------------------------------------------------------


def login(page, user, *, password: str | None = None) -> None:
    """Log `user` in on this page's context.

    Without a password: a session is created in the database and its cookie set (like the test
    client's force_login). With one: through the real login form (the user needs a verified
    email address, which tests.factories.UserFactory gives).
    """
    from django.conf import settings
    from django.test import Client

    if password is None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": cookie.value,
                    "domain": "127.0.0.1",  # the live server
                    "path": "/",
                }
            ]
        )
        return
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", password)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def screenshot(page, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot as test-artifacts/<name>.png (the folder is ignored by git)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=path, full_page=full_page)
    return path
