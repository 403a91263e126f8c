"""Small helpers for the public pages: links between the pages of a list, and how many
sources back a fact."""

from __future__ import annotations

from html import escape

from django import template
from django.utils.formats import get_format
from django.utils.safestring import mark_safe
from django.utils.text import capfirst

from ..choices import (
    ACTION_KIND_LABELS,
    ACTION_ROLE_LABELS,
    ACTION_STATE_LABELS,
    AGENCY_KIND_LABELS,
    AGENCY_STATUS_LABELS,
    INCIDENT_KIND_LABELS,
    USE_STATUS_LABELS,
    ActionState,
)

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


def count(number: int) -> str:
    """A count grouped in thousands as intcomma groups it (its separator is the language's),
    in a tenth of the time: a list's facets show a hundred counts."""
    return f"{number:,}".replace(",", get_format("THOUSAND_SEPARATOR"))


@register.filter
def facet_options(facet) -> str:
    """A facet's <option>s, each with how many it would leave: written in one call, where a
    template loop over a country's hundred options was a fifth of the agency list's time.
    (html.escape is what Django's escape applies, without its per-call wrapping.)"""
    return mark_safe(
        "\n".join(
            f'<option value="{escape(option.value)}"{" selected" if option.selected else ""}>'
            f"{escape(option.label)} ({count(option.count)})</option>"
            for option in facet.options
        )
    )


@register.filter
def place_rows(places: list[dict], agency_list_url: str) -> str:
    """The dashboard's table rows of places, each linking to its agencies: written in one call,
    where a template loop over seventy places was a quarter of the dashboard's time."""

    def subdivision(place: dict) -> str:
        if not place["subdivision"]:
            return '<span class="muted">no province or state</span>'
        return (
            f'<a href="{escape(agency_list_url)}?subdivision={escape(place["subdivision"])}">'
            f"{escape(place['subdivision_name'])}</a>"
        )

    return mark_safe(
        "\n".join(
            f'<tr><td><a href="{escape(agency_list_url)}?country={escape(place["country"])}">'
            f"{escape(place['country_name'])}</a></td><td>{subdivision(place)}</td>"
            f'<td class="num">{count(place["count"])}</td></tr>'
            for place in places
        )
    )


@register.filter
def agency_rows(agencies) -> str:
    """The agency list's table rows: each agency's name, kind, place and status, written in one
    call, where a template loop over a page of 25 was a ninth of the list's time."""
    return mark_safe("\n".join(map(agency_row, agencies)))


def agency_row(agency) -> str:
    kind = escape(AGENCY_KIND_LABELS[agency.kind])
    status = badge(agency.status, AGENCY_STATUS_LABELS[agency.status], agency.status_reported)
    return (
        f'<tr>\n<th scope="row"><a href="{escape(agency.get_absolute_url())}">'
        f'{escape(agency.name)}</a><span class="muted"> {kind}'
        f"</span></th>\n<td>{escape(agency.place)}</td>\n"
        f"<td>{status}<br>"
        f'<span class="muted">{escape(agency.status_summary)}</span></td>\n</tr>'
    )


@register.filter
def customer_rows(uses) -> str:
    """A vendor's customers' table rows: each use's agency, product, status and dates, written
    in one call, as agency_rows are."""
    rows = "\n".join(
        f'<tr><th scope="row"><a href="{escape(use.agency.get_absolute_url())}">'
        f"{escape(use.agency.name)}</a></th><td>{escape(use.product.name)}</td>\n"
        f"<td>{badge(use.status, USE_STATUS_LABELS[use.status])}</td>\n"
        f"<td>{escape(capfirst(use.period))}</td></tr>"
        for use in uses
    )
    return mark_safe(rows or '<tr><td colspan="4">No customers recorded.</td></tr>')


def listed_record(date: str, record, about: list[str], *, heading: bool = True) -> str:
    """A record as the lists of records show it: its date, its linked title (a heading of its
    own on a list page) and, muted, what it is and is about, the parts given that say
    something. Written in one call, as agency_rows are: the action list shows fifty, the
    authority's page a hundred, and a loop in the template was half of either page's time."""
    title = f'<h2 class="h3">{linked(record)}</h2>' if heading else f"<p>{linked(record)}</p>"
    said = " · ".join(part for part in about if part)
    return f'<li><p class="event-date">{date}</p>\n{title}\n<p class="muted">{said}</p></li>'


def names(records) -> str:
    return ", ".join(escape(record.name) for record in records)


