"""The page cache (core/pagecache.py) on the real PostgreSQL and Redis, transactions committed:
a kept page is served until a table it read is written (by this process or another), never to
another person, with the requester's own CSRF token, and not at all while Redis is unreachable.
Each protection has its control: without the bump on commit, a write leaves the page stale."""

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.urls import reverse

from core import pagecache
from tests.conftest import closed_port
from tests.live import subprocess_env

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _real_stack(settings):
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get(
        "REDIS_URL"
    ):
        pytest.skip("needs the real PostgreSQL and Redis: run through `python -m tests.stack`")
    settings.PAGE_CACHE_SECONDS = 30
    cache.clear()
    yield
    cache.clear()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def pitch(event, buyer_org):
    from tests.factories import PitchFactory

    return PitchFactory(event=event, buyer=buyer_org, title="Restauration responsable")


def untokened(text: str) -> str:
    """A page without its CSRF tokens (masked afresh for every request)."""
    return re.sub(r"\b[A-Za-z0-9]{64}\b", "<token>", text)


def catalogue(event) -> str:
    return reverse("pitches:catalogue", kwargs={"slug": event.slug})


def test_kept_until_a_table_it_read_is_written(ess_member, event, pitch):
    client = signed_in(ess_member)
    first = client.get(catalogue(event))
    assert first.status_code == 200 and "X-Page-Cache" not in first
    assert "Restauration responsable" in first.text

    again = client.get(catalogue(event))
    assert again["X-Page-Cache"] == "hit"
    assert untokened(again.text) == untokened(first.text)

    pitch.title = "Logistique du dernier kilomètre à vélo"
    pitch.save(update_fields=["title"])  # autocommit: bumped at once

    fresh = client.get(catalogue(event))
    assert "X-Page-Cache" not in fresh
    assert "Logistique du dernier kilomètre à vélo" in fresh.text


def test_bumped_when_the_transaction_commits_not_before_and_not_on_rollback(
    ess_member, event, pitch
):
    client = signed_in(ess_member)
    client.get(catalogue(event))
    with transaction.atomic():
        pitch.title = "Nettoyage des locaux"
        pitch.save(update_fields=["title"])
        assert client.get(catalogue(event))["X-Page-Cache"] == "hit"  # not committed yet
    assert "Nettoyage des locaux" in client.get(catalogue(event)).text

    client.get(catalogue(event))
    with pytest.raises(RuntimeError), transaction.atomic():
        pitch.title = "Jamais enregistré"
        pitch.save(update_fields=["title"])
        raise RuntimeError
    assert client.get(catalogue(event))["X-Page-Cache"] == "hit"


def test_a_write_from_another_process_invalidates(ess_member, event, pitch):
    client = signed_in(ess_member)
    client.get(catalogue(event))
    assert client.get(catalogue(event))["X-Page-Cache"] == "hit"
    code = (
        "from pitches.models import Pitch; "
        f"Pitch.objects.filter(pk={pitch.pk}).update(title='Écrit par un worker')"
    )
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=settings.BASE_DIR,
        env=subprocess_env({"PAGE_CACHE_SECONDS": "30"}),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    page = client.get(catalogue(event))
    assert "X-Page-Cache" not in page and "Écrit par un worker" in page.text


def test_control_without_the_bump_the_page_stays_stale(ess_member, event, pitch, monkeypatch):
    monkeypatch.setattr(pagecache, "bump", lambda tables: None)
    client = signed_in(ess_member)
    client.get(catalogue(event))
    pitch.title = "Titre changé"
    pitch.save(update_fields=["title"])
    stale = client.get(catalogue(event))
    assert stale["X-Page-Cache"] == "hit" and "Titre changé" not in stale.text


def test_never_served_to_another_person(ess_member, buyer, event, pitch):
    signed_in(ess_member).get(catalogue(event))
    other = signed_in(buyer).get(catalogue(event))
    assert "X-Page-Cache" not in other


def test_each_browser_gets_its_own_csrf_token(ess_member, event, pitch):
    url = reverse("pitches:detail", kwargs={"pk": pitch.pk})
    first, second = signed_in(ess_member), signed_in(ess_member)
    first.get(url)
    served = second.get(url)
    assert served["X-Page-Cache"] == "hit"
    tokens = set(re.findall(r'csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"', served.text))
    tokens |= set(re.findall(r'"X-CSRFToken": "([A-Za-z0-9]{64})"', served.text))
    assert tokens
    secret = second.cookies[settings.CSRF_COOKIE_NAME].value
    assert {_unmask_cipher_token(token) for token in tokens} == {secret}


def test_one_page_per_language(ess_member, event, pitch):
    client = signed_in(ess_member)
    french = client.get(catalogue(event), headers={"accept-language": "fr"})
    english = client.get(catalogue(event), headers={"accept-language": "en"})
    assert "X-Page-Cache" not in english
    assert french.text != english.text


