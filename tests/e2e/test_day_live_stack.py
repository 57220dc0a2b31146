"""The day on the production paths, in two browsers: one person acts, another sees it without
reloading.

The server of this module is not the package's: daphne on a Redis database of its own
(channels_redis layer, Celery broker and cache: REDIS_URL), tasks NOT eager, and a real Celery
worker of the project's app on the test database, sending through a local SMTP server
(tests/notifications/smtp_sink.py). So a hint goes from the server's sender thread through Redis
to the sockets, and an email goes from the outbox row through the broker to the worker, whose
"sent" tells the recipient's open pages through Redis again.

1. The check-in desk checks the late partner in: another organiser's live dashboard counts the
   arrival and the table's meeting has both sides; the person waiting at that table no longer
   sees "partner absent" on their agenda.
2. A structure alone at its table says its partner is not here and meets someone free: that
   person's agenda shows the meeting, the dashboard lists the re-paired no-show, and the worker
   sends the booking email, whose "sent" puts it in the notification count of the open page.
3. A seat holder posts an idea on a workshop's board: another sees it appear and votes; the
   author sees the vote count, the voter their budget.

Each page waits until its live socket is open before the other acts (`open_live`): what happens
before the socket is open is read on (re)connect, not pushed, and would not test the push.
"""

import os
import time
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from accounts.models import Theme
from events import groups as checkin_groups
from events.enums import RegistrationRole, SessionKind
from matching import emails as matching_emails
from matching import groups
from notifications import services
from notifications.enums import MessageState
from notifications.models import OutboxMessage
from tests.e2e.conftest import PHONE, login, require_postgresql, screenshot
from tests.factories import (
    BuyerOrganisationFactory,
    EventFactory,
    MembershipFactory,
    OrganisationFactory,
    RegistrationFactory,
    SeatFactory,
    SessionFactory,
    UserFactory,
)
from tests.live import celery_worker, daphne_server, email_env, spare_redis
from tests.matching.day_world import live_day, meet
from tests.notifications.smtp_sink import SmtpSink
from workshops.services import save_workshop

pytestmark = pytest.mark.e2e

STACK_REDIS_DB = 11  # a database of the test Redis of this module's own (tests/live.py)
LIVE = 5_000  # ms: a hint through Redis, a fetch; "within a second", with room for a loaded CI
WORKER = 20_000  # ms: the broker, the worker, the SMTP server, then a hint back through Redis

# Every htmx websocket that opens, by its ws-connect path: added before the page's own scripts.
RECORD_OPEN_SOCKETS = """
window.openSockets = [];
document.addEventListener("htmx:wsOpen", (event) => {
  window.openSockets.push(event.target.getAttribute("ws-connect"));
});
"""


# --- the stack --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker):
    require_postgresql()
    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs Redis: run through `python -m tests.stack -- pytest tests/e2e`")
    with (
        SmtpSink() as sink,
        spare_redis(STACK_REDIS_DB) as redis_url,
        celery_worker(
            "e2e-stack-worker.log", {"REDIS_URL": redis_url, **email_env(sink.port)}
        ) as worker,
        daphne_server(
            "e2e-stack-server.log",
            env={"REDIS_URL": redis_url, "CELERY_TASK_ALWAYS_EAGER": "0"},
        ) as url,
    ):
        yield SimpleNamespace(url=url, sink=sink, worker=worker, redis_url=redis_url)


@pytest.fixture(scope="module")
def _live_server(stack) -> str:
    """This module's server replaces the package's (tests/e2e/conftest.py)."""
    return stack.url


# --- helpers ----------------------------------------------------------------------------------


def french(message: str) -> str:
    with translation.override("fr"):
        return gettext(message)


def open_live(page, url: str, *sockets: str) -> None:
    """Go to `url` and wait until its live sockets (their ws-connect paths) are open."""
    page.add_init_script(RECORD_OPEN_SOCKETS)
    page.goto(url)
    for socket in sockets:
        page.wait_for_function(
            "socket => window.openSockets.includes(socket)", arg=socket, timeout=LIVE
        )
    page.evaluate("window.sameDocument = true")


def assert_pushed(page) -> None:
    """What the page shows now came over its open sockets: the same document as `open_live`
    loaded (no reload, no navigation) and no socket opened twice (a reconnect re-renders from
    the database, which would show the change without any push)."""
    assert page.evaluate("window.sameDocument") is True
    opened = page.evaluate("window.openSockets")
    assert len(opened) == len(set(opened)), opened


def redis_groups(stack) -> set[str]:
    """The channel layer's groups in this module's Redis database (channels_redis keys them
    "asgi:group:<name>"): where the server's sockets are, if its layer is Redis."""
    import redis

    client = redis.Redis.from_url(stack.redis_url)
    try:
        return {key.decode().removeprefix("asgi:group:") for key in client.scan_iter("asgi:*")}
    finally:
        client.close()


