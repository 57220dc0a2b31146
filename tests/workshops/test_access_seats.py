"""The participants' workshop URLs once the organisers applied a seat assignment."""

import pytest

from tests.access import Case, expect, fuzz_test, matrix_test
from workshops.services import apply_plan, propose_seats

PUBLIC = expect(200, 200, 200, 200, 200, 200)
PARTICIPANT_ACTION = expect(302, 302, 302, 302, 403, 403)
CLOSED_FOR_ALL = expect(302, 403, 403, 403, 403, 403)


@pytest.fixture
def world(world):
    apply_plan(proposal=world.proposal, by=world.users["organiser"])
    world.proposal = propose_seats(event=world.event, by=world.users["organiser"])
    return world


def slug(world):
    return {"slug": world.event.slug}


def workshop(world):
    return {"slug": world.event.slug, "pk": world.workshop.pk}


CASES = [
    Case("workshops:list", PUBLIC, slug),
    Case(
        "workshops:wishes",
        CLOSED_FOR_ALL,
        slug,
        method="post",
        data=lambda world: {"choice_1": world.workshop.pk},
    ),
    Case("workshops:take", PARTICIPANT_ACTION, workshop, method="post"),
    Case("workshops:leave", PARTICIPANT_ACTION, workshop, method="post"),
]

test_access = matrix_test(CASES)
test_fuzz = fuzz_test(CASES)