def dated(date, unknown: str = "Date not known", *, said: str = "") -> str:
    return f"{said}{time_element(date)}" if date else unknown


@register.filter
def action_items(actions) -> str:
    """The action list's entries: each action's opening, title, kind, state, who acted and
    whom it is about."""
    return mark_safe(
        "\n".join(
            listed_record(
                dated(action.opened),
                action,
                [
                    escape(ACTION_KIND_LABELS[action.kind]),
                    action_state(action),
                    names(participant.authority for participant in action.acting),
                    (about := names([*action.public_agencies, *action.public_vendors]))
                    and f"about {about}",
                ],
            )
            for action in actions
        )
    )


@register.filter
def incident_items(incidents) -> str:
    """The incident list's entries, led by when each was made public, the list's order."""
    return mark_safe(
        "\n".join(
            listed_record(
                dated(incident.disclosed, "Date made public not known", said="Made public "),
                incident,
                [
                    escape(INCIDENT_KIND_LABELS[incident.kind]),
                    dated(incident.occurred, "", said="occurred "),
                    names(incident.public_agencies),
                    names(incident.public_vendors),
                ],
            )
            for incident in incidents
        )
    )


@register.filter
def part_items(parts) -> str:
    """An authority's part in each action: the action's opening and title, its role, the
    action's kind and state."""
    return mark_safe(
        "\n".join(
            listed_record(
                dated(part.action.opened),
                part.action,
                [
                    escape(ACTION_ROLE_LABELS[part.role]),
                    escape(ACTION_KIND_LABELS[part.action.kind]),
                    action_state(part.action),
                ],
                heading=False,
            )
            for part in parts
        )
    )


@register.simple_tag
def status_badge(status: str, label: str, reported=None) -> str:
    """A status as every page shows it: a coloured dot, its label and, if given, when it was
    last reported. A tag, not an included template: a list or a vendor's customers show fifty,
    and each include cost as much as the rest of its row."""
    return mark_safe(badge(status, label, reported))


def time_element(date) -> str:
    """A precise date as the pages show it: readable, with its ISO form for machines."""
    return f'<time datetime="{date.isoformat()}">{escape(str(date))}</time>'


def badge(status: str, label: str, reported=None) -> str:
    when = (
        f'<span class="reported">, last reported {time_element(reported)}</span>'
        if reported
        else ""
    )
    return (
        f'<span class="status status-{escape(status)}"><span class="status-dot" aria-hidden="true">'
        f"</span>{escape(label)}</span>{when}"
    )


@register.simple_tag
def action_state(action) -> str:
    """Open or closed. An action with steps is known by its latest step; one without says as
    of when it is known open: its newest source's date. A tag, as status_badge is: the lists
    show fifty actions, and the authority's page a hundred."""
    words = escape(ACTION_STATE_LABELS[action.state])
    if action.latest_step_kind:
        finding = f" ({escape(action.latest_step_finding)})" if action.latest_step_finding else ""
        step = escape(action.latest_step_label.lower())
        words += f"; latest step: {step}{finding}, {time_element(action.latest_step_date)}"
    elif action.state == ActionState.OPEN and action.last_reported:
        words += f" as of {time_element(action.last_reported)}"
    return mark_safe(words)


@register.simple_tag(name="timeline")
def timeline_list(events, timeline_kind: str = "") -> str:
    """A page of a timeline: each event's date, kind, title (a link to its record's page) and
    citations, newest first. Written in Python, as citation_list is: a template loop over fifty
    events was three fifths of a record page's rendering."""
    items = "\n".join(map(timeline_item, events))
    if not items:
        kind = " of this kind" if timeline_kind else ""
        items = f'<li class="empty">Nothing recorded{kind}.</li>'
    return mark_safe(f'<ol class="timeline">\n{items}\n</ol>')


def timeline_item(event) -> str:
    kind, detail, url = escape(event.kind), escape(str(event.detail)), escape(event.url)
    date = time_element(event.date) if event.date else "Date not known"
    about = f" · {detail}" if detail and event.kind != "statement" else ""
    title = escape(str(event.title))
    linked = f'<a href="{url}">{title}</a>' if url else title
    lines = [
        f'<li class="event event-{kind}">',
        f'<p class="event-date">{date}</p>',
        '<div class="event-body">',
        f'<p class="event-kind">{capfirst(kind)}{about}</p>',
        f'<h3 class="event-title">{linked}</h3>',
    ]
    if event.kind == "statement":
        lines.append(f"<blockquote>“{detail}”</blockquote>")
    if event.sources_above:
        lines.append(
            f'<p class="muted">Sources: listed with this {kind}\'s first entry above, and on '
            f'<a href="{url}">its page</a>.</p>'
        )
    else:
        lines.append(citation_list(event.citations))
    lines += ["</div>", "</li>"]
    return "\n".join(lines)


