"""Deriving and storing regulatory actions' state from their steps (the rule:
agencies/lifecycle.py). An action without steps keeps the state and dates typed for it; one
without an "opened" step keeps its typed opening."""

from __future__ import annotations

from collections.abc import Iterable

from ..choices import ActionState, StepKind
from ..lifecycle import derived_state, in_order
from ..models import ActionStep, Citation, RegulatoryAction, Source

# How an action is reached from each kind of record its state reads.
PATH_FROM_ACTION = {
    RegulatoryAction: "pk",
    ActionStep: "steps",
    Citation: "steps__citations",
    Source: "steps__citations__source",
}


def actions_touched_by(record) -> set[int]:
    """The actions whose state may follow this record as it is stored now: an action itself,
    a step's action, and the action of a step a citation or a source supports."""
    if record is None or record.pk is None or type(record) not in PATH_FROM_ACTION:
        return set()
    lookup = PATH_FROM_ACTION[type(record)]
    return set(RegulatoryAction.objects.filter(**{lookup: record.pk}).values_list("pk", flat=True))


def store_action_states(action_ids: Iterable[int]) -> int:
    """Derive the state, opening and closing dates of each action given that has public
    steps, from those steps; returns how many changed. No invalidation: the statuses service
    that calls it does that once for the whole write."""
    ids = set(action_ids)
    if not ids:
        return 0
    changed = []
    for action in RegulatoryAction.objects.filter(pk__in=ids).with_steps():
        steps = in_order(action.shown_steps)
        state = derived_state(steps)
        if state is None:
            continue
        # Opened when its "opened" step says; without one, the opening typed stands (a review
        # whose only step is its finding was opened long before).
        opened = next((s for s in steps if s.kind == StepKind.OPENED), None)
        closed = steps[-1] if state == ActionState.CLOSED else None
        values = {
            "state": state,
            "closed_on": closed.occurred_on if closed else None,
            "closed_on_precision": closed.occurred_on_precision if closed else "day",
        }
        if opened is not None:
            values |= {
                "opened_on": opened.occurred_on,
                "opened_on_precision": opened.occurred_on_precision,
            }
        if any(getattr(action, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(action, name, value)
            changed.append(action)
    RegulatoryAction.objects.bulk_update(changed, list(DERIVED))
    return len(changed)


DERIVED = ("state", "opened_on", "opened_on_precision", "closed_on", "closed_on_precision")
