"""The one rule that gives an agency its status. Nobody types a status; this derives it.

The rule, as a reader can check it against the agency's page:

1. The status comes from the agency's uses, taking the first that applies:
   - a confirmed use with no end date        → "Confirmed use"
   - a trial or informal test with no end date → "Trial or testing"
   - a suspended use                          → "Suspended"
   - a use that ended (or has an end date)    → "Use ended"
   - a use reported by others, not confirmed  → "Reported use"
   - a use the agency denies                  → "Denies use"
   - no use recorded                          → "No known use"
   Among uses of the deciding kind, the one that started (or was made public) last speaks.
2. The summary names that use with its dates, then what authorities did about the agency, oldest
   first. An action with recorded steps is named by its latest finding and the agency's reply
   to it, then its latest other step (agencies/lifecycle.py): "Privacy Act contravened, found
   10 Jun 2021; disputed by the agency; recommendations made 10 Jun 2021". One without steps
   is named by its kind: an order ("ordered stopped"), a ban ("banned"), a moratorium ("under
   moratorium"), an open investigation ("under investigation") or internal review ("under
   review"), a closed one ("investigated", "reviewed"), a ruling ("ruling issued"). Guidance
   and letters are listed as reasons on the page but do not change the summary, unless their
   steps say more.

For example, Toronto Police Service:
"Trial or testing (not authorised), Oct 2019 – 5 Feb 2020; ordered stopped; Clearview AI used
in 84 investigations without approval, found 28 Feb 2022; accepted by the agency".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .choices import (
    ACTION_KIND_LABELS,
    ACTION_STATE_LABELS,
    USE_STATUS_LABELS,
    ActionKind,
    ActionState,
    AgencyStatus,
    Authorisation,
    UseStatus,
)
from .dates import date_range
from .lifecycle import latest_step, step_phrase, summary_phrase

# (status it gives, test on one use), in order of precedence.
USE_RULES = (
    (AgencyStatus.CONFIRMED, lambda use: use.status == UseStatus.CONFIRMED and not use.ended_on),
    (AgencyStatus.TESTING, lambda use: use.status == UseStatus.TRIAL and not use.ended_on),
    (AgencyStatus.SUSPENDED, lambda use: use.status == UseStatus.SUSPENDED),
    (AgencyStatus.ENDED, lambda use: use.has_ended),
    (AgencyStatus.REPORTED, lambda use: use.status == UseStatus.REPORTED),
    (AgencyStatus.DENIED, lambda use: use.status == UseStatus.DENIED),
)

ACTION_PHRASES = {
    (ActionKind.ORDER, None): "ordered stopped",
    (ActionKind.BAN, None): "banned",
    (ActionKind.MORATORIUM, None): "under moratorium",
    (ActionKind.RULING, None): "ruling issued",
    (ActionKind.INVESTIGATION, ActionState.OPEN): "under investigation",
    (ActionKind.INVESTIGATION, ActionState.CLOSED): "investigated",
    (ActionKind.INTERNAL_REVIEW, ActionState.OPEN): "under review",
    (ActionKind.INTERNAL_REVIEW, ActionState.CLOSED): "reviewed",
}


@dataclass
class DerivedStatus:
    status: AgencyStatus
    summary: str
    reasons: list[str] = field(default_factory=list)
    deciding_use: object | None = None  # the use the status comes from, if any


def describe_use(use) -> str:
    label = USE_STATUS_LABELS[use.status]
    if use.status in (UseStatus.TRIAL, UseStatus.CONFIRMED):
        label = "Trial or testing" if use.status == UseStatus.TRIAL else "Confirmed use"
    if use.authorisation == Authorisation.UNAUTHORISED:
        label += " (not authorised)"
    return f"{label}, {date_range(use.started, use.ended, over=use.has_ended)}"


def latest_first(uses: Iterable) -> list:
    uses = list(uses)
    dated = [use for use in uses if use.started or use.disclosed]
    undated = [use for use in uses if not (use.started or use.disclosed)]
    dated.sort(key=lambda use: (use.started or use.disclosed).sort_key(), reverse=True)
    return dated + undated


def oldest_first(actions: Iterable) -> list:
    """Actions by opening date; undated ones last, in the order given."""
    actions = list(actions)
    dated = sorted((a for a in actions if a.opened), key=lambda action: action.opened.sort_key())
    return dated + [action for action in actions if not action.opened]


def action_phrase(action, agency_id: int | None = None) -> str | None:
    """What the summary says of an action: its latest step and the agency's reply when its
    steps are prefetched (AgencyQuerySet.for_status), else its kind."""
    steps = getattr(action, "shown_steps", None)
    if steps:
        replies = [r for r in action.replies if r.agency_id == agency_id]
        return summary_phrase(steps, replies)
    return ACTION_PHRASES.get((action.kind, None)) or ACTION_PHRASES.get(
        (action.kind, action.state)
    )


def derive_status(uses: Iterable, actions: Iterable, agency_id: int | None = None) -> DerivedStatus:
    """Apply the rule to an agency's uses and the actions about it; `agency_id` picks out the
    agency's own replies to an action's findings."""
    uses = list(uses)
    status, deciding_use = AgencyStatus.NO_KNOWN_USE, None
    for candidate_status, applies in USE_RULES:
        matching = [use for use in uses if applies(use)]
        if matching:
            status, deciding_use = candidate_status, latest_first(matching)[0]
            break

    parts = [describe_use(deciding_use)] if deciding_use else [AgencyStatus.NO_KNOWN_USE.label]
    # The use that decides the status comes first, then the others, newest first.
    others = [use for use in latest_first(uses) if use is not deciding_use]
    reasons = [
        f"{describe_use(use)}: {use.product} ({use.product.vendor})"
        for use in ([deciding_use] if deciding_use else []) + others
    ]
    for action in oldest_first(actions):
        phrase = action_phrase(action, agency_id)
        if phrase and phrase not in parts:
            parts.append(phrase)
        when = f", {action.opened}" if action.opened else ""
        state = ACTION_STATE_LABELS[action.state].lower()
        latest = latest_step(getattr(action, "shown_steps", ()))
        if latest is not None:  # known by its latest step, as its page says
            when = f"; latest step: {step_phrase(latest)}"
        reasons.append(f"{ACTION_KIND_LABELS[action.kind]}: {action.title} ({state}{when})")
    return DerivedStatus(
        status=status, summary="; ".join(parts), reasons=reasons, deciding_use=deciding_use
    )
