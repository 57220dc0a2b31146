"""The access matrix: every URL of the project, for every role, with the expected status.

Each app lists its URLs in tests/<app>/test_access.py as `CASES = [Case(...), ...]` and
`test_access = matrix_test(CASES)`. tests/test_access_completeness.py fails when a named URL of the
project appears in no app's CASES.

Roles (tests/roles.py): anonymous, buyer (admin of world.buyer_org), ess_member and ess_admin (of
world.ess_org), organiser (of world.event), other_organiser (of another event). Anonymous users asking for a page that
needs login are redirected (302) to the login page; logged-in users without the right get 403 (or 404
where even the existence of the object is private).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import reverse

from tests.roles import ANONYMOUS, ROLES


@dataclass(frozen=True)
class Case:
    name: str  # "namespace:url_name"
    expected: dict[str, int]  # role -> status; every role in ROLES must be given
    kwargs: Callable[[Any], dict] = lambda world: {}
    method: str = "get"
    data: Callable[[Any], dict] = field(default=lambda world: {})

    def __post_init__(self):
        missing = set(ROLES) - set(self.expected)
        if missing:
            raise ValueError(f"{self.name}: no expected status for {sorted(missing)}")


def expect(anonymous, buyer, ess_member, ess_admin, organiser, other_organiser) -> dict[str, int]:
    """Positional shorthand in the order of ROLES."""
    return dict(
        zip(
            ROLES,
            (anonymous, buyer, ess_member, ess_admin, organiser, other_organiser),
            strict=True,
        )
    )


def matrix_test(cases: list[Case]):
    params = [
        pytest.param(case, role, id=f"{case.name}-{role}") for case in cases for role in ROLES
    ]

    @pytest.mark.parametrize(("case", "role"), params)
    def test_access(client, world, case: Case, role: str):
        if role != ANONYMOUS:
            client.force_login(world.users[role])
        url = reverse(case.name, kwargs=case.kwargs(world))
        response = getattr(client, case.method)(url, case.data(world))
        if response.streaming:  # a file download: read it, so that the file is closed
            b"".join(response.streaming_content)
        assert response.status_code == case.expected[role], f"{case.method.upper()} {url} as {role}"

    return test_access
