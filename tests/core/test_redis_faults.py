"""Redis stopped, then started again, during live use, with real processes: daphne serving the app
on PostgreSQL and on a redis-server of the test's own (channel layer, Celery broker, cache), tasks
NOT eager (they go to the broker, as in production), allauth's rate limits on.

- With Redis stopped, every page of every role (the demo, walked by its links) answers without a
  5xx, and the main write actions succeed, are committed and say so: logging in (a wrong password
  several times: the throttle still counts and refuses), signing up, expressing interest, asking
  a question, answering it, requesting a meeting, accepting it, booking a slot, taking a workshop
  seat, checking someone in, starting a scheduling run, publishing.
- A scheduling run started while the broker was down stays queued, and runs once its task is
  queued again with Redis back (what the sweep of waiting runs does).
- Redis's append-only file keeps a queued Celery message through a restart (SIGTERM, then started
  on the same directory); without it, the message is lost.

Each protection has its control, the same scenario with the protection off, which shows the
fault: Django's plain RedisCache (login: 500), the raw `.delay()` on commit (accepting a request
and answering a question: 500), Redis without its append-only file (the message lost).

The live sockets' pause and resume in a browser: tests/e2e/test_redis_restart.py.
"""

import contextlib
import html
import http.client
import io
import os
import re
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.live import RedisServer, broker_at, celery_worker, daphne_server, redis_server
from tests.matching.schedule_world import make_world
from tests.notifications.conftest import interest, pitch, question  # noqa: F401

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _real_stack():
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get(
        "REDIS_URL"
    ):
        pytest.skip("needs the real PostgreSQL and Redis: run through `python -m tests.stack`")


# --- a browser without a browser: cookies, redirects, forms ------------------------------------


class Form(HTMLParser):
    """The fields of the form whose action is `action` on a page, with their default values, as
    a browser would submit them (hidden inputs, checked boxes, selected options, text areas), and
    the first choice of radio groups left unchosen."""

    def __init__(self, page: str, action: str, *, at: str) -> None:
        super().__init__()
        self.action, self.at, self.inside, self.found = action, at, False, False
        self.fields: list[tuple[str, str]] = []
        self.select: str | None = None
        self.options: list[tuple[str, bool]] = []
        self.textarea: str | None = None
        self.radios: dict[str, str] = {}  # name: first value
        self.feed(page)
        # A radio group left unchosen: its first choice, as a person would pick one.
        named = {name for name, _ in self.fields}
        self.fields += [(name, value) for name, value in self.radios.items() if name not in named]

    def handle_starttag(self, tag, attrs):
        attrs = {key: value or "" for key, value in attrs}
        if tag == "form":
            # No action: the form posts to its page.
            self.inside = (urlsplit(attrs.get("action", "")).path or self.at) == self.action
            self.found |= self.inside
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind == "radio":
                self.radios.setdefault(name, attrs.get("value", ""))
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            if kind not in {"submit", "button", "file", "image", "reset"}:
                self.fields.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self.select, self.options = name, []
        elif tag == "option" and self.select:
            self.options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea" and name:
            self.textarea = name
            self.fields.append((name, ""))

    def handle_data(self, data):
        if self.textarea and self.fields and self.fields[-1][0] == self.textarea:
            text = self.fields[-1][1] + data
            self.fields[-1] = (self.textarea, text.removeprefix("\n"))  # as browsers read it

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select" and self.select:
            chosen = [value for value, selected in self.options if selected] or [
                value for value, _ in self.options if value
            ]
            if chosen:
                self.fields.append((self.select, chosen[0]))
            self.select = None


