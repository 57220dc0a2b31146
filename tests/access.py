"""The access matrix: every URL of the project, for every role, with the expected status.

Each app lists its URLs in tests/<app>/test_access.py as `CASES = [Case(...), ...]`,
`test_access = matrix_test(CASES)` and `test_fuzz = fuzz_test(CASES)`.
tests/test_access_completeness.py fails when a named URL of the project appears in no app's CASES
(or a module lacks one of the tests).

Roles (tests/roles.py): anonymous, buyer (admin of world.buyer_org), ess_member and ess_admin (of
world.ess_org), organiser (of world.event), other_organiser (of world.other_event), given
positionally to `expect`; then stranger, other_participant, other_ess and staff, which expect what
the role they derive from expects (tests/roles.py DERIVED_ROLES) unless the case names them
(`expect(..., other_ess=404)`). Anonymous users asking for a page that needs login are redirected
(302) to the login page; logged-in users without the right get 403 (or 404 where even the
existence of the object is private).

Every case also runs as:
- a POST by each role its GET refuses (403/404): refused too (403, 404 or 405), so that a view's
  POST branch cannot skip the check its GET does;
- ids of world.event with another event's slug (IDOR), for the URLs naming an event and an object
  of it: the other event's organiser and staff get 403 or 404, never the object.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import reverse

from tests.roles import (
    ANONYMOUS,
    BASE_ROLES,
    DERIVED_ROLES,
    OTHER_ORGANISER,
    OTHER_PARTICIPANT,
    ROLES,
    STAFF,
)


@dataclass(frozen=True)
class Case:
    name: str  # "namespace:url_name"
    expected: dict[str, int]  # role -> status; every role in ROLES must be given
    kwargs: Callable[[Any], dict] = lambda world: {}
    method: str = "get"
    data: Callable[[Any], dict] = field(default=lambda world: {})

    def __post_init__(self):
        missing = set(BASE_ROLES) - set(self.expected)
        if missing:
            raise ValueError(f"{self.name}: no expected status for {sorted(missing)}")
        unknown = set(self.expected) - set(ROLES)
        if unknown:
            raise ValueError(f"{self.name}: unknown roles {sorted(unknown)}")
        derived = {role: self.expected[base] for role, base in DERIVED_ROLES.items()}
        object.__setattr__(self, "expected", derived | self.expected)


def expect(
    anonymous, buyer, ess_member, ess_admin, organiser, other_organiser, **others
) -> dict[str, int]:
    """Positional shorthand in the order of BASE_ROLES; the derived roles by name."""
    return (
        dict(
            zip(
                BASE_ROLES,
                (anonymous, buyer, ess_member, ess_admin, organiser, other_organiser),
                strict=True,
            )
        )
        | others
    )


REFUSED = (403, 404)
# URL arguments that name a kind of thing, not one object.
NOT_OBJECTS = {"slug", "fmt", "name", "file_format"}


def matrix_test(cases: list[Case]):
    """One test per case and role (`access`), plus the POSTs its GET refuses (`refused-post`)
    and the ids of world.event with another event's slug (`idor`)."""
    params = [
        pytest.param(case, role, "access", id=f"access-{case.name}-{role}")
        for case in cases
        for role in ROLES
    ]
    params += [
        pytest.param(case, role, "refused-post", id=f"refused-post-{case.name}-{role}")
        for case in cases
        if case.method == "get"
        for role in ROLES
        if case.expected[role] in REFUSED
    ]
    params += [
        pytest.param(case, role, "idor", id=f"idor-{case.name}-{case.method}-{role}")
        for case in cases
        if names_an_object_of_an_event(case.name)
        for role in (OTHER_ORGANISER, OTHER_PARTICIPANT, STAFF)
    ]

    @pytest.mark.parametrize(("case", "role", "kind"), params)
    def test_access(client, world, case: Case, role: str, kind: str):
        kwargs, method, expected = case.kwargs(world), case.method, (case.expected[role],)
        if kind == "refused-post":  # what the GET refuses, the POST refuses (or does not take)
            method, expected = "post", (*REFUSED, 405)
        elif kind == "idor":  # refused, even to who organises that event (staff organise all)
            kwargs, expected = kwargs | {"slug": world.other_event.slug}, REFUSED
        if role != ANONYMOUS:
            client.force_login(world.users[role])
        url = reverse(case.name, kwargs=kwargs)
        response = getattr(client, method)(url, case.data(world))
        if response.streaming:  # a file download: read it, so that the file is closed
            b"".join(response.streaming_content)
        assert response.status_code in expected, (
            f"{kind}: {method.upper()} {url} as {role}: {response.status_code}"
        )

    return test_access


