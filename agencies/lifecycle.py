"""The life cycle of a regulatory action, read from its dated steps. Nobody types an action's
state once it has steps; services/actions.py stores what this derives.

- The latest step is the one dated last (on the same date, the later kind in StepKind's order),
  a response aside: a reply does not move an action on, it answers the step before it.
- An action is closed when its latest step closes it, open otherwise.
- A deadline has passed without compliance when its day is over and no compliance step is
  recorded on or after the step that set it.
- What a status summary says of an action: its latest finding, in words ("Privacy Act
  contravened, found 10 Jun 2021"), with the agency's own reply to it if it made one
  ("disputed by the agency"), then its latest step other than a response if that is another
  ("recommendations made 10 Jun 2021").
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from .choices import ActionState, Stance, StepKind

KIND_ORDER = {kind: number for number, kind in enumerate(StepKind.values)}

PHRASES = {
    StepKind.OPENED: "opened {date}",
    StepKind.FINDING: "finding issued {date}",
    StepKind.RECOMMENDATION: "recommendations made {date}",
    StepKind.ORDER: "order issued {date}",
    StepKind.RESPONSE: "response given {date}",
    StepKind.COMPLIANCE: "compliance reported {date}",
    StepKind.APPEAL: "under appeal since {date}",
    StepKind.CLOSED: "closed {date}",
}
REPLIES = {Stance.DISPUTES_FINDING: "disputed", Stance.ACCEPTS_FINDING: "accepted"}


def in_order(steps: Iterable) -> list:
    return sorted(steps, key=lambda s: (s.occurred.sort_key(), KIND_ORDER[s.kind], s.pk or 0))


def latest_step(steps: Iterable):
    """The step an action is known by: the last in order, responses aside."""
    ordered = [step for step in in_order(steps) if step.kind != StepKind.RESPONSE]
    return ordered[-1] if ordered else None


def derived_state(steps: Iterable) -> ActionState | None:
    """The state the steps give, or None for an action without steps (its state is typed)."""
    latest = latest_step(steps)
    if latest is None:
        return None
    return ActionState.CLOSED if latest.kind == StepKind.CLOSED else ActionState.OPEN


def deadline_passed(step, steps: Iterable, today: datetime.date) -> bool:
    """Whether the step's deadline is over with no compliance reported since the step."""
    if step.deadline is None or step.deadline.last_day() >= today:
        return False
    return not any(
        other.kind == StepKind.COMPLIANCE and other.occurred >= step.occurred for other in steps
    )


def step_phrase(step) -> str:
    if step.kind == StepKind.FINDING and step.finding:
        return f"{step.finding}, found {step.occurred}"
    return PHRASES[step.kind].format(date=step.occurred)


def summary_phrase(steps: Iterable, replies: Iterable) -> str | None:
    """The words a status summary gives an action with steps: its latest finding with the
    newest reply to it (a statement disputing or accepting a finding, made on or after it),
    then its latest step other than a response when that is not the finding itself."""
    steps = list(steps)
    latest = latest_step(steps)
    finding = latest_step(step for step in steps if step.kind == StepKind.FINDING)
    if latest is None:
        return None
    parts = []
    if finding is not None:
        parts.append(step_phrase(finding))
        answered = [
            r
            for r in replies
            if r.stance in REPLIES and not r.said.certainly_before(finding.occurred)
        ]
        if answered:
            newest = max(answered, key=lambda r: r.said.sort_key())
            parts.append(f"{REPLIES[newest.stance]} by the agency")
    if latest is not finding:
        parts.append(step_phrase(latest))
    return "; ".join(parts)
