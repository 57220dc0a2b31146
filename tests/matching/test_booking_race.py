"""No double booking under a real race: 200 self-service bookings of the SAME slot, with ONE
table, fired at once at the real ASGI server (daphne, as in tests/e2e) on PostgreSQL.

Each of the 200 accepted requests joins two different people, so only the table is scarce: exactly
one booking may win. With the lock (select_for_update on the slot row), the others wait, re-count
and are refused by the re-count ("every table is taken", data-refusal="taken") or, if the queue
outlasts the lock timeout, told to try again ("busy"): never a 500, never a second meeting.

Negative control: the same race on a server started with OSEZ_TEST_DISABLE_LOCKS=1 (the test-only
flag behind settings.TEST_DISABLE_LOCKS). Without the lock, several bookings pass the re-count at
the same time and the database constraint (one meeting per table and slot) is what refuses them
(data-refusal="constraint"): the race the lock prevents is real.

    .venv/bin/python -m tests.stack -- .venv/bin/python -m pytest tests/matching/test_booking_race.py
"""

import datetime as dt
import html
import re
import secrets
from collections import Counter

import pytest
from django.urls import reverse

from tests.live import daphne_server, post_all_at_once, uvicorn_server

pytestmark = pytest.mark.stack

N = 200
# The negative control fires again on the next slot (with the requests still unplaced) until the
# constraint shows up, so that a run where the first winner happened to commit before anyone else
# re-counted does not make the test flaky. It typically shows in the first round.
ROUNDS = 3
# A listen backlog for 200 connections at once (Twisted's default, 50, resets the others).
BACKLOG = 1024
REFUSAL = re.compile(r'data-refusal="(\w+)"')


@pytest.fixture
def race(transactional_db, django_db_serialized_rollback):
    """N accepted requests between 2N different people, one slot, one table, self-service; a
    logged-in session for each request's recipient. Built in bulk (a few seconds at most)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.utils import timezone

    from accounts.models import User
    from events.models import Registration, Slot
    from matching.models import MatchingSettings, MeetingRequest
    from tests.factories import (
        PARIS,
        BuyerOrganisationFactory,
        EventFactory,
        OrganisationFactory,
        SessionFactory,
        TableFactory,
    )

    if connection.vendor != "postgresql":
        pytest.skip(
            "the booking race needs PostgreSQL and a real server: run it through "
            "`python -m tests.stack -- pytest tests/matching/test_booking_race.py`"
        )
    event = EventFactory(phase="requests")
    MatchingSettings.objects.create(event=event, booking_mode="self_service")
    block = SessionFactory(
        event=event,
        kind="meetings",
        starts_at=dt.datetime(2019, 11, 26, 14, 0, tzinfo=PARIS),
        ends_at=dt.datetime(2019, 11, 26, 15, 0, tzinfo=PARIS),
        slot_minutes=20,
    )
    slots = [
        Slot.objects.create(
            session=block,
            starts_at=block.starts_at + dt.timedelta(minutes=20 * i),
            ends_at=block.starts_at + dt.timedelta(minutes=20 * (i + 1)),
        )
        for i in range(ROUNDS)
    ]
    TableFactory(event=event, name="T01")
    buyer_org, ess_org = BuyerOrganisationFactory(), OrganisationFactory()
    users = User.objects.bulk_create(
        [User(email=f"race{i}@example.org", password="!") for i in range(2 * N)]
    )
    registrations = Registration.objects.bulk_create(
        [
            Registration(
                event=event,
                user=user,
                organisation=buyer_org if i < N else ess_org,
                role="buyer" if i < N else "ess",
                status="validated",
            )
            for i, user in enumerate(users)
        ]
    )
    requests = MeetingRequest.objects.bulk_create(
        [
            MeetingRequest(
                event=event,
                sender=registrations[i],
                recipient=registrations[N + i],
                status="accepted",
                answered_at=timezone.now(),
            )
            for i in range(N)
        ]
    )
    store = SessionStore()
    sessions = []
    for request in requests:
        user = users[N + requests.index(request)]
        sessions.append(
            Session(
                session_key=secrets.token_hex(16),
                expire_date=timezone.now() + dt.timedelta(hours=1),
                session_data=store.encode(
                    {
                        SESSION_KEY: str(user.pk),
                        BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[1],
                        HASH_SESSION_KEY: user.get_session_auth_hash(),
                    }
                ),
            )
        )
    Session.objects.bulk_create(sessions)
    return {
        "posts": [
            (reverse("matching:request_book", args=[event.slug, r.pk]), s.session_key)
            for r, s in zip(requests, sessions, strict=True)
        ],
        "slots": slots,
    }


def fire(
    servers: str | list[str], posts: list[tuple[str, str]], slot_pk: int
) -> list[tuple[int, str]]:
    """POST every booking (path, session key) at once; (status, body) each. With several
    servers' base URLs, the bookings are dealt out among them."""
    servers = [servers] if isinstance(servers, str) else servers
    bookings = [
        (servers[i % len(servers)] + path, session_key, f"slot={slot_pk}")
        for i, (path, session_key) in enumerate(posts)
    ]
    return post_all_at_once(servers[0], bookings, {"Accept-Language": "fr"})