class Visitor:
    """One person's HTTP session with the live server: cookies kept, redirects followed, forms
    submitted with the page's own fields. Every response's status is recorded."""

    def __init__(self, base_url: str) -> None:
        self.base = base_url
        self.cookies: dict[str, str] = {}
        self.seen: list[tuple[str, str, int]] = []  # (method, path, status)

    def log_in_as(self, user) -> "Visitor":
        client = Client()
        client.force_login(user)  # a session in the database, as login() of the e2e harness
        self.cookies[settings.SESSION_COOKIE_NAME] = client.cookies[
            settings.SESSION_COOKIE_NAME
        ].value
        return self

    def request(self, method: str, path: str, fields=None) -> tuple[int, str, str]:
        """(status, final path, body) after redirects."""
        body = urlencode(fields or []) if method == "POST" else None
        for _ in range(8):
            host = urlsplit(self.base)
            connection = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
            headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
            headers["Accept-Language"] = "fr"
            if method == "POST":
                headers["Content-Type"] = "application/x-www-form-urlencoded"
                headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
                headers["Referer"] = self.base + path
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode(errors="replace")
            connection.close()
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";")[0]
            self.seen.append((method, path, response.status))
            location = response.getheader("Location")
            if response.status in (301, 302, 303) and location:
                method, body, path = "GET", None, urlsplit(urljoin(self.base + path, location))
                path = path.path + (f"?{path.query}" if path.query else "")
                continue
            return response.status, path, text
        raise AssertionError(f"too many redirects from {path}")

    def get(self, path: str) -> tuple[int, str]:
        status, _, text = self.request("GET", path)
        return status, text

    def submit(self, page: str, action: str, **values) -> tuple[int, str]:
        """GET `page`, fill the form posting to `action` with `values`, submit it."""
        status, text = self.get(page)
        assert status == 200, f"{page}: {status}"
        form = Form(text, action, at=page.split("?")[0])
        assert form.found, f"no form posting to {action} on {page}"
        fields = [(k, v) for k, v in form.fields if k not in values]
        fields += [(k, v) for k, value in values.items() for v in _listed(value)]
        status, _, text = self.request("POST", action, fields)
        return status, text

    def errors(self) -> list[tuple[str, str, int]]:
        return [row for row in self.seen if row[2] >= 500]


def _listed(value) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]


