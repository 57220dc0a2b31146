"""HTTP requests run their sync code on a few reused threads (config/asgi.py), not on a new thread
each: the event loop that serves the websockets must not wait in `Thread.start` for every request
(bench/README.md, "live agendas"). Through the project's ASGI application, on the real handler."""

import asyncio
import threading
import time

import pytest
from asgiref.testing import ApplicationCommunicator
from django.conf import settings
from django.core.signals import request_finished, request_started

from config.asgi import PooledThreadsASGIHandler, application

pytestmark = [pytest.mark.django_db(transaction=True)]

HEADERS = [(b"host", b"testserver")]


class Watch:
    """Which threads run the requests' sync code (the request signals run there), and how many
    requests are inside that code at once."""

    def __init__(self, pause: float = 0):
        self.pause = pause
        self.threads: set[int] = set()
        self.inside = self.most_inside = 0
        self.lock = threading.Lock()

    def started(self, **kwargs):
        with self.lock:
            self.threads.add(threading.get_ident())
            self.inside += 1
            self.most_inside = max(self.most_inside, self.inside)
        time.sleep(self.pause)

    def finished(self, **kwargs):
        with self.lock:
            self.inside -= 1

    def __enter__(self):
        request_started.connect(self.started)
        request_finished.connect(self.finished)
        return self

    def __exit__(self, *exc):
        request_started.disconnect(self.started)
        request_finished.disconnect(self.finished)


async def get(app, path: str) -> int:
    """One GET through the ASGI app, to its end. asgiref's communicator, not Channels'
    HttpCommunicator: that one patches `channels.db.close_old_connections` around each await,
    and several at once leave it patched (database connections then leak into later tests)."""
    scope = {"type": "http", "http_version": "1.1", "method": "GET", "scheme": "http"}
    scope |= {"path": path, "raw_path": path.encode(), "query_string": b"", "headers": HEADERS}
    communicator = ApplicationCommunicator(app, scope)
    await communicator.send_input({"type": "http.request", "body": b""})
    start = await communicator.receive_output(timeout=30)
    while (await communicator.receive_output(timeout=30)).get("more_body"):
        pass
    # The handler goes on after the body (response.close(), request_finished, which closes the
    # thread's database connection): wait for it.
    await communicator.wait(timeout=30)
    return start["status"]


async def get_all(app, paths: list[str]) -> list[int]:
    return list(await asyncio.gather(*(get(app, path) for path in paths)))


def test_requests_share_a_few_threads_started_once():
    asyncio.run(get_all(application, ["/healthz"] * 10))  # the threads exist from here on
    before = threading.active_count()

    with Watch() as watch:
        for _ in range(3):
            assert asyncio.run(get_all(application, ["/healthz"] * 10)) == [200] * 10

    assert 1 <= len(watch.threads) <= settings.WEB_THREADS
    assert threading.main_thread().ident not in watch.threads
    assert threading.active_count() == before  # Django's own handler starts two per request


def test_at_most_threads_requests_at_once_the_others_wait_their_turn():
    handler = PooledThreadsASGIHandler(threads=2)

    with Watch(pause=0.05) as watch:
        statuses = asyncio.run(get_all(handler, ["/healthz"] * 6))

    assert statuses == [200] * 6
    assert watch.most_inside == 2
    assert len(watch.threads) == 2
