"""Search across every kind of public record (the index itself: agencies/search.py)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

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
        "agencies": list(search.ranked(listed(Agency, "status_summary"), query, "name")[:limit]),
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
