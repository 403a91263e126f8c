"""Deriving and storing the contradictions between an agency's statements and uses (the rule:
agencies/contradictions.py)."""

from __future__ import annotations

from collections.abc import Iterable

from ..contradictions import contradictions
from ..models import Contradiction, Statement, Use


def store_contradictions(agency_ids: Iterable[int]) -> int:
    """Derive again the contradictions of each agency given, from its published, sourced
    statements (on its behalf) and the uses its status counts; returns how many are stored.
    Pages show only those whose every side is public (Contradiction.objects.shown())."""
    ids = set(agency_ids)
    if not ids:
        return 0
    statements: dict[int, list] = {pk: [] for pk in ids}
    for statement in Statement.objects.filter(
        Statement.published_and_sourced_rule(), agency__in=ids
    ):
        statements[statement.agency_id].append(statement)
    uses: dict[int, list] = {pk: [] for pk in ids}
    for use in Use.objects.counted_in_status().filter(agency__in=ids):
        uses[use.agency_id].append(use)
    found = [
        Contradiction(agency_id=agency_id, denial=f.denial, confirmation=f.confirmation, use=f.use)
        for agency_id in ids
        for f in contradictions(statements[agency_id], uses[agency_id])
    ]
    Contradiction.objects.filter(agency__in=ids).delete()
    Contradiction.objects.bulk_create(found)
    return len(found)
