"""Access matrix of a buyer's responsible-purchasing indicators: its members only (and staff,
who see every organisation's private pages: accounts.view_organisation_private)."""

from tests.access import Case, expect, fuzz_test, matrix_test

CASES = [
    Case(
        "matching:buyer_indicators",
        expect(302, 200, 403, 403, 403, 403, staff=200),
        lambda world: {"slug": world.buyer_org.slug},
    ),
    Case(
        "matching:buyer_indicators_file",
        expect(302, 200, 403, 403, 403, 403, staff=200),
        lambda world: {"slug": world.buyer_org.slug, "fmt": "csv"},
    ),
]

test_access = matrix_test(CASES)
test_fuzz = fuzz_test(CASES)