def test_flash_messages_are_never_kept_nor_hidden(ess_member, event, pitch):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.cookie import CookieStorage

    client = signed_in(ess_member)
    client.get(catalogue(event))
    storage = CookieStorage(type("Request", (), {"COOKIES": {}})())
    storage.add(constants.SUCCESS, "Votre intérêt est enregistré.")
    response = type("Response", (), {"set_cookie": None, "cookies": {}})()
    cookies = {}
    response.set_cookie = lambda key, value, **kw: cookies.__setitem__(key, value)
    response.delete_cookie = lambda *a, **kw: None
    storage._store(storage._queued_messages, response)
    client.cookies[
        settings.MESSAGE_COOKIE_NAME if hasattr(settings, "MESSAGE_COOKIE_NAME") else "messages"
    ] = cookies["messages"]
    page = client.get(catalogue(event))
    assert "X-Page-Cache" not in page and "Votre intérêt est enregistré." in page.text


def test_with_redis_unreachable_pages_are_answered_and_nothing_kept(
    ess_member, event, pitch, settings
):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.TolerantRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    client = signed_in(ess_member)
    assert client.get(catalogue(event)).status_code == 200
    again = client.get(catalogue(event))
    assert again.status_code == 200 and "X-Page-Cache" not in again
    pitch.title = "Pendant la panne"
    pitch.save(update_fields=["title"])  # the bump fails: logged, the write stands
    assert "Pendant la panne" in client.get(catalogue(event)).text


def test_every_marked_page_of_the_demo_day_is_served_as_rendered():
    """The demo day (load_demo --day), every marked page of each role twice: the first render
    writes nothing (a marked view must not: a page served from the cache would skip the write),
    the second answer comes from the cache and is the page the view rendered."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from demo import data
    from events.models import Event, Registration
    from pitches.models import Pitch

    call_command("load_demo", "--day", verbosity=0)
    event = Event.objects.get(slug=data.EVENT["slug"])
    users = get_user_model().objects
    buyer = users.get(email=data.BUYER_ACCOUNT["email"])
    ess = users.get(email=data.ESS_ACCOUNT["email"])
    organiser = users.get(email=data.ORGANISER_ACCOUNT["email"])
    own = Registration.objects.get(event=event, user=buyer).organisation
    pitch = Pitch.objects.filter(event=event, buyer=own, status="published").first()
    other = Pitch.objects.filter(event=event, status="published").exclude(buyer=own).first()
    e, console = f"/e/{event.slug}/", f"/e/{event.slug}/console/"
    walks = {
        None: ["/", e],
        buyer: [
            "/me/",
            e + "pitches/mine/",
            f"/pitches/{pitch.pk}/",
            f"/pitches/{pitch.pk}/interests/",
            e + "my-meetings/",
            e + "agenda/",
        ],
        ess: [
            e + "pitches/",
            f"/pitches/{other.pk}/",
            e + "my-meetings/",
            e + "agenda/",
            e + "workshops/",
        ],
        organiser: [
            "/me/",
            console,
            console + "schedule/",
            console + "live/",
            console + "live/panel/",
            console + "check-in/",
            console + "statistics/",
            console + "exports/",
            console + "registrations/",
        ],
    }
    for user, urls in walks.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                rendered = client.get(url)
            assert rendered.status_code == 200, url
            writes = [
                query["sql"][:80]
                for query in queries.captured_queries
                if pagecache._written(query["sql"]) - {"django_session"}
            ]
            assert writes == [], url
            served = client.get(url)
            assert served.get("X-Page-Cache") == "hit", url
            assert untokened(served.text) == untokened(rendered.text), url


def test_pages_that_move_with_the_clock_are_kept_for_less(organiser, ess_member, event, pitch):
    client = pagecache._client()
    signed_in(organiser).get(reverse("matching:live", kwargs={"slug": event.slug}))
    (live,) = client.keys(pagecache.PREFIX + "*")
    assert 0 < client.ttl(live) <= pagecache.LIVE_SECONDS
    signed_in(ess_member).get(catalogue(event))
    (kept,) = set(client.keys(pagecache.PREFIX + "*")) - {live}
    assert pagecache.LIVE_SECONDS < client.ttl(kept) <= settings.PAGE_CACHE_SECONDS


def test_a_kept_page_costs_the_session_and_the_user_only(ess_member, event, pitch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(ess_member)
    with CaptureQueriesContext(connection) as rendered:
        client.get(catalogue(event))
    with CaptureQueriesContext(connection) as served:
        assert client.get(catalogue(event))["X-Page-Cache"] == "hit"
    tables = [re.findall(r'FROM "(\w+)"', query["sql"])[0] for query in served.captured_queries]
    assert sorted(tables) == ["accounts_user", "django_session"]
    assert len(rendered.captured_queries) > len(served.captured_queries)


def test_one_page_per_host_and_scheme(event, pitch):
    """An anonymous page is shared by every visitor, but never across the allowed hosts: a page
    that holds absolute links would send them elsewhere."""
    url = reverse("events:detail", kwargs={"slug": event.slug})
    Client().get(url)
    assert Client().get(url)["X-Page-Cache"] == "hit"
    assert "X-Page-Cache" not in Client().get(url, headers={"host": "localhost"})
    assert "X-Page-Cache" not in Client().get(url, secure=True)
