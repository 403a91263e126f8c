"""Deriving and storing agencies' statuses (the rule itself: agencies/status.py, pure)."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from ..choices import DatePrecision
from ..invalidation import record_changed
from ..models import (
    ActionStep,
    Agency,
    Citation,
    Incident,
    Product,
    RegulatoryAction,
    Source,
    Statement,
    StatusChange,
    Use,
    Vendor,
)
from ..status import derive_status
from .actions import actions_touched_by, newest_source_date, store_action_states
from .statements import store_contradictions

BATCH = 1000

# How each kind of record about an agency is reached from it: what its status reads (uses and
# their products and vendors, actions), and its incidents, which change its record too.
PATH_FROM_AGENCY = {
    Agency: "pk",
    Use: "uses",
    Product: "uses__product",
    Vendor: "uses__product__vendor",
    RegulatoryAction: "actions",
    Incident: "incidents",
    # What the agency said: its replies to actions show in its status, its denials may be
    # contradicted. A step changes the summary of the actions about it.
    Statement: "statements",
    ActionStep: "actions__steps",
}


def agencies_touched_by(record) -> set[int]:
    """The agencies this record is about as it is stored now, whose status may follow it: the
    agency itself, a use's agency, a product's or vendor's customers, an action's or incident's
    agencies, and for a citation or a source, those of every record it supports (a fact counts
    only if sourced)."""
    if record is None or record.pk is None:
        return set()
    model = type(record)
    if model in PATH_FROM_AGENCY:
        lookups = [PATH_FROM_AGENCY[model]]
    elif model in (Citation, Source):
        through = "citations" if model is Citation else "citations__source"
        lookups = [
            through if path == "pk" else f"{path}__{through}" for path in PATH_FROM_AGENCY.values()
        ]
    else:
        return set()
    found: set[int] = set()
    for lookup in lookups:
        found.update(Agency.objects.filter(**{lookup: record.pk}).values_list("pk", flat=True))
    return found


@dataclass(frozen=True)
class Touched:
    """What a record's write may change the derived state of: agencies and actions, by pk."""

    agencies: frozenset[int] = frozenset()
    actions: frozenset[int] = frozenset()

    def __or__(self, other: Touched) -> Touched:
        return Touched(self.agencies | other.agencies, self.actions | other.actions)

    @classmethod
    def union(cls, touched: Iterable[Touched]) -> Touched:
        result = cls()
        for each in touched:
            result |= each
        return result


def touched_by(record) -> Touched:
    """The agencies and actions whose derived state may follow this record as stored now."""
    return Touched(frozenset(agencies_touched_by(record)), frozenset(actions_touched_by(record)))


STORED = [
    "status",
    "status_summary",
    "status_reported_on",
    "status_reported_on_precision",
    "changed_at",
]


def store_statuses(agencies: QuerySet[Agency], *, recorded_at=None) -> int:
    """Derive and store the status of each agency given, keeping each change of status as a
    StatusChange; returns how many agencies. No invalidation: the callers below do it once for
    the whole write."""
    recorded_at = recorded_at or timezone.now()
    batch, changes = [], []
    for agency in agencies.for_status().iterator(chunk_size=BATCH):
        derived = derive_status(agency.uses.all(), agency.actions.all(), agency.pk)
        use = derived.deciding_use
        reported = newest_source_date(use.published_citations) if use else None
        if derived.status != agency.status:
            agency.changed_at = recorded_at
            changes.append(
                StatusChange(
                    agency=agency,
                    from_status=agency.status,
                    to_status=derived.status,
                    summary=derived.summary,
                    use=use,
                    fact_public_at=use.published_at if use else None,
                    reported_on=reported.value if reported else None,
                    reported_on_precision=reported.precision if reported else DatePrecision.DAY,
                    recorded_at=recorded_at,
                )
            )
        agency.status, agency.status_summary = derived.status, derived.summary
        agency.status_reported_on = reported.value if reported else None
        agency.status_reported_on_precision = reported.precision if reported else DatePrecision.DAY
        batch.append(agency)
    Agency.objects.bulk_update(batch, STORED, batch_size=BATCH)
    StatusChange.objects.bulk_create(changes, batch_size=BATCH)
    return len(batch)


@transaction.atomic
def refresh_statuses(
    *, agency_ids: Iterable[int], action_ids: Iterable[int] = (), changed: bool = True
) -> int:
    """Derive again the state of the actions named (from their steps), then the status and
    the contradictions of the agencies named, and invalidate what shows them. With `changed`,
    a fact about each agency changed: its `changed_at` moves to now. Returns how many
    agencies."""
    ids, actions = set(agency_ids), set(action_ids)
    store_action_states(actions)
    # As the stored public rule is written again once the write commits (on PostgreSQL a
    # concurrent write may make a step public or not after this read it), so are the actions.
    if actions:
        transaction.on_commit(functools.partial(settle_actions, actions))
    if ids and changed:
        Agency.objects.filter(pk__in=ids).update(changed_at=timezone.now())
    count = store_statuses(Agency.objects.filter(pk__in=ids)) if ids else 0
    store_contradictions(ids)
    record_changed()
    return count


@transaction.atomic
def settle_actions(action_ids: set[int]) -> None:
    """After a write commits: the actions' state and progress from their steps as committed,
    and, where that changed anything, the caches emptied."""
    if store_action_states(action_ids):
        record_changed()


def derive_everything(*, recorded_at=None) -> int:
    """Every action's state, every agency's status and contradictions, afresh."""
    store_action_states(RegulatoryAction.objects.values_list("pk", flat=True))
    count = store_statuses(Agency.objects.all(), recorded_at=recorded_at)
    store_contradictions(Agency.objects.values_list("pk", flat=True))
    return count


@transaction.atomic
def refresh_all_statuses() -> int:
    """Derive everything afresh (manage.py refresh_statuses); returns how many agencies."""
    count = derive_everything()
    record_changed()
    return count