def wait_until(condition, *, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(0.1)


def ws(url: str) -> str:
    return "/ws" + url


def person(event, organisation, role, **user):
    membership = MembershipFactory(organisation=organisation, role="admin", **user)
    return RegistrationFactory(
        event=event, user=membership.user, organisation=organisation, role=role
    )


# --- 1. check-in -------------------------------------------------------------------------------


@pytest.fixture
def arrivals(live_url):
    event = EventFactory(slug="osez-lille", title="Osez l'ESS à Lille")
    world = live_day(event)  # the slot under way started 7 minutes ago (no-shows: after 5)
    world.desk = UserFactory(first_name="Jeanne", last_name="Accueil")
    world.watcher = UserFactory(first_name="Paul", last_name="Coordination")
    event.organisers.add(world.desk, world.watcher)
    world.structure = person(
        event, OrganisationFactory(name="Cuisine Solidaire"), RegistrationRole.ESS
    )
    world.late = person(
        event,
        BuyerOrganisationFactory(name="Ville de Roubaix"),
        RegistrationRole.BUYER,
        user__first_name="Louise",
        user__last_name="Retard",
    )
    person(event, BuyerOrganisationFactory(name="CHU de Lille"), RegistrationRole.BUYER)
    meet(world.late, world.structure, world.current, world.tables[0])
    # The desk is open: the structure came on time, the buyer has not arrived.
    world.structure.checked_in_at, world.structure.checked_in_by = timezone.now(), world.desk
    world.structure.save(update_fields=["checked_in_at", "checked_in_by"])
    return world


def test_check_in_at_the_desk_reaches_the_dashboard_and_the_agenda_live(new_page, arrivals, stack):
    event = arrivals.event
    dashboard_url = reverse("matching:live", args=[event.slug])
    agenda_url = reverse("matching:agenda", args=[event.slug])

    dashboard = new_page()
    login(dashboard, arrivals.watcher)
    open_live(dashboard, dashboard_url, ws(dashboard_url))
    arrived = dashboard.locator("#live-panel .big-number")
    table = dashboard.locator("#live-panel tr").filter(has_text="T01")
    expect(arrived).to_have_text("1 / 3")
    expect(table).to_contain_text("Ville de Roubaix")
    expect(table.locator(".badge-warn")).to_be_visible()

    waiting = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    login(waiting, arrivals.structure.user)
    open_live(waiting, agenda_url, ws(agenda_url))
    now = waiting.locator(".now-meeting")
    expect(now.get_by_text(french("Partner absent"))).to_be_visible()
    assert {
        checkin_groups.checkins(event.pk),
        groups.agenda(arrivals.structure.pk),
    } <= redis_groups(stack)

    desk = new_page()
    login(desk, arrivals.desk)
    desk.goto(reverse("events:checkin_desk", args=[event.slug]))
    field = desk.get_by_label(french("Badge code"))
    field.fill(arrivals.late.checkin_code)
    field.press("Enter")
    desk.locator("#checkin-result").get_by_text("Louise Retard").wait_for()

    expect(arrived).to_have_text("2 / 3", timeout=LIVE)
    expect(table.locator(".badge-warn")).to_have_count(0, timeout=LIVE)
    expect(table.get_by_text(french("Both here"))).to_be_visible()
    screenshot(dashboard, "stack-dashboard-arrival")
    expect(now.get_by_text(french("Partner absent"))).to_have_count(0, timeout=LIVE)
    expect(now.get_by_role("button", name=french("We are here"))).to_be_visible()
    screenshot(waiting, "stack-agenda-partner-arrived-phone")

    desk.once("dialog", lambda dialog: dialog.accept())
    desk.get_by_role("button", name=french("Undo the check-in")).click()
    expect(arrived).to_have_text("1 / 3", timeout=LIVE)
    expect(now.get_by_text(french("Partner absent"))).to_be_visible(timeout=LIVE)
    for page in (dashboard, waiting):
        assert_pushed(page)


# --- 2. a no-show, a re-pairing, the booking email -------------------------------------------


@pytest.fixture
def no_show(live_url):
    event = EventFactory(slug="osez-lille", title="Osez l'ESS à Lille")
    world = live_day(event)
    world.organiser = UserFactory(first_name="Jeanne", last_name="Accueil")
    event.organisers.add(world.organiser)
    world.structure = person(
        event, OrganisationFactory(name="Cuisine Solidaire"), RegistrationRole.ESS
    )
    world.absent = person(
        event, BuyerOrganisationFactory(name="Ville de Roubaix"), RegistrationRole.BUYER
    )
    world.free = person(
        event,
        BuyerOrganisationFactory(name="CHU de Lille"),
        RegistrationRole.BUYER,
        user__email="achats@chu-lille.example",
    )
    meet(world.absent, world.structure, world.current, world.tables[0])
    return world


def test_partner_absent_and_a_replacement_booked_reach_the_other_agenda_and_the_worker(
    new_page, no_show, stack
):
    event = no_show.event
    agenda_url = reverse("matching:agenda", args=[event.slug])
    dashboard_url = reverse("matching:live", args=[event.slug])

    other = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    login(other, no_show.free.user)
    open_live(other, agenda_url, ws(agenda_url), "/ws/notifications/")
    badge = other.locator("#notification-badge")
    expect(badge.locator(".badge")).to_have_count(0)
    expect(other.locator(".now-meeting")).to_have_count(0)

    dashboard = new_page()
    login(dashboard, no_show.organiser)
    open_live(dashboard, dashboard_url, ws(dashboard_url))
    expect(dashboard.locator("#live-no-shows")).to_have_count(0)

    phone = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    login(phone, no_show.structure.user)
    phone.goto(agenda_url)
    phone.get_by_role("button", name=french("My partner is not here")).click()
    expect(dashboard.locator("#live-panel")).to_contain_text(french("Partner absent"), timeout=LIVE)
    meet_someone = phone.get_by_role("link", name=french("Meet someone else now"))
    meet_someone.click()
    phone.get_by_role("button", name="Rencontrer CHU de Lille maintenant").click()
    phone.wait_for_url(f"**{agenda_url}")
    expect(phone.locator(".now-meeting")).to_contain_text("CHU de Lille")

    expect(other.locator(".now-meeting")).to_contain_text("Cuisine Solidaire", timeout=LIVE)
    expect(other.locator(".now-meeting")).to_contain_text("T01")
    no_shows = dashboard.locator("#live-panel").locator("li").filter(has_text="Ville de Roubaix")
    expect(no_shows).to_contain_text(french("re-paired"), timeout=LIVE)
    screenshot(dashboard, "stack-dashboard-re-paired")

    # The worker: the booking email leaves the outbox, reaches the SMTP server, and its "sent"
    # (sent from the worker's process) updates the count of the open page through Redis.
    expect(badge.locator(".badge")).to_have_text("1", timeout=WORKER)
    screenshot(other, "stack-agenda-new-partner-notified-phone")
    booked = OutboxMessage.objects.get(kind=matching_emails.BOOKED, recipient=no_show.free.user)
    wait_until(
        lambda: OutboxMessage.objects.get(pk=booked.pk).state == MessageState.SENT,
        what="the booking email marked sent",
        timeout=WORKER / 1000,
    )
    assert (booked.to, services.message_id(booked)) in stack.sink.per_recipient_and_id()
    assert booked.to == "achats@chu-lille.example"
    assert "notifications.send[" in stack.worker.log_path.read_text()
    for page in (other, dashboard):
        assert_pushed(page)


# --- 3. an idea board ------------------------------------------------------------------------


@pytest.fixture
def board(live_url):
    import datetime as dt

    event = EventFactory(slug="osez-lille", title="Osez l'ESS à Lille")
    world = live_day(event)
    now = timezone.now()
    session = SessionFactory(
        event=event,
        kind=SessionKind.WORKSHOP,
        title="Alimentation durable",
        starts_at=now - dt.timedelta(minutes=30),
        ends_at=now + dt.timedelta(minutes=60),
    )
    world.workshop = save_workshop(
        session=session, theme=Theme.objects.get(code="food"), capacity=30
    )
    world.people = []
    for first in ("Alice", "Bruno"):
        registration = RegistrationFactory(
            event=event, user=UserFactory(first_name=first, last_name="Martin")
        )
        SeatFactory(workshop=world.workshop, registration=registration)
        world.people.append(registration.user)
    return world


def test_an_idea_posted_and_voted_reaches_the_other_participant_live(new_page, board):
    event, workshop = board.event, board.workshop
    (alice, bruno) = board.people
    board_url = reverse("workshops:board", args=[event.slug, workshop.pk])

    reader = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    login(reader, bruno)
    open_live(reader, board_url, ws(board_url))

    author = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    login(author, alice)
    open_live(author, board_url, ws(board_url))
    author.get_by_label("Votre idée en quelques mots").fill("Vélos cargos pour les livraisons")
    author.get_by_role("button", name="Publier mon idée").click()
    author.get_by_text("Votre idée est sur le mur.").wait_for()

    title = "Vélos cargos pour les livraisons"
    expect(reader.get_by_role("heading", name=title)).to_be_visible(timeout=LIVE)
    reader.locator("#idea-board").get_by_role("button", name=f"+1 vote — {title}").click()
    expect(reader.locator("#idea-board")).to_contain_text("Il vous reste 2 votes sur 3.")

    card = author.locator(".idea-card").filter(has=author.get_by_role("heading", name=title))
    expect(card.locator(".idea-votes")).to_have_text("1 vote", timeout=LIVE)
    screenshot(author, "stack-idea-board-voted-phone")
    for page in (reader, author):
        assert_pushed(page)
