"""Several server processes serve one event: a change made through one reaches the websockets
held by another. Two real servers on the same PostgreSQL and Redis (tests/stack.py), as two web
hosts would be: daphne processes (what `make run` serves through), and uvicorn with two
processes each (production: docker-compose.yml); a real websocket client (the `websockets`
package) on server B; the organiser publishes the schedule with an HTTP POST to server A; the
participant's socket on B gets its frame."""

import asyncio
import contextlib
import os
import time
from collections.abc import Iterator

import pytest
from django.urls import reverse

from matching.services.requests import book_meeting
from tests.asgi_server import session_cookie
from tests.live import daphne_server, post_all_at_once, uvicorn_server
from tests.matching.schedule_world import make_world

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def published_world(event, organiser):
    world = make_world(event)
    book_meeting(
        request=world.requests[0], slot=world.slots[0], table=world.tables[0], by=organiser
    )
    return world


async def open_agenda_and_wait(url: str, slug: str, cookie: str, act) -> tuple[str, str]:
    from websockets.asyncio.client import connect

    ws_url = url.replace("http://", "ws://") + f"/ws/e/{slug}/agenda/"
    async with connect(ws_url, origin=url, additional_headers={"Cookie": cookie}) as socket:
        first = await asyncio.wait_for(socket.recv(), timeout=10)
        await asyncio.to_thread(act)
        hint = await asyncio.wait_for(socket.recv(), timeout=10)
    return first, hint


@contextlib.contextmanager
def two_servers(server: str) -> Iterator[tuple[str, str]]:
    if server == "daphne":
        with daphne_server("two-processes-a.log") as a, daphne_server("two-processes-b.log") as b:
            yield a, b
    else:
        with (
            uvicorn_server("two-hosts-a.log", processes=2) as (a, _),
            uvicorn_server("two-hosts-b.log", processes=2) as (b, _),
        ):
            yield a, b


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (tests/stack.py)")
@pytest.mark.parametrize("server", ["daphne", "uvicorn"])
def test_publication_through_one_process_reaches_a_socket_on_another(
    published_world, organiser, server
):
    event = published_world.event
    person = published_world.buyers[0].user
    person_cookie = session_cookie(person)
    organiser_session = session_cookie(organiser).split("=", 1)[1]
    publish_path = reverse("matching:schedule_publish", args=[event.slug])

    with two_servers(server) as (a, b):

        def publish_through_a():
            [(status, body)] = post_all_at_once(
                a, [(publish_path, organiser_session, "")], {"Origin": a, "Referer": a + "/"}
            )
            assert status == 302, body[:500]

        started = time.monotonic()
        first, hint = asyncio.run(
            open_agenda_and_wait(b, event.slug, person_cookie, publish_through_a)
        )
        elapsed = time.monotonic() - started

    assert 'id="agenda-meetings"' in first
    assert hint.startswith('<div id="agenda-fetch"') and "/agenda/?changed=1" in hint
    assert elapsed < 30
