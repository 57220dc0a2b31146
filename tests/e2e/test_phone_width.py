"""Every page fits a 390 px phone: no page is wider than the screen, for every role, on the demo day.

The walk: each role (anonymous, the demo buyer, the demo ESS structure, the demo organiser), in
French and in English, starts from the home page and "My space" and follows every link it is
shown, plus the few pages no link leads to in the demo's state (`seeds`); one page per named URL and role is enough. It runs twice: in
the demo's own phase (interest and meeting requests), then after the organiser has run the engine
and published two versions (the console's grid, per participant, version comparison, agendas).
Then every named URL of the project must have been visited by some role, or be a POST-only action
(detected from the view), or be listed in NOT_WALKED with the reason (downloads...): a new page that
no walk reaches fails the test until it is linked, seeded or explained.
"""

import io
import threading

import pytest
from django.core.management import call_command
from django.urls import Resolver404, get_resolver, resolve, reverse

from tests.e2e.conftest import PHONE, login, screenshot
from tests.test_access_completeness import named_patterns

pytestmark = pytest.mark.e2e

# French first (the default), then English: its words are longer in places.
LOCALES = ("fr-FR", "en-GB")
ROLES = {
    "anonymous": None,
    "buyer": "acheteur@osez.demo",
    "ess": "structure@osez.demo",
    "organiser": "organisatrice@osez.demo",
}
# Named URLs the walk cannot reach, with the reason.
NOT_WALKED = {
    "healthz": "plain text for load balancers",
    "set_language": "the language switch (a POST from every page's header)",
    "accounts:data_export": "a JSON download",
    "accounts:organisation_logo": "an image; no demo organisation has a logo",
    "accounts:invitation_accept": "needs an emailed invitation token; the demo has none",
    "pitches:attachment": "a file download; the demo has no attachment",
    "pitches:log_csv": "a CSV download",
    "pitches:trace_csv": "a CSV download",
    "pitches:trace_pdf": "a PDF download",
    "events:export": "a CSV or XLSX download",
    "events:my_badge_pdf": "a PDF download",
    "matching:agenda_pdf": "a PDF download",
    "matching:print_download": "a PDF download (the demo has no print job run)",
    "matching:print_status": "the print job's progress, a fragment polled by htmx",
    "matching:buyer_indicators_file": "a CSV or XLSX download",
    "events:calendar_feed": "a calendar file (text/calendar), opened by calendar apps via webcal://",
    "events:programme_feed": "a calendar file (text/calendar)",
    "matching:meeting_ics": "a calendar file (text/calendar) download",
    "workshops:board_csv": "a CSV download",
    "events:import_template": "the import template, a CSV or XLSX download "
    "(tests/e2e/test_import.py walks the import at 390 px)",
    "workshops:board_markdown": "a Markdown download",
    "events:feedback": "open from the event's first day to 30 days after its last; the demo "
    "event (2019) is long past (tests/events/test_emails.py posts the form)",
    "matching:screen": "a venue screen's secret link, made by the organisers (no demo screen); "
    "tests/matching/test_screen.py renders it",
    "service_worker": "the offline agenda's service worker (JavaScript, /sw.js)",
    "matching:live_panel": "the live dashboard's panel, fetched by the dashboard page itself",
    "matching:statistics_chart": "an SVG image of the statistics page (not shown at 390 px: the "
    "table beside it gives the same figures); tests/matching/test_statistics.py fetches each",
    "matching:screen_board": "the venue screen's board, fetched by the screen itself",
    "notifications:unsubscribe": "needs an emailed signed token; the page is the small form of "
    "templates/notifications/unsubscribe.html",
    "matching:meeting_replace": "on the day only, during a slot whose partner is absent; the demo "
    "day is not live (tests/e2e/test_day_meetings.py walks it at 390 px)",
    "matching:follow_up": "exists once a meeting's outcome plans a follow-up; the demo day is not "
    "live (tests/e2e/test_after_the_day_phone.py walks it at 390 px)",
    "matching:meeting_outcome": "once a meeting of a live or closed event has ended; the demo "
    "day is not live (tests/e2e/test_day_meetings.py links to it)",
}
SKIPPED_PREFIXES = ("/admin/", "/static/", "/media/", "/i18n/")


