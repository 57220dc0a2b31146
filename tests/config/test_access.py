from tests.access import Case, expect, fuzz_test, matrix_test

CASES = [
    Case("home", expect(200, 200, 200, 200, 200, 200)),
    Case("healthz", expect(200, 200, 200, 200, 200, 200)),
    Case("service_worker", expect(200, 200, 200, 200, 200, 200)),
]

test_access = matrix_test(CASES)
test_fuzz = fuzz_test(CASES)
