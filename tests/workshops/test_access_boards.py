"""Every idea board URL by role, on the day (event live). The ESS member holds a seat in the
workshop; the organiser posted an idea (so the ESS member votes for someone else's idea) and a
duplicate of it. Without htmx, an allowed action redirects back to the board (302), a refusal by
the service too (with its message); a role without the right gets 403."""

import pytest

from events.enums import Phase
from tests.access import Case, expect, fuzz_test, matrix_test
from tests.factories import SeatFactory
from workshops import services

PUBLIC = expect(200, 200, 200, 200, 200, 200)
MEMBER_PAGE = expect(302, 403, 200, 403, 200, 403)
MEMBER_ACTION = expect(302, 403, 302, 403, 302, 403)
MODERATOR_PAGE = expect(302, 403, 403, 403, 200, 403)
MODERATOR_ACTION = expect(302, 403, 403, 403, 302, 403)


@pytest.fixture
def world(world):
    world.event.phase = Phase.LIVE
    world.event.save(update_fields=["phase"])
    SeatFactory(workshop=world.workshop, registration=world.registration)
    organiser = world.users["organiser"]
    world.idea = services.post_idea(workshop=world.workshop, by=organiser, title="Goûters")
    world.duplicate = services.post_idea(workshop=world.workshop, by=organiser, title="Goûters !")
    return world


def board(world):
    return {"slug": world.event.slug, "pk": world.workshop.pk}


def idea(world):
    return {**board(world), "idea": world.duplicate.pk}


CASES = [
    Case("workshops:leads", PUBLIC, lambda world: {"slug": world.event.slug}),
    Case("workshops:board", MEMBER_PAGE, board),
    Case(
        "workshops:idea_new",
        MEMBER_ACTION,
        board,
        method="post",
        data=lambda world: {"title": "Vélos"},
    ),
    Case(
        "workshops:idea_comment",
        MEMBER_ACTION,
        idea,
        method="post",
        data=lambda world: {"text": "Oui"},
    ),
    Case(
        "workshops:idea_vote",
        MEMBER_ACTION,
        idea,
        method="post",
        data=lambda world: {"action": "add"},
    ),
    Case(
        "workshops:idea_moderate",
        MODERATOR_ACTION,
        idea,
        method="post",
        data=lambda world: {"action": "status", "status": "retained"},
    ),
    Case(
        "workshops:idea_merge",
        MODERATOR_ACTION,
        idea,
        method="post",
        data=lambda world: {"into": world.idea.pk},
    ),
    Case(
        "workshops:heading_new",
        MODERATOR_ACTION,
        board,
        method="post",
        data=lambda world: {"title": "Restauration"},
    ),
    Case(
        "workshops:board_settings",
        MODERATOR_ACTION,
        board,
        method="post",
        data=lambda world: {"vote_budget": 5},
    ),
    Case("workshops:board_close", MODERATOR_ACTION, board, method="post"),
    Case("workshops:board_markdown", MODERATOR_PAGE, board),
    Case("workshops:board_csv", MODERATOR_PAGE, board),
]

test_access = matrix_test(CASES)
test_fuzz = fuzz_test(CASES)
