"""Access matrix of a buyer's responsible-purchasing indicators: its members only."""

from tests.access import Case, expect, matrix_test

CASES = [
    Case(
        "matching:buyer_indicators",
        expect(302, 200, 403, 403, 403, 403),
        lambda world: {"slug": world.buyer_org.slug},
    ),
    Case(
        "matching:buyer_indicators_file",
        expect(302, 200, 403, 403, 403, 403),
        lambda world: {"slug": world.buyer_org.slug, "fmt": "csv"},
    ),
]

test_access = matrix_test(CASES)
