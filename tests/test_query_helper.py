"""The query-count helper itself (tests/queries.py) catches a list that grows."""

import pytest

from accounts.models import Theme
from tests.factories import EventFactory
from tests.queries import growing


def test_assert_queries_constant_counts_a_flat_read(assert_queries_constant):
    count = assert_queries_constant(
        items=growing(lambda n: EventFactory()), run=lambda _: list(Theme.objects.all())
    )

    assert count == 1


def test_assert_queries_constant_refuses_a_read_per_item(assert_queries_constant):
    from events.models import Event

    def one_query_per_event(_):
        return [event.organisers.count() for event in Event.objects.all()]

    with pytest.raises(AssertionError, match="grow with the items"):
        assert_queries_constant(items=growing(lambda n: EventFactory()), run=one_query_per_event)
