"""One open meeting request per pair of organisations, under a real race: N colleagues of one
buyer organisation each ask a different member of the same structure at the same instant, through
the real ASGI server on PostgreSQL. send_request locks both organisation rows before re-checking,
so exactly one request is written; the others are told a request between them is already open (or,
past the lock timeout, to try again): never a 500.

Negative control: the same race on a server started with OSEZ_TEST_DISABLE_LOCKS=1. Without the
lock several requests pass the re-check together (no database constraint can span two
organisations' members): the race the lock prevents is real.

    .venv/bin/python -m tests.stack -- .venv/bin/python -m pytest tests/matching/test_request_pair_race.py
"""

import datetime as dt
import secrets

import pytest
from django.urls import reverse

from tests.live import daphne_server, post_all_at_once

pytestmark = pytest.mark.stack

N = 30
ROUNDS = 3


@pytest.fixture
def race(transactional_db, django_db_serialized_rollback):
    """N validated members of a buyer organisation and N of a structure, in the requests phase;
    a logged-in session for each buyer and the POST asking their counterpart."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.utils import timezone

    from accounts.models import Membership, User
    from events.models import Registration
    from tests.factories import BuyerOrganisationFactory, EventFactory, OrganisationFactory

    if connection.vendor != "postgresql":
        pytest.skip(
            "the request race needs PostgreSQL and a real server: run it through "
            "`python -m tests.stack -- pytest tests/matching/test_request_pair_race.py`"
        )
    event = EventFactory(phase="requests")
    buyer_org, ess_org = BuyerOrganisationFactory(), OrganisationFactory()
    users = User.objects.bulk_create(
        [User(email=f"pair-race{i}@example.org", password="!") for i in range(2 * N)]
    )
    Membership.objects.bulk_create(
        [
            Membership(user=user, organisation=buyer_org if i < N else ess_org)
            for i, user in enumerate(users)
        ]
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
    store = SessionStore()
    sessions = Session.objects.bulk_create(
        [
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
            for user in users[:N]
        ]
    )
    path = reverse("matching:request_new", args=[event.slug, ess_org.pk])
    return [
        (path, session.session_key, f"recipient={registrations[N + i].pk}")
        for i, session in enumerate(sessions)
    ]


def statuses(results) -> set[int]:
    return {status for status, _ in results}


def test_request_race_with_lock_one_request_per_pair_of_organisations(race):
    from matching.models import MeetingRequest

    with daphne_server("request-pair-race-locked.log", disable_locks=False) as url:
        results = post_all_at_once(url, race, {"Accept-Language": "fr"})

    assert MeetingRequest.objects.count() == 1
    assert [status for status, _ in results].count(302) == 1, statuses(results)
    assert statuses(results) <= {302, 400, 409}, [body[:300] for _, body in results][:3]
    refused = next(body for status, body in results if status == 400)
    assert "déjà en cours entre vous" in refused


def test_request_race_without_lock_lets_several_through(race):
    """Negative control: with the lock switched off, requests pass the re-check together."""
    from matching.models import MeetingRequest

    written = []
    with daphne_server("request-pair-race-unlocked.log", disable_locks=True) as url:
        for _ in range(ROUNDS):
            post_all_at_once(url, race, {"Accept-Language": "fr"})
            written.append(MeetingRequest.objects.count())
            if written[-1] > 1:
                break
            MeetingRequest.objects.all().delete()

    assert written[-1] > 1, written  # the race is real: the lock is what prevents it
