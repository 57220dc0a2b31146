"""Whole pages kept per person, invalidated by the database itself.

A page marked `@page_cache` is kept in Redis after a GET renders it, with the tables its queries
read. It is answered from Redis again, without running the view, for as long as none of those
tables has been written and for at most `PAGE_CACHE_SECONDS`. Nothing has to remember to
invalidate it:

- **Every write bumps its table's version.** A wrapper on every database connection of every
  process (web, Celery, commands: installed on `connection_created`) sees each INSERT, UPDATE and
  DELETE and, once its transaction commits (at once in autocommit), increments that table's
  version in one Redis hash (`HINCRBY`). A rolled-back write bumps nothing.
- **A render records what it read.** While a cacheable view runs, the same wrapper notes every
  table named in its SELECTs (the view, the rules' predicates, the context processors, the
  templates' lazy reads), plus the user table (read by the authentication middleware before).
  The versions are read *before* the view runs: a write that commits during the render makes
  the kept page older than its versions, so it is re-rendered next time, never the reverse.
- **What is not in a table** is bounded by `PAGE_CACHE_SECONDS` (default 30): the clock (a
  phase that opens at 9:00, "in 5 minutes"), and writes whose bump did not reach Redis (Redis down
  at commit time).

The key is the person (or "anonymous"), the language, the full address (host and scheme
included, for the absolute links a page may hold) and every `HX-*` request header (htmx asks
for fragments of the same URL). A page is shared by a person's sessions and
browsers; the CSRF tokens in it are swapped for a placeholder when kept and for the request's own
token when served. Not kept: anything but a 200 text/html response, a response that sets cookies
or htmx response headers, a request with pending flash messages or a session changed by the
view. With Redis unreachable, pages are neither read nor kept (no process-local copy that other
processes' writes could not invalidate).

Only views that write nothing on GET and read their data from the database are marked; a view
that depends on something else (the session, a file, another service) must not be.
"""

import functools
import hashlib
import json
import logging
import re
from contextvars import ContextVar

from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from django.db import connections
from django.db.backends.signals import connection_created
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token, get_token

logger = logging.getLogger(__name__)

VERSIONS = "osez:tables"  # one Redis hash: table -> version
PREFIX = "osez:page:"
PLACEHOLDER = b"\x00csrf\x00"  # cannot occur in a page (core.middleware refuses NUL input)

_WRITE = re.compile(
    r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+"([^"]+)"', re.I
)
_TRUNCATED = re.compile(r'"([^"]+)"')
_READ = re.compile(r'\b(?:FROM|JOIN)\s+"([^"]+)"', re.I)
_TOKEN = re.compile(rb"\b[A-Za-z0-9]{64}\b")
# The pages of the day whose content moves with the clock (the slot under way, no-shows after a
# few minutes), refreshed by their pages every 30 s: kept at most this long.
LIVE_SECONDS = 10
# Written on almost every request, read by no kept page (the session is part of no page: flash
# messages and changed sessions are never kept).
_UNTRACKED = frozenset({"django_session"})
_PER_RESPONSE = frozenset({"content-length", "set-cookie", "date"})

_render: ContextVar["_Render | None"] = ContextVar("osez_page_render", default=None)


def page_cache(view=None, *, seconds: int | None = None):
    """Mark a view whose GET may be answered from the page cache (see the module's docstring):
    `@page_cache`, or `@page_cache(seconds=10)` for a page whose content moves with the clock
    (kept at most that long, and never longer than PAGE_CACHE_SECONDS)."""

    def mark(view):
        view.osez_page_cache = seconds or True
        return view

    return mark(view) if view is not None else mark


def _default_cache():
    from django.core.cache import caches

    return caches["default"]


def _client():
    return _default_cache()._cache.get_client(write=True)


def enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0 and isinstance(_default_cache(), RedisCache)


# Writes: one bump per table per transaction, after the commit.


class _Bump:
    """The tables a transaction wrote; called once it commits."""

    def __init__(self) -> None:
        self.tables: set[str] = set()

    def __call__(self) -> None:
        bump(self.tables)


def bump(tables) -> None:
    """Every process that writes bumps, whatever its PAGE_CACHE_SECONDS (a worker configured
    without the page cache still invalidates the web processes' pages)."""
    tables = set(tables) - _UNTRACKED
    if not tables or not isinstance(_default_cache(), RedisCache):
        return
    try:
        pipe = _client().pipeline(transaction=False)
        for table in sorted(tables):
            pipe.hincrby(VERSIONS, table, 1)
        pipe.execute()
    except Exception as error:  # Redis away: the kept pages expire within PAGE_CACHE_SECONDS
        logger.warning("page cache: versions of %s not bumped: %r", sorted(tables), error)


def _written(sql: str) -> set[str]:
    match = _WRITE.match(sql)
    if not match:
        return set()
    if sql.lstrip()[:8].upper() == "TRUNCATE":
        return set(_TRUNCATED.findall(sql.split(" RESTART")[0].split(" CASCADE")[0]))
    return {match.group(1)}