def _post_only(callback) -> bool:
    """The view refuses GET (require_POST / require_http_methods(["POST"]))."""
    view = callback
    while view is not None:
        for cell in getattr(view, "__closure__", None) or ():
            try:
                contents = cell.cell_contents
            except ValueError:
                continue
            if isinstance(contents, list | tuple) and list(contents) == ["POST"]:
                return True
        view = getattr(view, "__wrapped__", None)
    return False


def _url_name(path: str) -> str | None:
    try:
        match = resolve(path.split("?")[0])
    except Resolver404:
        return None
    return match.view_name


def _post_only_names() -> set[str]:
    names = set()

    def walk(resolver, namespace=""):
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                ns = pattern.namespace
                walk(pattern, f"{namespace}{ns}:" if ns else namespace)
            elif pattern.name and _post_only(pattern.callback):
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver())
    return names


def walk(page, start: list[str], console_errors: list[str]) -> dict[str, tuple[str, int]]:
    """Visit every page reachable from `start` by links, one per URL name: {name: (path, width)}.
    A refusal page's own status is not an error of the page (console_errors keeps the others)."""
    widths: dict[str, tuple[str, int]] = {}
    queue, seen = list(start), set()
    while queue:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        name = _url_name(path)
        if name is None or name in widths:
            continue
        # Pages, refusals (403, 409) included; not redirects, downloads or images.
        response = page.request.get(path, max_redirects=0)
        if 300 <= response.status < 400 or "text/html" not in response.headers.get(
            "content-type", ""
        ):
            continue
        page.goto(path)
        if response.status != 200:
            address = page.url
            console_errors[:] = [e for e in console_errors if not e.endswith(f"({address})")]
        width = page.evaluate("document.documentElement.scrollWidth")
        widths[name] = (path, width)
        if width > PHONE["width"]:
            locale = page.evaluate("document.documentElement.lang")
            screenshot(page, f"too-wide-{locale}-{name.replace(':', '-')}")
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        origin = page.evaluate("location.origin")
        for href in hrefs:
            if not href.startswith(origin + "/"):
                continue
            local = href[len(origin) :].split("#")[0]
            if local and not local.startswith(SKIPPED_PREFIXES) and local not in seen:
                queue.append(local)
    return widths


def seeds(role: str) -> list[str]:
    """Pages of the role that no link leads to in the demo's current state."""
    from events.models import Event
    from matching.models import MeetingRequest
    from pitches.models import Pitch

    event = Event.objects.get()
    slug = event.slug
    paths = ["/", reverse("accounts:dashboard")]
    # The event page fetches this section with htmx (its link stands in without JavaScript).
    paths.append(reverse("workshops:leads", args=[slug]))
    if role == "buyer":
        own = Pitch.objects.filter(status="published", author__email=ROLES["buyer"])
        paths += [
            # with an unanswered question: "Answer for all" is one of its links
            reverse("pitches:detail", args=[own.filter(questions__answer="").first().pk]),
            reverse("pitches:mine", args=[slug]),
            reverse("pitches:create", args=[slug]),
            # linked from the event page once the day has come
            reverse("matching:follow_ups", args=[slug]),
            reverse("events:register", args=[slug]),
        ]
        pending = MeetingRequest.objects.filter(
            recipient__user__email=ROLES["buyer"], status="pending"
        ).first()
        if pending is not None:
            paths += [
                reverse("matching:request_accept", args=[slug, pending.pk]),
                reverse("matching:request_decline", args=[slug, pending.pk]),
            ]
        accepted = MeetingRequest.objects.filter(
            recipient__user__email=ROLES["buyer"], status="accepted"
        ).first()
        if accepted is not None:
            paths.append(reverse("matching:request_book", args=[slug, accepted.pk]))
    if role == "ess":
        pitch = Pitch.objects.filter(status="published", interests__author__email=ROLES["ess"])
        paths += [
            reverse("events:register", args=[slug]),
            reverse("pitches:question_ask", args=[pitch.first().pk]),
        ]
    if role == "organiser":
        from workshops.models import Workshop

        workshop = Workshop.objects.filter(session__event=event).first()
        paths += [
            # an idea board, as its facilitators and the organisers see it (moderation included)
            reverse("workshops:board", args=[slug, workshop.pk]),
            reverse("events:create"),
            reverse("events:tables_bulk", args=[slug]),
            reverse("pitches:organiser_list", args=[slug]),
        ]
        unscheduled = MeetingRequest.objects.filter(
            event=event, status="accepted", meeting__isnull=True
        ).first()
        if unscheduled is not None:
            paths.append(reverse("matching:request_place", args=[slug, unscheduled.pk]))
    return paths


