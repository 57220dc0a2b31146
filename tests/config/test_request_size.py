"""A request-size cap in front of Django (config/asgi.py `RequestSizeLimit`): a body over
`REQUEST_MAX_BYTES` is answered 413, with or without a Content-Length, before Django reads it;
the server stays healthy, and a body within the cap reaches Django."""

import asyncio
import http.client
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from accounts.forms import MAX_LOGO_BYTES
from config.asgi import RequestSizeLimit
from events.forms import IMPORT_LIMITS
from pitches.uploads import MAX_ATTACHMENT_BYTES
from tests.live import daphne_server

CAP = 1_000_000
CHUNK = 64 * 1024


class ReadingApp:
    """An ASGI app that reads the whole body, as Django does, then answers 200."""

    def __init__(self):
        self.read = 0

    async def __call__(self, scope, receive, send):
        while True:
            message = await receive()
            self.read += len(message.get("body", b""))
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"read"})


def call(app, body: bytes, *, declared: bool, headers=()) -> tuple[int, bytes]:
    """One request through `app`: the body in CHUNK-sized messages, its length declared or not."""
    chunks = [body[i : i + CHUNK] for i in range(0, len(body), CHUNK)] or [b""]
    messages = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
        for i, chunk in enumerate(chunks)
    ]
    sent: list[dict] = []

    async def receive():
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    request_headers = [*headers]
    if declared:
        request_headers.append((b"content-length", str(len(body)).encode()))
    scope = {"type": "http", "method": "POST", "path": "/", "headers": request_headers}
    asyncio.run(app(scope, receive, send))
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


@pytest.mark.parametrize("declared", [True, False])
def test_body_over_the_cap_is_refused_before_the_app_reads_it(declared):
    inner = ReadingApp()

    status, body = call(RequestSizeLimit(inner, CAP), b"x" * (CAP + 1), declared=declared)

    assert status == 413
    assert "trop volumineu" in body.decode()
    # Declared: not a byte read; streamed: reading stopped at the chunk that passed the cap.
    assert inner.read == 0 if declared else 0 < inner.read <= CAP


@pytest.mark.parametrize("declared", [True, False])
def test_body_at_the_cap_reaches_the_app(declared):
    inner = ReadingApp()

    status, body = call(RequestSizeLimit(inner, CAP), b"x" * CAP, declared=declared)

    assert (status, body, inner.read) == (200, b"read", CAP)


def test_refusal_speaks_the_visitors_language():
    app = RequestSizeLimit(ReadingApp(), CAP)

    english = call(app, b"x" * (CAP + 1), declared=True, headers=[(b"accept-language", b"en")])
    cookie = call(
        app, b"x" * (CAP + 1), declared=True, headers=[(b"cookie", b"django_language=en")]
    )

    assert "too large" in english[1].decode()
    assert "too large" in cookie[1].decode()


def test_default_cap_holds_the_largest_legitimate_upload():
    form_around_it = 256 * 1024  # the other fields and the multipart boundaries

    largest = max(MAX_ATTACHMENT_BYTES, IMPORT_LIMITS.size, MAX_LOGO_BYTES)

    assert largest + form_around_it <= settings.REQUEST_MAX_BYTES


# --- through a real server --------------------------------------------------------------------


def post(url: str, body: bytes, *, declared: bool) -> tuple[int, bytes]:
    """POST `body` to the server, with a Content-Length or chunked (no length at all)."""
    address = urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
    try:
        if declared:
            connection.request("POST", "/healthz", body=body)
        else:
            pieces = (body[i : i + CHUNK] for i in range(0, len(body), CHUNK))
            connection.request("POST", "/healthz", body=pieces, encode_chunked=True)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def healthy(url: str) -> bool:
    address = urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    finally:
        connection.close()


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (tests/stack.py): the server cannot see SQLite's test database"
        )
    with daphne_server("request-size.log", env={"REQUEST_MAX_BYTES": str(CAP)}) as url:
        yield url


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_server_refuses_oversized_body_and_stays_healthy(server, declared):
    status, body = post(server, b"x" * (CAP + 1), declared=declared)

    assert status == 413
    assert "trop volumineu" in body.decode()
    assert healthy(server)


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_server_lets_a_body_within_the_cap_reach_django(server, declared):
    status, body = post(server, b"x" * CAP, declared=declared)

    # Django's own answer to a POST without a CSRF token: the body went through.
    assert status == 403
    assert b"CSRF" in body or b"csrf" in body.lower()


def test_htmx_request_gets_the_refusal_in_the_pages_message_area():
    app = RequestSizeLimit(ReadingApp(), CAP)
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    headers = [(b"content-length", str(CAP + 1).encode()), (b"hx-request", b"true")]
    asyncio.run(app({"type": "http", "headers": headers}, receive, send))

    response_headers = dict(sent[0]["headers"])
    assert (sent[0]["status"], response_headers[b"hx-retarget"]) == (413, b"#refusal")
    assert sent[1]["body"].decode().startswith('<p class="message message-error">Ce que vous')
