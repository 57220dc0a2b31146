"""{% page_url param number %}: the current page's query string with `param` set to `number`
(the other lists' pages and the filters kept; htmx's `part` dropped). The query comes from the
context's `page_params` when the view set it (a page re-rendered live, without a request), else
from the request."""

from django import template
from django.http import QueryDict

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, param: str, number: int) -> str:
    params = context.get("page_params")
    if params is None:
        request = context.get("request")
        params = request.GET if request is not None else QueryDict()
    query = params.copy()
    query.pop("part", None)
    query[param] = number
    return "?" + query.urlencode()
