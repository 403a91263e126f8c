"""Search across every kind of public record (the index itself: agencies/search.py)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from .. import search
from ..models import (
    Agency,
    Authority,
    Citation,
    Incident,
    Person,
    RegulatoryAction,
    Source,
    Vendor,
)
from ..summaries import records_summary
from .records import with_named_records
from .timeline import same_words


@dataclass
class Said:
    """Words found: the quote (or, for a claim, what the source supports), who said them, the
    records they back and the sources that report them, each once."""

    reports: list[Citation]
    records: list
    sources: list[Source]

    @property
    def first(self) -> Citation:
        return self.reports[0]


def said(reports: list[Citation]) -> Said:
    records = list({(type(c.record), c.record.pk): c.record for c in reports}.values())
    sources = list({c.source_id: c.source for c in reports}.values())
    return Said(reports, records, sources)


def listed(model, *also: str):
    """The public records of `model` read as far as a result names them, and `also`: sorting
    every match of a common word by rank carried each row's summary, a page of text, through
    the sort (the agencies matching "harbour police": 5 ms of the search on SQLite)."""
    return model.objects.public().only(*model.named_by, *also)


def common_words(model, query: str, page: int, *, title: bool = False) -> bool:
    """Whether the query's words are in so many of the model's public records (in their titles,
    with `title`) that a page of them is found sooner by reading an index in its order, each
    record tested (search.text_filter's row_by_row), than by reading every match and sorting:
    when the matches, squared, reach the records times a page, as such a read covers about the
    records over the matches, times a page. A rare word the other way: the index read to its
    end. Both counts are stored per write generation."""
    key = hashlib.sha256(f"{title} {' '.join(search.words(query))}".encode()).hexdigest()
    public = model.objects.public()
    matches = records_summary(
        f"matches:{model._meta.label}:{key}",
        lambda: public.filter(search.text_filter(model, query, title=title)).count(),
    )
    return matches * matches >= records_summary(f"public:{model._meta.label}", public.count) * page


def ranked_first(records: QuerySet, query: str, order_by: str, limit: int) -> list:
    """The first `limit` of search.ranked(), for records an index gives in `order_by`'s order.
    Title matches rank first: when the words are common in titles (common_words), titles fill
    the page, read in the index's order ("harbour police", in 1,497 of 20,000 agencies' names,
    against 2,852 matches sorted: 5 ms of SQL to 0.4 on SQLite)."""
    model = records.model
    if common_words(model, query, limit, title=True):
        titled = records.filter(search.text_filter(model, query, title=True, row_by_row=True))
        return list(titled.order_by(order_by, "pk")[:limit])
    return list(search.ranked(records, query, order_by)[:limit])


def search_records(query: str, limit: int = 20) -> dict[str, list]:
    """Every kind of public record matching the query (agencies/search.py), by kind."""
    if not search.words(query):
        return {}
    citations = with_named_records(Citation.objects.public())
    with search.joins_as_written():
        found = list(search.ranked(citations, query, "quote")[:limit])
    quoted = [citation for citation in found if citation.quote]
    quotes_of = Prefetch(
        "statements",
        queryset=Citation.objects.public().exclude(quote="").select_related("source"),
        to_attr="public_quotes",
    )
    return {
        "agencies": ranked_first(listed(Agency, "status_summary"), query, "name", limit),
        "vendors": list(search.ranked(listed(Vendor), query, "name")[:limit]),
        "incidents": list(search.ranked(listed(Incident), query, "title")[:limit]),
        "actions": list(search.ranked(listed(RegulatoryAction), query, "title")[:limit]),
        "authorities": list(search.ranked(listed(Authority, "kind"), query, "name")[:limit]),
        "people": list(
            search.ranked(listed(Person), query, "name").prefetch_related(quotes_of)[:limit]
        ),
        "sources": list(search.ranked(listed(Source), query, "title")[:limit]),
        # One result for words several sources report; claims without a quote apart.
        "quotes": [said(reports) for reports in same_words(quoted)],
        "claims": [said([citation]) for citation in found if not citation.quote],
    }
