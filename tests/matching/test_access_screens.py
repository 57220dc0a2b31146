"""Access matrix of the day's pages: the organisers' live dashboard is theirs; venue screens: the organisers manage the links; a live link opens the
screen for anyone (no login); a revoked or forged one for nobody."""

import pytest

from matching.services import screens
from tests.access import Case, expect, fuzz_test, matrix_test


@pytest.fixture
def world(world):
    organiser = world.users["organiser"]
    world.screen = screens.create_screen(event=world.event, name="Hall", by=organiser)
    world.revoked = screens.create_screen(event=world.event, name="Old", by=organiser)
    screens.revoke_screen(screen=world.revoked, by=organiser)
    return world


def event(world):
    return {"slug": world.event.slug}


EVERYONE = expect(200, 200, 200, 200, 200, 200)
NOBODY = expect(404, 404, 404, 404, 404, 404)

CASES = [
    Case("matching:screens", expect(302, 403, 403, 403, 200, 403), event),
    Case(
        "matching:screens",
        expect(302, 403, 403, 403, 302, 403),
        event,
        method="post",
        data=lambda w: {"name": "Salle B"},
    ),
    Case(
        "matching:screen_revoke",
        expect(302, 403, 403, 403, 302, 403),
        lambda w: {"slug": w.event.slug, "pk": w.screen.pk},
        method="post",
    ),
    Case("matching:live", expect(302, 403, 403, 403, 200, 403), event),
    Case("matching:live_panel", expect(302, 403, 403, 403, 200, 403), event),
    Case("matching:screen", EVERYONE, lambda w: {"token": w.screen.token}),
    Case("matching:screen_board", EVERYONE, lambda w: {"token": w.screen.token}),
    Case("matching:screen", NOBODY, lambda w: {"token": w.revoked.token}),
    Case("matching:screen_board", NOBODY, lambda w: {"token": "forged"}),
]

test_access = matrix_test(CASES)
test_fuzz = fuzz_test(CASES)
