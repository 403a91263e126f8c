"""Links between the pages of a list, for pages that page more than one list."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_query(context, param: str, number: int) -> str:
    """The current query string with `param` set to `number`: `{% querystring %}` only takes
    parameter names written in the template, and a page with two lists names them apart."""
    query = context["request"].GET.copy()
    query[param] = number
    return f"?{query.urlencode()}"
