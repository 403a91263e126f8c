"""Small helpers for the public pages: links between the pages of a list, and how many
sources back a fact."""

from __future__ import annotations

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

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


@register.filter
def place_rows(places: list[dict], agency_list_url: str) -> str:
    """The dashboard's table rows of places, each linking to its agencies: rendered in one call,
    where a template loop over seventy places was a quarter of the dashboard's time."""

    def subdivision(place: dict) -> str:
        if not place["subdivision"]:
            return mark_safe('<span class="muted">no province or state</span>')
        return format_html(
            '<a href="{}?subdivision={}">{}</a>',
            agency_list_url,
            place["subdivision"],
            place["subdivision_name"],
        )

    return format_html_join(
        "\n",
        '<tr><td><a href="{}?country={}">{}</a></td><td>{}</td><td class="num">{}</td></tr>',
        (
            (
                agency_list_url,
                place["country"],
                place["country_name"],
                subdivision(place),
                intcomma(place["count"]),
            )
            for place in places
        ),
    )


@register.simple_tag
def status_badge(status: str, label: str, reported=None) -> str:
    """A status as every page shows it: a coloured dot, its label and, if given, when it was
    last reported. A tag, not an included template: a list or a vendor's customers show fifty,
    and each include cost as much as the rest of its row."""
    return format_html(
        '<span class="status status-{}"><span class="status-dot" aria-hidden="true"></span>'
        "{}</span>{}",
        status,
        label,
        format_html(
            '<span class="reported">, last reported <time datetime="{}">{}</time></span>',
            reported.isoformat(),
            reported,
        )
        if reported
        else "",
    )
