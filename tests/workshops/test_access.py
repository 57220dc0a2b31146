"""Every workshops URL by role, while wishes are open (no seat assignment applied yet).
test_access_seats.py covers the participants' seat URLs once seats are assigned."""

from tests.access import Case, expect, fuzz_test, matrix_test

PUBLIC = expect(200, 200, 200, 200, 200, 200)
PARTICIPANT_ACTION = expect(302, 302, 302, 302, 403, 403)
CLOSED_FOR_ALL = expect(302, 403, 403, 403, 403, 403)
ORGANISER_PAGE = expect(302, 403, 403, 403, 200, 403)
ORGANISER_ACTION = expect(302, 403, 403, 403, 302, 403)


def slug(world):
    return {"slug": world.event.slug}


def workshop(world):
    return {"slug": world.event.slug, "pk": world.workshop.pk}


CASES = [
    Case("workshops:list", PUBLIC, slug),
    Case(
        "workshops:wishes",
        PARTICIPANT_ACTION,
        slug,
        method="post",
        data=lambda world: {"choice_1": world.workshop.pk},
    ),
    # Seats open only once the organisers applied an assignment (see test_access_seats.py).
    Case("workshops:take", CLOSED_FOR_ALL, workshop, method="post"),
    Case("workshops:leave", CLOSED_FOR_ALL, workshop, method="post"),
    Case("workshops:registrants", ORGANISER_PAGE, workshop),
    Case("workshops:assignment", ORGANISER_PAGE, slug),
    Case(
        "workshops:apply",
        ORGANISER_ACTION,
        lambda world: {"slug": world.event.slug, "pk": world.proposal.pk},
        method="post",
    ),
]

test_access = matrix_test(CASES)
test_fuzz = fuzz_test(CASES)
