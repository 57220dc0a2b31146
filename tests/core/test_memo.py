"""core/memo.py: a lookup asked by several layers of one GET request (view, rules, templates)
runs once in it; never across requests, never in a POST, never outside a request."""

from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from core.memo import RequestMemoMiddleware, memoised
from tests.factories import PitchFactory


def counting_view(calls: list):
    def view(request):
        for _ in range(3):
            memoised(("answer", 1), lambda: calls.append(1) or 42)
        return HttpResponse(str(memoised(("answer", 1), lambda: 0)))

    return view


def test_a_get_computes_each_key_once_and_forgets_it_afterwards():
    calls: list = []
    handler = RequestMemoMiddleware(counting_view(calls))

    assert handler(RequestFactory().get("/")).content == b"42"
    assert calls == [1]
    handler(RequestFactory().get("/"))  # a new request asks again
    assert calls == [1, 1]


def test_a_post_and_code_outside_a_request_are_not_memoised():
    calls: list = []
    RequestMemoMiddleware(counting_view(calls))(RequestFactory().post("/"))
    assert len(calls) == 3
    calls.clear()
    counting_view(calls)(None)
    assert len(calls) == 3


def test_a_rule_asked_twice_in_a_get_reads_once(event, buyer, buyer_org):
    """pitches.rules.is_pitch_buyer, asked by the view and again by its template: one query in a
    GET; the control, the same view without the memo's middleware, asks the database twice."""
    pitch = PitchFactory(event=event, buyer=buyer_org, author=buyer)

    def view(request):
        for _ in range(2):
            assert request.user.has_perm("pitches.manage_pitch", pitch)
        return HttpResponse()

    def membership_queries(handler) -> int:
        request = RequestFactory().get("/")
        request.user = buyer
        with CaptureQueriesContext(connection) as queries:
            handler(request)
        return sum('FROM "accounts_membership"' in q["sql"] for q in queries.captured_queries)

    assert membership_queries(RequestMemoMiddleware(view)) == 1
    assert membership_queries(view) == 2
