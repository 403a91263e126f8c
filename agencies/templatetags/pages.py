"""Small helpers for the public pages: links between the pages of a list, and how many
sources back a fact."""

from __future__ import annotations

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import format_html_join

register = template.Library()


@register.simple_tag(takes_context=True)
def page_query(context, param: str, number: int) -> str:
    """The current query string with `param` set to `number`: `{% querystring %}` only takes
    parameter names written in the template, and a page with two lists names them apart."""
    query = context["request"].GET.copy()
    query[param] = number
    return f"?{query.urlencode()}"


@register.filter
def sources_summary(citations) -> str:
    """ "2 sources", or "3 citations from 1 source" when a source is cited more than once: a
    reader counting independent confirmations needs the sources, not the quotes."""
    citations = list(citations)
    sources = len({citation.source_id for citation in citations})
    named = f"{sources} source{'s' if sources != 1 else ''}"
    if len(citations) == sources:
        return named
    return f"{len(citations)} citations from {named}"


@register.filter
def verbose_name_of(record) -> str:
    """The kind of a record, in words: "agency", "use", "regulatory action"."""
    return str(record._meta.verbose_name)


@register.filter
def facet_options(facet) -> str:
    """A facet's <option>s, each with how many it would leave: rendered in one call, where a
    template loop over a country's hundred options was a fifth of the agency list's time."""
    return format_html_join(
        "\n",
        '<option value="{}"{}>{} ({})</option>',
        (
            (
                option.value,
                " selected" if option.selected else "",
                option.label,
                intcomma(option.count),
            )
            for option in facet.options
        ),
    )
