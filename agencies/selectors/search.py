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
from ..prebuilt import built_once
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


@built_once
def listed(model, *also: str):
    """The public records of `model` read as far as a result names them, and `also`: sorting
    every match of a common word by rank carried each row's summary, a page of text, through
    the sort (the agencies matching "harbour police": 5 ms of the search on SQLite)."""
    return model.objects.public().only(*model.named_by, *also)


def read_in_order(model, matches: int, rows: int) -> bool:
    """Whether the first `rows` of `matches` records are found sooner by reading an index in
    its order, each record tested (search.text_filter's row_by_row), than by reading every
    match and sorting them: when the matches, squared, reach the records times the rows, as
    such a read covers about the records over the matches, times the rows. A rare word or a
    late page the other way: the index read to its end. The records are all the model's, drafts
    too, counted once per write generation: a bound that errs toward sorting, and on PostgreSQL
    a count of the primary key's index (0.9 ms at 20,000 agencies, the public ones 4.6)."""
    records = records_summary(f"records:{model._meta.label}", model.objects.count)
    return matches * matches >= records * rows


def common_words(model, query: str, rows: int, *, title: bool = False) -> bool:
    """Whether the query's words (in titles, with `title`) are in so many of the model's public
    records that their first `rows` are read in an index's order (read_in_order). The matches
    are counted once per write generation."""
    key = hashlib.sha256(f"{title} {' '.join(search.words(query))}".encode()).hexdigest()
    public = model.objects.public()
    matches = records_summary(
        f"matches:{model._meta.label}:{key}",
        lambda: public.filter(search.text_filter(model, query, title=title)).count(),
    )
    return read_in_order(model, matches, rows)


def ranked_first(records: QuerySet, query: str, order_by: str, limit: int) -> list:
    """The first `limit` of search.ranked(), for records an index gives in `order_by`'s order.
    Title matches rank first: when the words are common in titles (common_words), titles fill
    the page, read in the index's order ("harbour police", in 1,497 of 20,000 agencies' names,
    against 2,852 matches sorted: 5.0 ms of SQL to 1.2 on SQLite)."""
    model = records.model
    if common_words(model, query, limit, title=True):
        titled = records.filter(search.text_filter(model, query, title=True, row_by_row=True))
        return list(titled.order_by(order_by, "pk")[:limit])
    return list(search.ranked(records, query, order_by)[:limit])


@built_once
def named_citations() -> QuerySet[Citation]:
    """The public citations with their sources, speakers and the records they back, named."""
    return with_named_records(Citation.objects.public())


@built_once
def public_quotes() -> QuerySet[Citation]:
    return Citation.objects.public().exclude(quote="").select_related("source")


def search_records(query: str, limit: int = 20) -> dict[str, list]:
    """Every kind of public record matching the query (agencies/search.py), by kind."""
    if not search.words(query):
        return {}
    with search.joins_as_written():
        found = list(search.ranked(named_citations(), query, "quote")[:limit])
    quoted = [citation for citation in found if citation.quote]
    quotes_of = Prefetch("statements", queryset=public_quotes(), to_attr="public_quotes")
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