def flashes(page: str) -> list[str]:
    """The page's flash messages (templates/base.html's messages list), as text."""
    items = re.findall(r'<p class="message message-[^"]*">(.*?)</p>', page, re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", item)).split()) for item in items]


# --- the stack: a Redis of the test's own, daphne on it ----------------------------------------


@contextlib.contextmanager
def live_stack(tmp_path, log_name: str, **env) -> Iterator[tuple[str, object]]:
    """(server URL, its Redis): daphne on a redis-server that the test may stop and start."""
    with redis_server(tmp_path, appendonly=True) as redis:
        server_env = {
            "REDIS_URL": redis.url,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "TEST_RATE_LIMITS": "1",
            **env,
        }
        with daphne_server(log_name, env=server_env) as url:
            yield url, redis


def demo():
    """The demo (its event in the interest and meeting requests phase), with self-service booking:
    the people and pages of tests/e2e/test_phone_width.py."""
    from accounts.models import User
    from events.models import Event
    from matching.services import requests

    call_command("load_demo", stdout=io.StringIO())
    event = Event.objects.get()
    requests.update_settings(
        event=event,
        by=User.objects.get(email="organisatrice@osez.demo"),
        booking_mode="self_service",
        max_requests_per_participant=None,
    )
    return event


def walk(visitor: Visitor, start: list[str]) -> set[str]:
    """Visit every page reachable from `start` by links, one per URL name (as the phone walk,
    tests/e2e/test_phone_width.py); the URL names reached."""
    from tests.e2e.test_phone_width import SKIPPED_PREFIXES, _url_name

    reached: set[str] = set()
    queue, seen = list(start), set()
    while queue:
        path = queue.pop(0)
        name = _url_name(path)
        if path in seen or name is None or name in reached or name == "account_logout":
            continue
        seen.add(path)
        status, text = visitor.get(path)
        reached.add(name)
        if status >= 500:
            continue
        for href in re.findall(r'<a [^>]*href="(/[^"#]*)', text):
            local = html.unescape(href)
            if not local.startswith(SKIPPED_PREFIXES) and local not in seen:
                queue.append(local)
    return reached


ROLES = {
    "anonymous": None,
    "buyer": "acheteur@osez.demo",
    "ess": "structure@osez.demo",
    "organiser": "organisatrice@osez.demo",
}


# --- Redis stopped: every page, every action ---------------------------------------------------


def test_with_redis_stopped_every_page_answers_and_every_action_succeeds_and_says_so(tmp_path):
    from accounts.models import Organisation, User
    from demo.data import DEMO_PASSWORD
    from events import services as event_services
    from events.models import Registration
    from matching.models import Meeting, MeetingRequest, ScheduleRun, ScheduleVersion
    from matching.services import schedule
    from pitches.models import Interest, Pitch, Question
    from tests.e2e.test_phone_width import seeds
    from workshops import services as workshop_services
    from workshops.models import Seat, Workshop, WorkshopPlan

    event = demo()
    slug = event.slug
    people = {role: User.objects.get(email=email) for role, email in ROLES.items() if email}
    buyer, ess, organiser = people["buyer"], people["ess"], people["organiser"]

    with live_stack(tmp_path, "redis-faults-walk.log") as (url, redis):
        visitors = {role: Visitor(url) for role in ROLES}
        for role, user in people.items():
            visitors[role].log_in_as(user)
        redis.stop()

        # Every page of every role, by its links.
        reached = {role: walk(visitors[role], seeds(role)) for role in ROLES}

        # Logging in: a wrong password five times, then the throttle refuses even the right one;
        # another person logs in.
        intruder = Visitor(url)
        login = reverse("account_login")
        for _ in range(5):
            status, text = intruder.submit(login, login, login=buyer.email, password="pas-le-bon")
            assert status == 200 and "errorlist" in text
        status, text = intruder.submit(login, login, login=buyer.email, password=DEMO_PASSWORD)
        throttled = (status, intruder.seen[-1][1])
        newcomer = Visitor(url)
        status, text = newcomer.submit(login, login, login=organiser.email, password=DEMO_PASSWORD)
        logged_in = (status, newcomer.seen[-1][1])

        # Signing up.
        stranger = Visitor(url)
        signup = reverse("account_signup")
        status, text = stranger.submit(
            signup,
            signup,
            email="nouvelle@exemple.fr",
            password1="Un-mot-de-passe-solide-42",
            password2="Un-mot-de-passe-solide-42",
            first_name="Nina",
            last_name="Nouvelle",
        )
        signed_up = status

        # The ESS structure expresses interest, asks a question; the buyer answers one.
        s, b, o = visitors["ess"], visitors["buyer"], visitors["organiser"]
        pitch = Pitch.objects.filter(status="published").exclude(interests__author=ess).first()
        interest_url = reverse("pitches:interest", args=[pitch.pk])
        _, interest_page = s.get(interest_url)
        screening = dict.fromkeys(re.findall(r'name="(answer_\d+)"', interest_page), "Oui")
        lot = re.search(
            r'name="lots"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="lots"', interest_page
        )
        lots = [next(filter(None, lot.groups()))] if lot else []
        interest = s.submit(interest_url, interest_url, lots=lots, **screening)
        followed = Pitch.objects.filter(interests__author=ess).first()
        ask_url = reverse("pitches:question_ask", args=[followed.pk])
        asked = s.submit(ask_url, ask_url, text="Quel volume par an ?")
        question = Question.objects.filter(pitch__author=buyer, answer="").first()
        answer_url = reverse("pitches:question_answer", args=[question.pk])
        answered = b.submit(answer_url, answer_url, answer="Cent tonnes")

        # The ESS structure requests a meeting; the buyer accepts one; the ESS books a slot.
        requested_orgs = MeetingRequest.objects.filter(sender__user=ess).values("recipient")
        other = (
            Organisation.objects.filter(kind="buyer", registrations__event=event)
            .exclude(registrations__in=requested_orgs)
            .exclude(memberships__user=buyer)
            .first()
        )
        request_url = reverse("matching:request_new", args=[slug, other.pk])
        requested = s.submit(request_url, request_url)
        pending = MeetingRequest.objects.filter(recipient__user=buyer, status="pending").first()
        accept_url = reverse("matching:request_accept", args=[slug, pending.pk])
        accepted = b.submit(accept_url, accept_url)
        mine = MeetingRequest.objects.get(sender__user=ess, status="accepted", meeting=None)
        book_url = reverse("matching:request_book", args=[slug, mine.pk])
        _, book_page = s.get(book_url)
        slot = re.search(r'name="slot"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="slot"', book_page)
        booked = s.submit(book_url, book_url, slot=next(filter(None, slot.groups())))

        # The organiser applies a seat assignment; the ESS structure leaves its seat and takes
        # it back; the organiser checks the structure in.
        plan = workshop_services.propose_seats(event=event, by=organiser)
        workshops_page = reverse("workshops:list", args=[slug])
        applied = o.submit(
            reverse("workshops:assignment", args=[slug]),
            reverse("workshops:apply", args=[slug, plan.pk]),
        )
        arriving = Registration.objects.filter(event=event, status="validated", user=ess).get()
        workshop = Workshop.objects.filter(session__event=event).order_by("pk").first()
        seated = s.submit(workshops_page, reverse("workshops:take", args=[slug, workshop.pk]))
        took = Seat.objects.filter(workshop=workshop, registration=arriving).exists()
        left = s.submit(workshops_page, reverse("workshops:leave", args=[slug, workshop.pk]))
        desk = reverse("events:checkin_desk", args=[slug]) + f"?q={ess.last_name}"
        checkin_url = reverse("events:checkin_registration", args=[slug, arriving.pk])
        checked_in = o.submit(desk, checkin_url)

        # The organiser starts a scheduling run (the broker is down: it stays queued), a worker
        # (here, the test) runs it, the organiser publishes.
        event_services.move_phase(event=event, to_phase="scheduling", by=organiser)
        console = reverse("matching:schedule", args=[slug])
        started = o.submit(console, reverse("matching:schedule_run", args=[slug]))
        run = ScheduleRun.objects.get(event=event)
        run_status = run.status
        schedule.execute_run(run_id=run.pk, time_limit=5)
        published = o.submit(console, reverse("matching:schedule_publish", args=[slug]))

        server_log = (settings.BASE_DIR / "test-artifacts" / "redis-faults-walk.log").read_text()

    errors = [row for v in (*visitors.values(), intruder, newcomer, stranger) for row in v.errors()]
    assert errors == [], server_log[-4000:]
    assert sum(len(names) for names in reached.values()) > 100, reached
    assert throttled == (200, login)  # refused: the throttle counted in the server's memory
    assert logged_in == (200, reverse("accounts:dashboard"))
    assert signed_up == 200 and User.objects.filter(email="nouvelle@exemple.fr").exists()
    for name, (status, text), expected in [
        ("interest", interest, Interest.objects.filter(author=ess, pitch=pitch).exists()),
        ("question", asked, Question.objects.filter(text="Quel volume par an ?").exists()),
        ("answer", answered, Question.objects.filter(answer="Cent tonnes").exists()),
        ("request", requested, MeetingRequest.objects.filter(sender__user=ess).count() == 2),
        ("accept", accepted, MeetingRequest.objects.get(pk=pending.pk).status == "accepted"),
        ("book", booked, Meeting.objects.filter(request=mine).exists()),
        ("assignment", applied, WorkshopPlan.objects.get(pk=plan.pk).applied_at is not None),
        ("seat", seated, took),
        ("leave", left, not Seat.objects.filter(registration=arriving).exists()),
        (
            "check-in",
            checked_in,
            Registration.objects.get(pk=arriving.pk).checked_in_at is not None,
        ),
        ("run", started, run_status == "queued"),
        ("publish", published, ScheduleVersion.objects.filter(event=event).exists()),
    ]:
        assert (name, status, expected) == (name, 200, True), flashes(text)
        assert flashes(text), f"{name}: the page says nothing"
    assert "cache unavailable" in server_log
    assert "queue: broker unavailable" in server_log


# --- in one process, with the protection on and off (the controls) ------------------------------

PLAIN_CACHE = "django.core.cache.backends.redis.RedisCache"
TOLERANT_CACHE = "core.cache.TolerantRedisCache"


@pytest.fixture
def redis_stopped(tmp_path, settings) -> Iterator[RedisServer]:
    """This process's cache, channel layer and Celery broker on a Redis of the test's own, which
    is stopped (SIGTERM) before the test acts; allauth's rate limits on."""
    with redis_server(tmp_path, appendonly=True) as redis:
        settings.CACHES = {"default": {"BACKEND": TOLERANT_CACHE, "LOCATION": redis.url}}
        settings.CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {"hosts": [redis.url]},
            }
        }
        settings.ACCOUNT_RATE_LIMITS = {}
        with broker_at(redis.url):
            redis.stop()
            yield redis


