"""Access matrix of the organisers' scheduling console and the participant's agenda.

`world.event` is in the registration phase: organisers may look at the console, and their actions
are refused with a message (302 back to the console), never a 500."""

import pytest

from matching.models import ScheduleVersion
from matching.services.requests import book_meeting
from tests.access import Case, expect, fuzz_test, matrix_test
from tests.factories import TableFactory
from tests.matching.schedule_world import accepted, buyer, ess, make_block


@pytest.fixture
def world(world):
    slots = make_block(world.event)
    table = TableFactory(event=world.event, name="T01")
    placed = accepted(buyer(world.event), ess(world.event))
    world.meeting = book_meeting(
        request=placed, slot=slots[0], table=table, by=world.users["organiser"]
    )
    world.unscheduled = accepted(buyer(world.event), ess(world.event))
    world.version = ScheduleVersion.objects.create(event=world.event, number=1, meetings=[])
    return world


def event(world):
    return {"slug": world.event.slug}


def meeting(world):
    return {"slug": world.event.slug, "pk": world.meeting.pk}


ORGANISERS_ONLY = expect(302, 403, 403, 403, 200, 403)
ORGANISERS_ACT = expect(302, 403, 403, 403, 302, 403)

CASES = [
    Case("matching:schedule", ORGANISERS_ONLY, event),
    Case("matching:schedule_participants", ORGANISERS_ONLY, event),
    Case("matching:versions", ORGANISERS_ONLY, event),
    Case("matching:meeting", ORGANISERS_ONLY, meeting),
    Case("matching:meeting", ORGANISERS_ONLY, meeting, method="post"),
    Case(
        "matching:request_place",
        ORGANISERS_ONLY,
        lambda w: {"slug": w.event.slug, "pk": w.unscheduled.pk},
    ),
    Case(
        "matching:request_place",
        ORGANISERS_ONLY,
        lambda w: {"slug": w.event.slug, "pk": w.unscheduled.pk},
        method="post",
    ),
    Case("matching:schedule_run", ORGANISERS_ACT, event, method="post"),
    Case("matching:schedule_publish", ORGANISERS_ACT, event, method="post"),
    Case("matching:meeting_lock", ORGANISERS_ACT, meeting, method="post"),
    Case("matching:meeting_unschedule", ORGANISERS_ACT, meeting, method="post"),
    Case(
        "matching:version_unpublish",
        ORGANISERS_ACT,
        lambda w: {"slug": w.event.slug, "number": w.version.number},
        method="post",
    ),
    Case("matching:agenda", expect(302, 200, 200, 200, 403, 403), event),
    Case("matching:statistics", ORGANISERS_ONLY, event),
    Case(
        "matching:statistics_chart",
        ORGANISERS_ONLY,
        lambda w: {"slug": w.event.slug, "name": "funnel"},
    ),
]

test_access = matrix_test(CASES)
test_fuzz = fuzz_test(CASES)