def self_service_booking() -> None:
    """Participants book their accepted meetings themselves: the booking page is then linked."""
    from accounts.models import User
    from events.models import Event
    from matching.services import requests

    requests.update_settings(
        event=Event.objects.get(),
        by=User.objects.get(email=ROLES["organiser"]),
        booking_mode="self_service",
        max_requests_per_participant=None,
    )


def publish_two_versions() -> None:
    """The organiser moves the demo to scheduling, runs the engine, publishes, takes one meeting
    out and publishes again (so that two versions can be compared)."""
    from accounts.models import User
    from events import services as events_services
    from events.models import Event
    from matching.models import Meeting
    from matching.services import schedule

    organiser = User.objects.get(email=ROLES["organiser"])
    event = events_services.move_phase(
        event=Event.objects.get(), to_phase="scheduling", by=organiser
    )
    run = schedule.start_run(event=event, by=organiser)
    schedule.execute_run(run_id=run.pk, time_limit=5)
    schedule.publish_schedule(event=event, by=organiser)
    schedule.unschedule_meeting(meeting=Meeting.objects.order_by("pk").first(), by=organiser)
    schedule.publish_schedule(event=event, by=organiser)


def outside_the_browser_loop(function) -> None:
    """Run a write in its own thread: services broadcast on commit through async_to_sync, which
    refuses the thread where Playwright's event loop runs."""
    from django.db import connection

    errors = []

    def run():
        try:
            function()
        except Exception as error:  # re-raised in the test's thread
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


def test_every_page_fits_a_phone_for_every_role(new_page, live_url, console_errors):
    from accounts.models import User

    outside_the_browser_loop(lambda: call_command("load_demo", stdout=io.StringIO()))
    outside_the_browser_loop(self_service_booking)
    pages = {}  # (role, locale) -> a logged-in phone page
    for role, email in ROLES.items():
        for locale in LOCALES:
            page = new_page(
                viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=1, locale=locale
            )
            if email:
                login(page, User.objects.get(email=email))
            pages[role, locale] = page

    rows = []  # (state, role, locale, url name, path, width)
    for state in ("requests", "two versions published"):
        if state == "two versions published":
            outside_the_browser_loop(publish_two_versions)
        for (role, locale), page in pages.items():
            for name, (path, width) in walk(page, seeds(role), console_errors).items():
                rows.append((state, role, locale, name, path, width))

    too_wide = [row for row in rows if row[-1] > PHONE["width"]]
    reached = {row[3] for row in rows}
    not_reached = set(named_patterns()) - reached - _post_only_names() - set(NOT_WALKED)

    assert too_wide == []
    assert " ".join(sorted(not_reached)) == "", "pages no role reached: link, seed or say why"
    assert len(reached) > 60
