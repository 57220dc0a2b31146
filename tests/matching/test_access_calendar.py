"""Access matrix of a meeting's .ics download. Roles: see tests/access.py.

world.booked is ess_admin's meeting with a buyer of another organisation, booked at 14:00: it
exists only for its two parties; to everyone else it does not (404), and organisers, who have no
registration of their own, are refused (403)."""

import pytest

from matching.services import requests as services
from tests.access import Case, expect, fuzz_test, matrix_test
from tests.factories import BuyerOrganisationFactory, MembershipFactory, RegistrationFactory


@pytest.fixture
def world(world, requests_phase, self_service, slots, tables):
    ess_admin = world.users["ess_admin"].registrations.get(event=world.event)
    other_org = BuyerOrganisationFactory()
    other_buyer = RegistrationFactory(
        event=world.event,
        user=MembershipFactory(organisation=other_org).user,
        organisation=other_org,
        role="buyer",
    )
    world.booked = services.accept_request(
        request=services.send_request(
            sender=ess_admin, recipient=other_buyer, by=world.users["ess_admin"]
        ),
        by=other_buyer.user,
        slot=slots[0],
    )
    return world


CASES = [
    Case(
        "matching:meeting_ics",
        expect(302, 404, 404, 200, 403, 403, other_ess=404),
        lambda w: {"slug": w.event.slug, "pk": w.booked.pk},
    ),
]

test_access = matrix_test(CASES)
test_fuzz = fuzz_test(CASES)
