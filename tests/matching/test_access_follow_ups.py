"""Access matrix of the follow-ups after the day. `world.event` is live; the buyer and the
structure's member met in a slot that has ended and the buyer planned a follow-up. The people
of both organisations see and update it (the structure's admin too, as a member); the event's
organisers see it read only (a POST is refused) and the list of all; nobody else sees it."""

import pytest

from events.models import Registration
from matching.enums import Outcome
from matching.models import FollowUp
from matching.services.outcomes import record_outcome
from tests.access import Case, expect, fuzz_test, matrix_test
from tests.matching.day_world import live_day, meet


@pytest.fixture
def world(world):
    day = live_day(world.event)
    mine = {
        role: Registration.objects.get(event=world.event, user=world.users[role])
        for role in ("buyer", "ess_member")
    }
    request = meet(mine["buyer"], mine["ess_member"], day.past, day.tables[0])
    record_outcome(request=request, by=world.users["buyer"], outcome=Outcome.QUOTE_ASKED)
    world.follow_up = FollowUp.objects.get(request=request)
    return world


def event(world):
    return {"slug": world.event.slug}


def follow_up(world):
    return {"slug": world.event.slug, "pk": world.follow_up.pk}


CASES = [
    Case("matching:follow_ups", expect(302, 200, 200, 200, 200, 200), event),
    Case("matching:follow_up", expect(302, 200, 200, 200, 200, 404, other_ess=404), follow_up),
    Case(
        "matching:follow_up",
        expect(302, 302, 302, 302, 403, 404, other_ess=404),
        follow_up,
        method="post",
        data=lambda w: {"quote_sent_on": "2027-01-05"},
    ),
    Case("matching:event_follow_ups", expect(302, 403, 403, 403, 200, 403), event),
]

test_access = matrix_test(CASES)
test_fuzz = fuzz_test(CASES)
