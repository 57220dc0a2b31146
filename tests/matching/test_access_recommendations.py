"""Access matrix of the recommendations pages (see tests/access.py)."""

import pytest

from events.enums import Phase
from pitches.enums import PitchStatus
from tests.access import Case, expect, fuzz_test, matrix_test
from tests.factories import EventFactory, PitchFactory


@pytest.fixture
def world(world):
    world.reco_pitch = PitchFactory(event=world.event, buyer=world.buyer_org)
    world.reco_draft = PitchFactory(
        event=world.event, buyer=world.buyer_org, status=PitchStatus.DRAFT, published_at=None
    )
    world.reco_draft_event = EventFactory(phase=Phase.DRAFT)
    world.reco_draft_event.organisers.add(world.users["organiser"])
    return world


CASES = [
    Case(
        "matching:pitches_for_me",
        # Any ESS structure may answer the event's pitches (pitches.rules.express_interest).
        expect(302, 403, 200, 200, 403, 403, other_participant=200),
        kwargs=lambda w: {"slug": w.event.slug},
    ),
    # A draft event exists only for its organisers (who have no ESS structure here).
    Case(
        "matching:pitches_for_me",
        expect(302, 404, 404, 404, 403, 404),
        kwargs=lambda w: {"slug": w.reco_draft_event.slug},
    ),
    Case(
        "matching:structures_for_pitch",
        expect(302, 200, 403, 403, 200, 403),
        kwargs=lambda w: {"pk": w.reco_pitch.pk},
    ),
    # A draft pitch exists only for its buyer and the organisers.
    Case(
        "matching:structures_for_pitch",
        expect(302, 200, 404, 404, 200, 404),
        kwargs=lambda w: {"pk": w.reco_draft.pk},
    ),
    Case(
        "matching:structures_for_pitch",
        expect(302, 404, 404, 404, 404, 404),
        kwargs=lambda w: {"pk": 999999},
    ),
]

test_access = matrix_test(CASES)
test_fuzz = fuzz_test(CASES)