def raw_delay(monkeypatch) -> None:
    """The protection off: every task queued with a bare `.delay()`, as before core/queue.py."""
    from core import queue
    from notifications import services

    def delay(task, *args, **kwargs) -> bool:
        task.delay(*args, **kwargs)
        return True

    monkeypatch.setattr(queue, "queue_now", delay)
    monkeypatch.setattr(services, "queue_now", delay)


@pytest.mark.parametrize(
    ("backend", "outcome"),
    [(TOLERANT_CACHE, (302, "/")), (PLAIN_CACHE, (500, None))],
    ids=["tolerant-cache", "control-plain-redis-cache"],
)
def test_login_with_redis_stopped(redis_stopped, settings, buyer, backend, outcome):
    from django.contrib.auth import SESSION_KEY

    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": redis_stopped.url}}
    buyer.set_password("Un-mot-de-passe-solide-42")
    buyer.save()
    client = Client(raise_request_exception=False)

    response = client.post(
        reverse("account_login"), {"login": buyer.email, "password": "Un-mot-de-passe-solide-42"}
    )

    assert (response.status_code, response.get("Location")) == outcome
    assert (SESSION_KEY in client.session) is (outcome[0] == 302)


def test_login_throttle_counts_with_redis_stopped(redis_stopped, buyer, ess_member):
    """Five wrong passwords refuse the sixth attempt, the right password included; someone else
    still logs in. (With a cache that merely missed, allauth's lock was never taken: every login
    was refused with a 429 after a second.)"""
    for person in (buyer, ess_member):
        person.set_password("Un-mot-de-passe-solide-42")
        person.save()
    client = Client()
    login = reverse("account_login")

    wrong = [client.post(login, {"login": buyer.email, "password": "non"}) for _ in range(5)]
    right = client.post(login, {"login": buyer.email, "password": "Un-mot-de-passe-solide-42"})
    other = Client().post(
        login, {"login": ess_member.email, "password": "Un-mot-de-passe-solide-42"}
    )

    assert [r.status_code for r in wrong] == [200] * 5
    assert right.status_code == 200
    [refusal] = right.context["form"].errors.as_data()["__all__"]
    assert refusal.code == "too_many_login_attempts"
    assert other.status_code == 302