def _wrapper(execute, sql, params, many, context):
    if not isinstance(sql, str):
        return execute(sql, params, many, context)
    render = _render.get()
    if render is not None and render.reads is not None:
        render.reads.update(_READ.findall(sql))
    result = execute(sql, params, many, context)
    written = _written(sql)
    if written:
        connection = context["connection"]
        if not connection.in_atomic_block:
            bump(written)
        else:
            pending = getattr(connection, "_osez_bump", None)
            if pending is None or not any(
                hook is pending for _, hook, _ in connection.run_on_commit
            ):
                pending = connection._osez_bump = _Bump()
                connection.on_commit(pending)
            pending.tables.update(written)
    return result


def watch_connection(sender, connection, **kwargs) -> None:
    """`connection_created`: every connection of every process reports its writes and reads."""
    if _wrapper not in connection.execute_wrappers:
        connection.execute_wrappers.append(_wrapper)


def install() -> None:
    connection_created.connect(watch_connection, dispatch_uid="core.pagecache.watch")
    for connection in connections.all(initialized_only=True):  # opened before ready()
        watch_connection(None, connection)


# Reads and the middleware.


def _key(request) -> str:
    user = request.user
    parts = [
        str(user.pk) if user.is_authenticated else "anonymous",
        getattr(request, "LANGUAGE_CODE", ""),
        request.build_absolute_uri(),  # the host and scheme too: absolute links in a page
        *sorted(f"{k}={v}" for k, v in request.headers.items() if k.lower().startswith("hx-")),
    ]
    return PREFIX + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _has_messages(request) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0


def _serve(request, raw: bytes | None, versions: dict[bytes, bytes]) -> HttpResponse | None:
    """The kept page, if there is one and no table it read has been written since."""
    if raw is None:
        return None
    head, _, body = raw.partition(b"\n")
    entry = json.loads(head)
    if any(int(versions.get(t.encode(), 0)) != v for t, v in entry["versions"].items()):
        return None
    if PLACEHOLDER in body:
        body = body.replace(PLACEHOLDER, get_token(request).encode())
    response = HttpResponse(body)
    for name, value in entry["headers"]:
        response[name] = value
    response["X-Page-Cache"] = "hit"
    return response


def _keep(request, response, render) -> None:
    body = response.content
    secret = request.META.get("CSRF_COOKIE")
    if secret:
        for token in set(_TOKEN.findall(body)):
            if _unmask_cipher_token(token.decode()) == secret:
                body = body.replace(token, PLACEHOLDER)
    tables = sorted((render.reads | {_user_table()}) - _UNTRACKED)
    head = json.dumps(
        {
            "versions": {t: int(render.versions.get(t.encode(), 0)) for t in tables},
            "headers": [
                (k, v) for k, v in response.headers.items() if k.lower() not in _PER_RESPONSE
            ],
        }
    ).encode()
    render.client.set(render.key, head + b"\n" + body, ex=render.seconds)


@functools.cache
def _user_table() -> str:
    from django.contrib.auth import get_user_model

    return get_user_model()._meta.db_table


class _Render:
    """A GET on its way through the middleware; for a marked page missing from the cache: where
    to keep it, the versions read before the view ran, and the tables the view reads. Shared by
    reference: under ASGI, process_view and the view each run in a copy of the request's context."""

    def __init__(self) -> None:
        self.reads: set[str] | None = None  # None: not recording
        self.client = self.key = self.versions = None
        self.seconds = settings.PAGE_CACHE_SECONDS


class PageCacheMiddleware:
    """Answers a marked view's GET from the page cache, or keeps what it renders. The last
    middleware: the others (sessions, CSRF, CSP and security headers) apply to a kept page too,
    and the view's exceptions take their usual way."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "GET":
            return self.get_response(request)
        render = request._osez_render = _Render()
        token = _render.set(render)
        try:
            response = self.get_response(request)
        finally:
            _render.reset(token)
        if render.reads is not None and _keepable(request, response):
            try:
                _keep(request, response, render)
            except Exception as error:
                logger.warning("page cache: page not kept: %r", error)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        render = getattr(request, "_osez_render", None)
        if (
            render is None
            or not getattr(view_func, "osez_page_cache", False)
            or not enabled()
            or _has_messages(request)
        ):
            return None
        try:
            client = _client()
            key = _key(request)
            raw, versions = client.pipeline(transaction=False).get(key).hgetall(VERSIONS).execute()
            served = _serve(request, raw, versions)
            if served is not None:
                return served
        except Exception as error:
            logger.warning("page cache unavailable: %r", error)
            return None
        render.client, render.key, render.versions, render.reads = client, key, versions, set()
        marked = view_func.osez_page_cache
        if marked is not True:
            render.seconds = min(render.seconds, marked)
        return None


def _keepable(request, response) -> bool:
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and response.get("Content-Type", "").startswith("text/html")
        and not response.cookies
        and not any(name.lower().startswith("hx-") for name in response.headers)
        and not (session is not None and session.modified)
        and not _has_messages(request)
    )
