"""Eligibility of every structure type for every procurement route, verified or not."""

import datetime as dt

import pytest

from accounts.enums import DisabilityType, InsertionType, OrganisationKind
from accounts.models import Organisation
from pitches.enums import Eligibility, Route
from pitches.rules import eligibility, eligible_routes, is_eligible

VERIFIED = dt.datetime(2019, 10, 1, tzinfo=dt.UTC)

E, NV, NE = Eligibility.ELIGIBLE, Eligibility.NOT_VERIFIED, Eligibility.NOT_ELIGIBLE

# type -> organisation fields
TYPES = {
    "association": {"legal_form": "association"},
    "no_legal_form": {},
    "esus": {"esus_agreed": True},
    "ea": {"legal_form": "association", "disability_type": DisabilityType.EA},
    "esat": {"legal_form": "association", "disability_type": DisabilityType.ESAT},
    "aci": {"legal_form": "association", "insertion_type": InsertionType.ACI},
    "ei": {"legal_form": "scop", "insertion_type": InsertionType.EI},
    "ai": {"legal_form": "association", "insertion_type": InsertionType.AI},
    "etti": {"insertion_type": InsertionType.ETTI},
    "eiti": {"insertion_type": InsertionType.EITI},
    "geiq": {"legal_form": "association", "insertion_type": InsertionType.GEIQ},
}

OPEN_ROUTES = [Route.SOURCING, Route.QUOTE, Route.ADAPTED, Route.SOCIAL_CLAUSE]

# Expected eligibility for reserved routes, when the type is verified.
RESERVED = {
    #                 L2113-12 EA/ESAT, L2113-13 SIAE, L2113-14 both, L2113-15 ESS companies
    "association": (NE, NE, NE, E),
    "no_legal_form": (NE, NE, NE, NE),
    "esus": (NE, NE, NE, E),
    "ea": (E, NE, E, E),
    "esat": (E, NE, E, E),
    "aci": (NE, E, E, E),
    "ei": (NE, E, E, E),
    "ai": (NE, E, E, E),
    "etti": (NE, E, E, NE),
    "eiti": (NE, E, E, NE),
    "geiq": (NE, NE, NE, E),
}
RESERVED_ORDER = [
    Route.RESERVED_DISABILITY,
    Route.RESERVED_SIAE,
    Route.RESERVED_BOTH,
    Route.RESERVED_ESS,
]


def organisation(type_name: str, *, verified: bool) -> Organisation:
    return Organisation(
        kind=OrganisationKind.ESS,
        name=type_name,
        verified_at=VERIFIED if verified else None,
        **TYPES[type_name],
    )


CASES = [
    pytest.param(type_name, route, verified, expected, id=f"{type_name}-{route}-{verified}")
    for type_name, row in RESERVED.items()
    for verified in (True, False)
    for route, expected in [
        *((r, E) for r in OPEN_ROUTES),
        *(
            (r, NV if (not verified and value == E) else value)
            for r, value in zip(RESERVED_ORDER, row, strict=True)
        ),
    ]
]


@pytest.mark.parametrize(("type_name", "route", "verified", "expected"), CASES)
def test_eligibility_follows_route_and_verified_type(type_name, route, verified, expected):
    org = organisation(type_name, verified=verified)

    assert eligibility(org, route) == expected
    assert is_eligible(org, route) == (expected == E)


def test_eligibility_buyer_is_never_eligible():
    buyer = Organisation(kind=OrganisationKind.BUYER, name="Ville", verified_at=VERIFIED)

    assert [eligibility(buyer, route) for route in Route.values] == [NE] * len(Route.values)


def test_eligible_routes_union_of_structures():
    orgs = [organisation("ea", verified=True), organisation("aci", verified=False)]

    assert eligible_routes(orgs) == {
        *OPEN_ROUTES,
        Route.RESERVED_DISABILITY,
        Route.RESERVED_BOTH,
        Route.RESERVED_ESS,
    }
