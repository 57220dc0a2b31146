"""Access matrix of the day's pages on the agenda: presence at the table, re-pairing and
outcomes. `world.event` is live; the buyer and the structure's member meet now (the structure's
member has reported the buyer absent); the buyer met the structure's admin in the slot before. Presence and re-pairing belong
to the two people; an outcome to the members of either organisation; nobody else sees that the
meeting exists (404), organisers included."""

import pytest

from events.models import Registration
from matching.services import presence
from tests.access import Case, expect, fuzz_test, matrix_test
from tests.matching.day_world import live_day, meet
from tests.matching.schedule_world import buyer


@pytest.fixture
def world(world):
    day = live_day(world.event)
    mine = {
        role: Registration.objects.get(event=world.event, user=world.users[role])
        for role in ("buyer", "ess_member", "ess_admin")
    }
    world.now = meet(mine["buyer"], mine["ess_member"], day.current, day.tables[0])
    world.before = meet(mine["buyer"], mine["ess_admin"], day.past, day.tables[0])
    presence.report_absent(request=world.now, by=world.users["ess_member"])
    world.free = buyer(world.event)
    return world


def now(world):
    return {"slug": world.event.slug, "pk": world.now.pk}


def before(world):
    return {"slug": world.event.slug, "pk": world.before.pk}


PEOPLE_ACT = expect(302, 302, 302, 404, 404, 404)

CASES = [
    Case("matching:meeting_here", PEOPLE_ACT, now, method="post"),
    Case("matching:meeting_absent", PEOPLE_ACT, now, method="post"),
    # The buyer is the one reported absent: refused, back to the agenda with the reason.
    Case("matching:meeting_replace", expect(302, 302, 200, 404, 404, 404), now),
    Case(
        "matching:meeting_replace",
        PEOPLE_ACT,
        now,
        method="post",
        data=lambda w: {"partner": w.free.pk},
    ),
    Case("matching:meeting_outcome", expect(302, 200, 200, 200, 404, 404, other_ess=404), before),
    Case(
        "matching:meeting_outcome",
        expect(302, 302, 302, 302, 404, 404, other_ess=404),
        before,
        method="post",
        data=lambda w: {"outcome": "quote_asked", "note": "Devis à envoyer"},
    ),
]

test_access = matrix_test(CASES)
test_fuzz = fuzz_test(CASES)
