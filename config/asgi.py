"""The ASGI application: HTTP through Django, websockets through Channels (config/routing.py).

HTTP requests whose body is larger than `settings.REQUEST_MAX_BYTES` are refused with 413 before
Django reads them (`RequestSizeLimit`).

HTTP requests run their sync code (middleware, views, the request signals) on a few threads kept
for the life of the process (`PooledThreadsASGIHandler`, `settings.WEB_THREADS`), not on a new
thread per request as Django's own handler does. See the handler's docstring for why.
"""

import asyncio
import logging
import os
import weakref
from concurrent.futures import ThreadPoolExecutor

import django
from asgiref.sync import ThreadSensitiveContext
from django.core.handlers.asgi import ASGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup(set_prefix=False)  # what django.core.asgi.get_asgi_application does first


class PooledThreadsASGIHandler(ASGIHandler):
    """Django's ASGI handler, with the sync part of each request run on one of `threads` reused
    threads, at most `threads` requests at a time (the others wait on the event loop).

    Django's handler enters a new `ThreadSensitiveContext` per request: asgiref starts a thread for
    the request, and another at the end to join it. The event loop thread starts both and waits in
    `Thread.start` until each new thread has run, which under load means waiting for the GIL
    behind every busy view; with 50 requests at once there were ~50 view threads, and the loop
    spent 35-57 % of its time in `Thread.start` and had the GIL back only after the others. Every
    websocket of the process waits on that loop: reading the process's inbox in Redis takes
    channels_redis four round trips per message, one loop turn each, so the inbox grew by ~3
    messages a second and hints arrived 15-30 s late (bench/README.md, "live agendas"). With
    threads reused and bounded, the loop starts none and competes with `threads` threads at most.

    A thread is a thread-sensitive executor of one worker (asgiref's `executor=`), so a request's
    sync code all runs on one thread, as Django requires. On PostgreSQL a request borrows a
    connection from the process's pool (DB_POOL_MAX_SIZE, config/settings.py) and gives it back
    at its end; without the pool and with `DB_CONN_MAX_AGE` > 0, each thread keeps its own between
    requests, as a threaded WSGI server does."""

    def __init__(self, threads: int):
        super().__init__()
        self.threads = threads
        self._idle: list[ThreadPoolExecutor] = []
        # One semaphore per event loop (an asyncio primitive belongs to one loop; tests run
        # several loops, a server one).
        self._turns: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        loop = asyncio.get_running_loop()
        turn = self._turns.get(loop)
        if turn is None:
            turn = self._turns[loop] = asyncio.Semaphore(self.threads)
        async with turn:
            executor = self._idle.pop() if self._idle else self._new_executor()
            try:
                async with ThreadSensitiveContext(executor=executor):
                    await self.handle(scope, receive, send)
            finally:
                # A request given up (client gone) may leave its view running: the next request
                # on this executor waits for it, since the executor has one worker.
                self._idle.append(executor)

    @staticmethod
    def _new_executor() -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="web")


class BodyTooLarge(Exception):
    pass


class RequestSizeLimit:
    """ASGI middleware: a request whose body exceeds `max_bytes` is answered 413, in the
    visitor's language, before the application reads it.

    A declared Content-Length above the cap is refused before the first byte of the body is
    read; a body without one (chunked, streamed) is counted as it is received, and refused as
    soon as the count passes the cap: the application's `receive` raises, and the 413 goes out
    if the application had not started its response (Django reads the whole body before it
    runs a view, so it never has). Uvicorn (production) hands the body over as it arrives;
    Daphne (`runserver`) receives a request's whole body (to a temporary file) before the
    application sees any of it: the reverse proxy in front caps it first too (README,
    "Production: HTTPS, request sizes, audits")."""

    def __init__(self, app, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length", b"").strip()
        if declared.isdigit() and int(declared) > self.max_bytes:
            return await self._refuse(headers, send)

        received = 0
        started = False

        async def counted_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge
            return message

        async def watched_send(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(headers, send)

    async def _refuse(self, headers: dict, send) -> None:
        from django.utils.html import escape

        from core.views import REFUSAL_TARGET

        language, title, message = self.refusal(headers)
        extra = []
        if headers.get(b"hx-request") == b"true":
            # Into the page's message area, as every refusal (core.views.refuse).
            body = f'<p class="message message-error">{escape(message)}</p>'
            extra = [(b"hx-retarget", REFUSAL_TARGET.encode()), (b"hx-reswap", b"innerHTML")]
        else:
            body = (
                f'<!doctype html><html lang="{language}"><meta charset="utf-8">'
                f"<title>{escape(title)}</title><h1>{escape(title)}</h1><p>{escape(message)}</p>"
                "</html>"
            )
        content = body.encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"text/html; charset=utf-8"),
                    (b"content-length", str(len(content)).encode()),
                    (b"connection", b"close"),
                    *extra,
                ],
            }
        )
        await send({"type": "http.response.body", "body": content})

    def refusal(self, headers: dict) -> tuple[str, str, str]:
        """The language (language cookie, then Accept-Language), a title and the message."""
        from django.http.cookie import parse_cookie
        from django.template.defaultfilters import filesizeformat
        from django.utils import translation

        cookies = parse_cookie(headers.get(b"cookie", b"").decode("latin-1"))
        language = cookies.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            accept = headers.get(b"accept-language", b"").decode("latin-1")
            language = next(
                (
                    code
                    for code, _ in translation.trans_real.parse_accept_lang_header(accept)
                    if code.split("-")[0] in dict(settings.LANGUAGES)
                ),
                settings.LANGUAGE_CODE,
            ).split("-")[0]
        with translation.override(language):
            title = translation.gettext("Request too large")
            message = translation.gettext(
                "What you sent is too large: %(max)s at most. Send a smaller file."
            ) % {"max": filesizeformat(self.max_bytes)}
        return language, title, message


from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402

from config.routing import websocket_urlpatterns  # noqa: E402
from core.checks import check_connection_budget  # noqa: E402

# An ASGI server runs no system checks: each process says so itself when the connections its
# host may open exceed what PostgreSQL was declared to allow (core/checks.py).
for _message in check_connection_budget():
    logging.getLogger("osez.startup").warning(
        "%s %s (%s)", _message.msg, _message.hint, _message.id
    )

django_asgi_app = PooledThreadsASGIHandler(settings.WEB_THREADS)

application = ProtocolTypeRouter(
    {
        "http": RequestSizeLimit(django_asgi_app, settings.REQUEST_MAX_BYTES),
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