@register.simple_tag(name="citations")
def citation_list(citations) -> str:
    """A fact's citations as every page shows them: each quote, its speaker, the claim it
    supports and its source (a link to the source's page, its date, the original), folded under
    how many sources there are. Written in Python, not an included template: a timeline of fifty
    events shows forty lists, and including them was a third of a record page's time."""
    citations = list(citations)
    if not citations:
        return mark_safe('<p class="uncited">No source recorded.</p>')
    items = "\n".join(map(citation_item, citations))
    return mark_safe(
        f'<details class="citations">\n<summary>{escape(sources_summary(citations))}</summary>\n'
        f"<ul>\n{items}\n</ul>\n</details>"
    )


def quoted_lines(citation) -> list[str]:
    """A citation's quote and who said it, as far as they are recorded."""
    lines = []
    if citation.quote:
        lines.append(f"<blockquote>“{escape(citation.quote)}”</blockquote>")
    if speaker := citation.speaker:
        lines.append(
            f'<p class="speaker">— {escape(speaker.name)}, {escape(speaker.role)}, '
            f"{escape(speaker.organisation)}</p>"
        )
    return lines


def said_lines(citation, claim_lead: str) -> list[str]:
    """A citation's words: its quote, who said it, and what the source supports."""
    lines = quoted_lines(citation)
    if citation.claim:
        lines.append(f'<p class="claim">{claim_lead}{escape(citation.claim)}</p>')
    return lines


def linked(record) -> str:
    """A record's name, linked to its page where it has one (a person has none)."""
    named = escape(str(record))
    if url := getattr(record, "get_absolute_url", None):
        return f'<a href="{escape(url())}">{named}</a>'
    return named


@register.filter
def link_items(records) -> str:
    """Records as a list's items, each named and linked: an agency's vendors and authorities,
    dozens for a large one."""
    return mark_safe("".join(f"<li>{linked(record)}</li>" for record in records))


@register.filter
def supported_items(citations) -> str:
    """A source's citations, each with its words and the record it supports: a page of a
    hundred, written in one call, as a timeline's citations are."""
    items = []
    for citation in citations:
        lines = [
            *said_lines(citation, "Supports: "),
            f'<p class="muted">On: {linked(citation.record)}</p>',
        ]
        items.append(f'<li id="citation-{citation.pk}">\n' + "\n".join(lines) + "\n</li>")
    return mark_safe("\n".join(items) or "<li>Nothing cites this source yet.</li>")


@register.filter
def found_items(results) -> str:
    """Search's quotes, or its claims (selectors.search.Said): the words, what they back and
    who reports them, each record and each source once. Written in one call, as a source's
    citations are."""
    items = []
    for found in results:
        first = found.first
        said = quoted_lines(first) if first.quote else [f"<p>{escape(first.claim)}</p>"]
        backs = "; ".join(
            f"{linked(record)} <span>({escape(verbose_name_of(record))})</span>"
            for record in found.records
        )
        reported = "; ".join(cited_source(source) for source in found.sources)
        items.append(
            "<li>"
            + "".join(said)
            + f'\n<p class="muted">Backs: {backs}</p>\n<p class="muted">Reported by: {reported}'
            "</p></li>"
        )
    return mark_safe("\n".join(items))


def citation_item(citation) -> str:
    lead = "Supports: " if citation.quote else "No quote recorded; the source supports: "
    lines = said_lines(citation, lead)
    source = citation.source
    published = source.published
    date = (
        f", {escape(str(published))}{' (date inferred)' if source.published_on_inferred else ''}"
        if published
        else ""
    )
    original = (
        f' · <a href="{escape(source.url)}" rel="noopener external">original</a>'
        if source.url
        else " · no link recorded"
    )
    lines.append(f'<p class="cite">{cited_source(source)}{date}{original}</p>')
    return "<li>\n" + "\n".join(lines) + "\n</li>"


def cited_source(source) -> str:
    """A source as a citation names it: its publisher and title, linked to its page."""
    return (
        f'<a href="{escape(source.get_absolute_url())}">{escape(source.publisher)}, '
        f"{escape(source.cited_title)}</a>"
    )
