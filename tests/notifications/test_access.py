from tests.access import Case, expect, fuzz_test, matrix_test

EVERYONE_SIGNED_IN = expect(302, 200, 200, 200, 200, 200)

CASES = [
    Case("notifications:centre", EVERYONE_SIGNED_IN),
    Case("notifications:preferences", EVERYONE_SIGNED_IN),
    # A forged token is refused to everyone, signed in or not (the real one is tested apart).
    Case(
        "notifications:unsubscribe",
        expect(404, 404, 404, 404, 404, 404),
        kwargs=lambda world: {"token": "forged"},
    ),
]

test_access = matrix_test(CASES)
test_fuzz = fuzz_test(CASES)