def names_an_object_of_an_event(url_name: str) -> bool:
    """The URL is an event's (e/<slug>/...) and names one of its objects (a pk, a user...)."""
    from django.urls import get_resolver

    resolver, prefix = get_resolver(), ""
    *namespaces, name = url_name.split(":")
    for namespace in namespaces:
        namespace_prefix, resolver = resolver.namespace_dict[namespace]
        prefix += namespace_prefix
    return any(
        (prefix + route).startswith("e/%(slug)s/") and set(params) - NOT_OBJECTS
        for possibilities, *_ in resolver.reverse_dict.getlist(name)
        for route, params in possibilities
    )


# Query keys tried on every page, on top of its GET forms' fields: pagination, sorting, filters,
# and what views read from the query themselves (`grep -rn "request.GET" */views*`).
QUERY_KEYS = (
    *("page", "q", "sort", "order", "status", "role", "day", "theme", "next", "a", "b"),
    *("pitch", "to", "organisation", "part", "changed", "directory", "all", "group", "fmt"),
)


def fuzz_test(cases: list[Case]):
    """Hostile input through the views (tests/fuzz.py): each case is fuzzed as the most powerful
    role the matrix lets in (FUZZ_ROLES); a GET case posts to the page's own forms and queries it
    with junk, a POST case posts junk in place of its data. Never a 5xx (the test client raises
    a view's exception)."""
    from django.urls import resolve
    from hypothesis import given
    from hypothesis import strategies as st

    from tests.fuzz import FUZZ_ROLES, FUZZ_VIEWS, NOT_FUZZED_ACTIONS, page_forms, request_data

    params, seen = [], set()
    for case in cases:
        role = next((r for r in FUZZ_ROLES if case.expected[r] < 400), None)
        if role is not None and (case.name, case.method) not in seen:
            seen.add((case.name, case.method))
            params.append(pytest.param(case, role, id=f"{case.name}-{case.method}-{role}"))

    def targets(client, case: Case, url: str, world) -> list[tuple[str, str, dict, dict]]:
        if case.method == "post":
            return [("post", url, {}, case.data(world))]
        found = [("get", url, {key: {"type": "text", "values": []} for key in QUERY_KEYS}, {})]
        response = client.get(url, case.data(world))
        if response.streaming or "html" not in response.get("Content-Type", ""):
            b"".join(response.streaming_content) if response.streaming else None
            return found
        for form in page_forms(response.content.decode()):
            action = form["action"] or url
            if action.startswith(NOT_FUZZED_ACTIONS) or not action.startswith("/"):
                continue
            if resolve(action.split("?")[0]).url_name != resolve(url).url_name:
                continue  # another page's work: fuzzed through that page's own case
            found.append((form["method"], action, form["fields"], {}))
        return found

    @pytest.mark.parametrize(("case", "role"), params)
    @FUZZ_VIEWS
    @given(drawn=st.data())
    def test_fuzz(client, world, case: Case, role: str, drawn):
        client.force_login(world.users[role])
        url = reverse(case.name, kwargs=case.kwargs(world))
        cache = world.__dict__.setdefault("fuzz_targets", {})  # one GET per test, not per example
        if id(case) not in cache:
            cache[id(case)] = targets(client, case, url, world)
        target = drawn.draw(st.sampled_from(cache[id(case)]), label="target")
        method, action, fields, known = target
        data = drawn.draw(request_data(fields, known), label="data")
        response = getattr(client, method)(action, data)
        if response.streaming:
            b"".join(response.streaming_content)
        assert response.status_code < 500, f"{method.upper()} {action} as {role}"

    return test_fuzz