def until_the_constraint(servers: str | list[str], race) -> tuple[list[Counter], list]:
    """Without the lock: race the bookings for one slot after another, those that lost going
    on to the next, until the database constraint refuses one. The outcome of each round, and
    the results of the last."""
    rounds, posts = [], race["posts"]
    for slot in race["slots"]:
        results = fire(servers, posts, slot.pk)
        rounds.append(outcome(results))
        if rounds[-1]["constraint"]:
            break
        posts = [post for post, (status, _) in zip(posts, results, strict=True) if status != 302]
    return rounds, results


def outcome(results) -> Counter:
    """'won' for a redirect, else the refusal code the page shows, or 'status <n>'."""
    counts = Counter()
    for status, body in results:
        if status == 302:
            counts["won"] += 1
        elif status == 409 and (match := REFUSAL.search(body)):
            counts[match.group(1)] += 1
        else:
            counts[f"status {status}"] += 1
    return counts


def unexpected(results) -> list[str]:
    """What went wrong, for the assertion messages: statuses other than 302/409, shortened."""
    return [f"{status}: {body[:300]}" for status, body in results if status not in (302, 409)][:5]


def test_booking_race_with_lock_one_winner_clear_refusals(race):
    from matching.models import Attendance, Meeting

    with daphne_server("booking-race-locked.log", disable_locks=False, backlog=BACKLOG) as url:
        results = fire(url, race["posts"], race["slots"][0].pk)

    counts = outcome(results)
    assert counts["won"] == 1, (counts, unexpected(results))
    assert set(counts) <= {"won", "taken", "busy"}, (
        counts,
        unexpected(results),
    )  # the re-count refused, no constraint
    assert (Meeting.objects.count(), Attendance.objects.count()) == (1, 2)
    refused = next(body for status, body in results if status == 409)
    assert "Toutes les tables sont prises" in refused or "réessayez" in refused, refused[
        refused.find("<main") : refused.find("</main>")
    ]


def test_booking_race_without_lock_constraint_refuses(race):
    """Negative control: with the lock switched off, bookings pass the re-count together and only
    the database constraint stops them."""
    from matching.models import Attendance, Meeting

    with daphne_server("booking-race-unlocked.log", disable_locks=True, backlog=BACKLOG) as url:
        rounds, results = until_the_constraint(url, race)

    assert [counts["won"] for counts in rounds] == [1] * len(rounds), rounds
    assert rounds[-1]["constraint"] >= 1, rounds  # the race is real: the lock is what prevents it
    assert all(set(counts) <= {"won", "taken", "constraint", "busy"} for counts in rounds), rounds
    assert (Meeting.objects.count(), Attendance.objects.count()) == (len(rounds), 2 * len(rounds))
    refused = next(body for status, body in results if 'data-refusal="constraint"' in body)
    assert "vient d'être pris par quelqu'un d'autre" in html.unescape(refused)


# --- across two web hosts: uvicorn servers of two processes each, on one PostgreSQL ---------------


def test_booking_race_across_two_servers_one_winner_clear_refusals(race):
    """The 200 bookings dealt out between two servers (two hosts, four processes): one wins."""
    from matching.models import Attendance, Meeting

    with (
        uvicorn_server("booking-race-host-a.log") as (a, _),
        uvicorn_server("booking-race-host-b.log") as (b, _),
    ):
        results = fire([a, b], race["posts"], race["slots"][0].pk)

    counts = outcome(results)
    assert counts["won"] == 1, (counts, unexpected(results))
    assert set(counts) <= {"won", "taken", "busy"}, (counts, unexpected(results))
    assert (Meeting.objects.count(), Attendance.objects.count()) == (1, 2)


def test_booking_race_across_two_servers_without_lock_constraint_refuses(race):
    """Negative control across hosts: without the lock, the constraint is what refuses."""
    with (
        uvicorn_server("booking-race-host-a-unlocked.log", disable_locks=True) as (a, _),
        uvicorn_server("booking-race-host-b-unlocked.log", disable_locks=True) as (b, _),
    ):
        rounds, _results = until_the_constraint([a, b], race)

    assert [counts["won"] for counts in rounds] == [1] * len(rounds), rounds
    assert rounds[-1]["constraint"] >= 1, rounds
    assert all(set(counts) <= {"won", "taken", "constraint", "busy"} for counts in rounds), rounds
