"""Deriving and storing regulatory actions' state from their steps (the rule:
agencies/lifecycle.py). An action without steps keeps the state and dates typed for it; one
without an "opened" step keeps its typed opening. Beside it, its progress: its latest public
step and the date of its newest published source, which the lists show with its state."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from ..choices import ActionState, DatePrecision, StepKind
from ..dates import PreciseDate
from ..lifecycle import derived_state, in_order, latest_step
from ..models import (
    ActionStep,
    Citation,
    RegulatoryAction,
    Source,
    published_citations,
)

# How an action is reached from each kind of record its state and progress read: its steps,
# their sources, and its own sources.
PATHS_FROM_ACTION = {
    RegulatoryAction: ("pk",),
    ActionStep: ("steps",),
    Citation: ("steps__citations", "citations"),
    Source: ("steps__citations__source", "citations__source"),
}


def actions_touched_by(record) -> set[int]:
    """The actions whose state may follow this record as it is stored now: an action itself,
    a step's action, and the action a citation or a source supports, or one of whose steps."""
    if record is None or record.pk is None or type(record) not in PATHS_FROM_ACTION:
        return set()
    found: set[int] = set()
    for lookup in PATHS_FROM_ACTION[type(record)]:
        rows = RegulatoryAction.objects.filter(**{lookup: record.pk})
        found.update(rows.values_list("pk", flat=True))
    return found


def newest_source_date(citations: Iterable[Citation]) -> PreciseDate | None:
    """The date of the newest published source among these citations of published sources:
    as of when a fact was last reported."""
    dates = [citation.source.published for citation in citations if citation.source.published]
    return max(dates, key=PreciseDate.sort_key) if dates else None


def progress(action: RegulatoryAction, steps: list[ActionStep]) -> dict:
    """Its PROGRESS_FIELDS (models.py): the newest published source that cites the action
    itself, and its latest public step (lifecycle.latest_step)."""
    reported = newest_source_date(action.published_citations)
    latest = latest_step(steps)
    return {
        "last_reported_on": reported.value if reported else None,
        "last_reported_on_precision": reported.precision if reported else DatePrecision.DAY,
        "latest_step_kind": latest.kind if latest else "",
        "latest_step_on": latest.occurred_on if latest else None,
        "latest_step_on_precision": latest.occurred_on_precision if latest else DatePrecision.DAY,
        "latest_step_finding": latest.finding if latest else "",
    }


def state(steps: list[ActionStep]) -> dict:
    """The state and dates its public steps give (lifecycle.derived_state), or nothing for an
    action without any: its typed state stands."""
    derived = derived_state(steps)
    if derived is None:
        return {}
    # Opened when its "opened" step says; without one, the opening typed stands (a review
    # whose only step is its finding was opened long before).
    opened = next((s for s in steps if s.kind == StepKind.OPENED), None)
    closed = steps[-1] if derived == ActionState.CLOSED else None
    values = {
        "state": derived,
        "closed_on": closed.occurred_on if closed else None,
        "closed_on_precision": closed.occurred_on_precision if closed else DatePrecision.DAY,
    }
    if opened is not None:
        values |= {
            "opened_on": opened.occurred_on,
            "opened_on_precision": opened.occurred_on_precision,
        }
    return values


def store_action_states(actions: Iterable[int] | QuerySet) -> int:
    """Derive and store each given action's progress, and the state, opening and closing
    dates of each that has public steps, from its steps and sources; returns how many
    changed. No invalidation: the statuses service that calls it does that once for the
    whole write."""
    # None given: Django answers pk__in=() without a query.
    rows = RegulatoryAction.objects.filter(pk__in=actions).with_steps()
    changed = 0
    for action in rows.prefetch_related(published_citations()).iterator(chunk_size=BATCH):
        steps = in_order(action.shown_steps)
        values = progress(action, steps) | state(steps)
        if changes := {k: v for k, v in values.items() if getattr(action, k) != v}:
            # Row by row, what changed: bulk_update builds a CASE for each field of each row,
            # two milliseconds a row in Python (half a minute for the synthetic actions).
            RegulatoryAction.objects.filter(pk=action.pk).update(**changes)
            changed += 1
    return changed


BATCH = 1000
