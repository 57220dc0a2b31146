"""Long lists cut into pages, the same way everywhere: Django's Paginator, `get_page` (a number
past the end gives the last page, anything that is not a number the first: never a 404 or a
500), and templates/_pagination.html for the links (core/templatetags/pagination.py)."""

from django.core.paginator import Page, Paginator

PER_PAGE = 25


def paginate(items, number, *, per_page: int | None = None, count: int | None = None) -> Page:
    """The page `number` (a query string value, or None) of `items`: a list, or a queryset that
    is then read one page at a time (a COUNT and the page's rows). `PER_PAGE` items a page.
    `count`: the number of items when the caller knows it already (several lists counted in one
    query): no COUNT then, and an empty list reads nothing."""
    paginator = Paginator(items, per_page or PER_PAGE)
    if count is not None:
        paginator.count = count  # Paginator.count is a cached_property: this is its value
    return paginator.get_page(number)
