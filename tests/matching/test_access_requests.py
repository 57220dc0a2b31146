"""Access matrix of meeting requests and self-service booking. Roles: see tests/access.py.

The event is in its requests phase and lets participants pick a slot. world.request is pending from
the buyer to ess_member; world.accepted is accepted, from ess_admin to the buyer of another
organisation (one open request per pair of organisations), not yet placed. ess_admin is not a
party to world.request, the buyer and ess_member not to world.accepted: to them (and to
organisers) the other one's requests do not exist (404).
"""

import pytest

from matching.services import requests as services
from tests.access import Case, expect, fuzz_test, matrix_test
from tests.factories import BuyerOrganisationFactory, MembershipFactory, RegistrationFactory


@pytest.fixture
def world(world, requests_phase, self_service, slots, tables):
    users = world.users
    buyer = users["buyer"].registrations.get(event=world.event)
    ess_member = users["ess_member"].registrations.get(event=world.event)
    ess_admin = users["ess_admin"].registrations.get(event=world.event)
    other_org = BuyerOrganisationFactory()
    other_buyer = RegistrationFactory(
        event=world.event,
        user=MembershipFactory(organisation=other_org).user,
        organisation=other_org,
        role="buyer",
    )
    world.request = services.send_request(sender=buyer, recipient=ess_member, by=users["buyer"])
    world.accepted = services.accept_request(
        request=services.send_request(
            sender=ess_admin, recipient=other_buyer, by=users["ess_admin"]
        ),
        by=other_buyer.user,
    )
    return world


def event(world):
    return {"slug": world.event.slug}


def pending(world):
    return {"slug": world.event.slug, "pk": world.request.pk}


def accepted(world):
    return {"slug": world.event.slug, "pk": world.accepted.pk}


CASES = [
    Case("matching:participants", expect(302, 200, 200, 200, 200, 403), event),
    Case("matching:requests", expect(302, 200, 200, 200, 403, 403), event),
    # The buyer's own organisation has nobody else taking part: 404; the structures see the form.
    Case(
        "matching:request_new",
        expect(302, 404, 200, 200, 403, 403),
        lambda w: {"slug": w.event.slug, "org_pk": w.buyer_org.pk},
    ),
    # The sender may not answer their own request: redirected with a message.
    Case("matching:request_accept", expect(302, 302, 200, 404, 404, 404), pending),
    Case("matching:request_decline", expect(302, 302, 200, 404, 404, 404), pending),
    # The sender withdraws; the recipient cannot withdraw (redirected with a message).
    Case("matching:request_cancel", expect(302, 302, 302, 404, 404, 404), pending, method="post"),
    Case("matching:request_book", expect(302, 404, 404, 200, 404, 404, other_ess=404), accepted),
    Case("matching:settings", expect(302, 403, 403, 403, 200, 403), event),
]

test_access = matrix_test(CASES)
test_fuzz = fuzz_test(CASES)
