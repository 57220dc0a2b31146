"""Counts of related rows on a list, as correlated subqueries.

`Count("a", distinct=True)` and `Count("b", distinct=True)` on one queryset join both relations
and count distinct ids among the product of their rows: with 150 interests and 150 questions on
a pitch that is 22,500 rows for one pitch (60-140 ms per list on the bench's event, bench/pages.py).
A subquery per count reads each relation's rows once, with the same number of queries."""

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce


def count_of(rows: QuerySet, link: str) -> Coalesce:
    """An annotation: how many of `rows` have `link` (a foreign key to the annotated model)
    equal to the outer row; 0 when none."""
    counted = (
        rows.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(count=Count("*"))
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)