@pytest.mark.parametrize("protected", [True, False], ids=["queue-helper", "control-raw-delay"])
def test_answer_and_accept_with_the_broker_stopped(
    redis_stopped,
    monkeypatch,
    question,  # noqa: F811
    buyer,
    ess_member,
    protected,
):
    from matching.models import MeetingRequest
    from matching.services import requests as request_services

    event = question.pitch.event
    event.phase = "requests"
    event.save(update_fields=["phase"])
    meeting_request = request_services.send_request(
        sender=ess_member.registrations.get(event=event),
        recipient=buyer.registrations.get(event=event),
        by=ess_member,
    )
    client = Client(raise_request_exception=False)
    client.force_login(buyer)
    if not protected:
        raw_delay(monkeypatch)

    answered = client.post(
        reverse("pitches:question_answer", args=[question.pk]), {"answer": "Cent tonnes"}
    )
    accepted = client.post(
        reverse("matching:request_accept", args=[event.slug, meeting_request.pk])
    )

    question.refresh_from_db()
    statuses = (answered.status_code, accepted.status_code)
    # Committed either way: without the protection the person is told it failed although it
    # did not (the report).
    assert question.answer == "Cent tonnes"
    assert MeetingRequest.objects.get(pk=meeting_request.pk).status == "accepted"
    assert statuses == ((302, 302) if protected else (500, 500))


