"""The one query-count helper: a list does not cost more queries with more items.

    def test_tables_queries_do_not_grow(assert_queries_constant, client, event):
        assert_queries_constant(
            items=growing(lambda n: TableFactory(event=event)),
            run=lambda _: client.get(url),
        )

`items(size)` brings the data to `size` items (1, then 3) and returns what `run` needs; `run(state)`
does the work measured (a page: its response must be 200). Each size is run twice and the second
run is counted, so per-session caches (session, content types, translations) do not count.
"""

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

SIZES = (1, 3)


def growing(add_one: Callable[[int], Any]) -> Callable[[int], None]:
    """`items` for assert_queries_constant from a function that adds the n-th item (0, 1, 2...)."""
    made = 0

    def items(size: int) -> None:
        nonlocal made
        while made < size:
            add_one(made)
            made += 1

    return items


def _run_counted(run: Callable[[Any], Any], state: Any) -> list[str]:
    run(state)  # warm: session, content types, translations
    with CaptureQueriesContext(connection) as captured:
        result = run(state)
    status = getattr(result, "status_code", 200)
    assert status == 200, f"the page answered {status}, not 200"
    return [query["sql"] for query in captured.captured_queries]


def assert_queries_constant(
    *, items: Callable[[int], Any], run: Callable[[Any], Any], sizes: tuple[int, ...] = SIZES
) -> int:
    """Assert `run` makes as many queries with every size of `items`; return that number."""
    runs = [_run_counted(run, items(size)) for size in sizes]
    counts = [len(queries) for queries in runs]
    if len(set(counts)) > 1:
        largest = "\n".join(runs[-1])
        raise AssertionError(
            f"queries grow with the items: {dict(zip(sizes, counts, strict=True))}; with "
            f"{sizes[-1]}:\n{largest}"
        )
    return counts[0]
