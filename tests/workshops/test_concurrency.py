"""No overbooked workshop under a real race: 24 participants take a seat in the SAME workshop (3
seats) at once, through the real ASGI server (daphne, as in tests/e2e) on PostgreSQL.

Each person posts once (htmx, so the answer is the board with its message). With the lock
(select_for_update on the workshop row), the requests queue, re-count and exactly 3 get a seat;
everyone else lands on the waiting list ("The workshop is full") or, if the queue outlasts the lock
timeout, is told to try again ("busy"): never a 500.

Negative control: the same race on a server started with OSEZ_TEST_DISABLE_LOCKS=1 (the test-only
flag behind settings.TEST_DISABLE_LOCKS). Without the lock, several requests count the seats before
any of them commits, and the workshop ends up with more than 3 seats (no database constraint can
count seats, so nothing stops them): the race the lock prevents is real.

    .venv/bin/python -m tests.stack -- .venv/bin/python -m pytest tests/workshops/test_concurrency.py
"""

import datetime as dt
import html
import re
import secrets
from collections import Counter

import pytest
from django.urls import reverse

from tests.live import daphne_server, post_all_at_once

pytestmark = pytest.mark.stack

PEOPLE = 24
CAPACITY = 3
# The negative control fires again at the next workshop (a later time block, so no clash) until
# the overbooking shows up, so that a run where the first requests happened to commit one after
# the other does not make the test flaky. It typically shows in the first round.
ROUNDS = 3
BACKLOG = 1024
MESSAGE = re.compile(r'<p class="message message-(\w+)">(.*?)</p>', re.DOTALL)
SEAT = "Your seat in “{title}” is booked."
WAITING = "The workshop is full: you are on its waiting list."
BUSY = "Many people are choosing workshops right now; please try again in a moment."


@pytest.fixture
def race(transactional_db, django_db_serialized_rollback, event, organiser):
    """ROUNDS workshops of 3 seats in successive time blocks, seats assigned by the organisers
    (so participants may take seats), then PEOPLE validated participants with a logged-in
    session each."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.utils import timezone

    from tests.workshops.conftest import make_workshop, participants
    from workshops.services import apply_plan, propose_seats

    if connection.vendor != "postgresql":
        pytest.skip(
            "the seat race needs PostgreSQL and a real server: run it through "
            "`python -m tests.stack -- pytest tests/workshops/test_concurrency.py`"
        )
    workshops = [
        make_workshop(
            event, f"Atelier {n}", start=(9 + 2 * n, 0), end=(10 + 2 * n, 0), capacity=CAPACITY
        )
        for n in range(ROUNDS)
    ]
    # Applied before anyone registers, so the assignment gives nobody a seat.
    apply_plan(proposal=propose_seats(event=event, by=organiser), by=organiser)
    people = participants(event, PEOPLE)
    store = SessionStore()
    sessions = Session.objects.bulk_create(
        [
            Session(
                session_key=secrets.token_hex(16),
                expire_date=timezone.now() + dt.timedelta(hours=1),
                session_data=store.encode(
                    {
                        SESSION_KEY: str(person.user.pk),
                        BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[1],
                        HASH_SESSION_KEY: person.user.get_session_auth_hash(),
                    }
                ),
            )
            for person in people
        ]
    )
    return {
        "workshops": workshops,
        "paths": [reverse("workshops:take", args=[event.slug, w.pk]) for w in workshops],
        "sessions": [session.session_key for session in sessions],
    }


def fire(base_url: str, path: str, session_keys: list[str]) -> list[tuple[int, str]]:
    """Everyone POSTs at once, as htmx (the board's message comes back); (status, body) each."""
    posts = [(path, session_key, "") for session_key in session_keys]
    return post_all_at_once(base_url, posts, {"HX-Request": "true", "Accept-Language": "en"})


def outcome(results, title: str) -> Counter:
    """'seat', 'waiting' or 'busy' after the message the board shows, else what came back."""
    known = {SEAT.format(title=title): "seat", WAITING: "waiting", BUSY: "busy"}
    counts = Counter()
    for status, body in results:
        messages = [(tag, html.unescape(text).strip()) for tag, text in MESSAGE.findall(body)]
        # A seat or a waiting list place is 200; "busy" is a refusal (core.views.refuse): 409.
        if status in (200, 409) and len(messages) == 1 and messages[0][1] in known:
            counts[known[messages[0][1]]] += 1
        else:
            counts[f"status {status}: {messages}"] += 1
    return counts


def unexpected(results) -> list[str]:
    """What went wrong, for the assertion messages: statuses other than 200/409, shortened."""
    return [f"{status}: {body[:300]}" for status, body in results if status not in (200, 409)][:5]


def test_seat_race_with_lock_keeps_the_capacity(race):
    from workshops.models import Seat, WaitlistEntry

    workshop = race["workshops"][0]
    with daphne_server("seat-race-locked.log", disable_locks=False, backlog=BACKLOG) as url:
        results = fire(url, race["paths"][0], race["sessions"])

    counts = outcome(results, workshop.session.title)
    assert counts["seat"] == CAPACITY, (counts, unexpected(results))
    assert set(counts) <= {"seat", "waiting", "busy"}, (counts, unexpected(results))
    assert (
        Seat.objects.filter(workshop=workshop).count(),
        WaitlistEntry.objects.filter(workshop=workshop).count(),
    ) == (CAPACITY, counts["waiting"])


def test_seat_race_without_lock_overbooks(race):
    """Negative control: with the lock switched off, several requests count the free seats before
    any commits, and the workshop gets more seats than it has."""
    from workshops.models import Seat

    rounds = []
    with daphne_server("seat-race-unlocked.log", disable_locks=True, backlog=BACKLOG) as url:
        for workshop, path in zip(race["workshops"], race["paths"], strict=True):
            results = fire(url, path, race["sessions"])
            rounds.append(
                (outcome(results, workshop.session.title), workshop.seats.count(), results)
            )
            if rounds[-1][1] > CAPACITY:
                break

    summary = [(counts, seats) for counts, seats, _results in rounds]
    counts, seats, results = rounds[-1]
    assert seats > CAPACITY, summary  # the race is real: the lock is what prevents it
    assert counts["seat"] == seats, (summary, unexpected(results))
    assert all(set(c) <= {"seat", "waiting", "busy"} for c, _s in summary), summary
    assert Seat.objects.filter(workshop=race["workshops"][len(rounds) - 1]).count() == seats
