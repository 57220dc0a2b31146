"""Per-request memo: a lookup that several layers of one page ask (the view, the rules' predicates,
the templates, the context processors) runs once per request.

`RequestMemoMiddleware` opens a memo for each GET or HEAD request (safe methods: they write
nothing that a lookup reads back, so an answer cannot go stale within the request) and closes it
with the response. Inside it, `memoised(key, compute)` answers `compute()` once per `key`; outside
a request (services, tasks, tests calling a rule directly) and in POST requests it simply calls
`compute()`: no answer ever outlives its request, nothing is cached across requests.

Only the one home of a lookup memoises it (the rule or the query function itself), with a key
naming the function and every argument it depends on: `("is_pitch_buyer", user.pk, buyer_id)`.
Memoised values are read-only for their callers (model instances included).
"""

from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import Any

_memo: ContextVar[dict | None] = ContextVar("osez_request_memo", default=None)

SAFE_METHODS = frozenset({"GET", "HEAD"})


def memoised(key: Hashable, compute: Callable[[], Any]) -> Any:
    """`compute()`, once per `key` within the current safe request; uncached outside one."""
    memo = _memo.get()
    if memo is None:
        return compute()
    try:
        return memo[key]
    except KeyError:
        value = memo[key] = compute()
        return value


class RequestMemoMiddleware:
    """Opens the memo of a GET or HEAD request (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in SAFE_METHODS:
            return self.get_response(request)
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)
