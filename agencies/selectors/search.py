"""Search across every kind of public record (the index itself: agencies/search.py)."""

from __future__ import annotations

from .. import search
from ..models import (
    Agency,
    Citation,
    Incident,
    RegulatoryAction,
    Source,
    Vendor,
)
from .timeline import same_words


def search_records(query: str, limit: int = 20) -> dict[str, list]:
    """Every kind of public record matching the query (agencies/search.py), by kind."""
    if not search.words(query):
        return {}
    with search.joins_as_written():
        citations = list(
            search.ranked(
                Citation.objects.public().select_related("source", "speaker"), query, "quote"
            )[:limit]
        )
    return {
        "agencies": list(search.ranked(Agency.objects.public(), query, "name")[:limit]),
        "vendors": list(search.ranked(Vendor.objects.public(), query, "name")[:limit]),
        "incidents": list(search.ranked(Incident.objects.public(), query, "title")[:limit]),
        "actions": list(search.ranked(RegulatoryAction.objects.public(), query, "title")[:limit]),
        "sources": list(search.ranked(Source.objects.public(), query, "title")[:limit]),
        "quotes": same_words(citations),  # one result for words several sources report
    }