def test_a_run_started_with_the_broker_stopped_runs_once_its_task_is_queued_again(
    tmp_path, settings, event, organiser, caplog
):
    """Started while Redis is down: the organiser is told it started, the run stays queued (not
    failed, not lost). Redis back, the task queued again (what the sweep of waiting runs does,
    core/queue.py), a worker runs it."""
    from core.queue import queue_now
    from matching.models import ScheduleRun
    from matching.tasks import run_schedule

    world = make_world(event)
    client = Client()
    client.force_login(organiser)
    redis = RedisServer(tmp_path, appendonly=True)
    redis.start()
    try:
        with broker_at(redis.url):
            redis.stop()
            response = client.post(
                reverse("matching:schedule_run", args=[world.event.slug]), follow=True
            )
            run = ScheduleRun.objects.get()
            waiting = run.status

            redis.start()
            with celery_worker("redis-faults-run-worker.log", {"REDIS_URL": redis.url}):
                assert queue_now(run_schedule, run.pk)
                deadline = time.monotonic() + 60
                while run.status != "done" and time.monotonic() < deadline:
                    time.sleep(0.2)
                    run.refresh_from_db()
    finally:
        redis.stop()

    assert response.status_code == 200
    assert flashes(response.content.decode())
    assert waiting == "queued"
    assert run.status == "done"
    assert "queue: broker unavailable, matching.run_schedule" in caplog.text


# --- append-only persistence -------------------------------------------------------------------


@pytest.mark.parametrize("appendonly", [True, False], ids=["appendonly", "control-no-aof"])
def test_a_queued_task_survives_a_redis_restart_with_the_append_only_file(tmp_path, appendonly):
    """A task queued with no worker up, Redis stopped (SIGTERM, as `docker compose stop`) and
    started again on the same directory: with its append-only file, the message is still there
    and a worker then runs it; without, it is gone."""
    import redis as redis_py

    from core.queue import queue_now
    from notifications.tasks import sweep

    server = RedisServer(tmp_path, appendonly=appendonly)
    server.start()
    try:
        with broker_at(server.url):
            assert queue_now(sweep)
        server.stop()
        server.start()
        client = redis_py.Redis.from_url(server.url)
        waiting = client.llen("celery")
        client.close()
        ran = False
        if waiting:
            with celery_worker("redis-faults-aof-worker.log", {"REDIS_URL": server.url}) as w:
                deadline = time.monotonic() + 30
                while not ran and time.monotonic() < deadline:
                    time.sleep(0.2)
                    ran = "notifications.sweep" in w.log_path.read_text() and (
                        "succeeded" in w.log_path.read_text()
                    )
    finally:
        server.stop()

    assert (waiting, ran) == ((1, True) if appendonly else (0, False))
