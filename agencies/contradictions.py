"""The rule that flags a denial as contradicted. Nobody types a contradiction; this derives it
from an agency's own statements and uses, and services/statements.py stores what it finds.

An agency's denial of use is contradicted:

1. by a use of its own that the denial falls inside: a use it confirmed, tested, suspended or
   ended, begun before the denial was made and not yet over (no end date and still in use, or
   an end date after the denial); or
2. by a later statement of the same agency that confirms use or corrects an earlier one.

Dates are compared as the periods their precision names, and only a certain order counts:
a denial of "Jan 2020" is inside a use of "Oct 2019 – 5 Feb 2020", and is followed by a
confirmation of "13 Feb 2020"; a confirmation of the same month as the denial is not known to
follow it, so it flags nothing. "The same agency" is the one the statement was made on behalf
of.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .choices import Stance, UseStatus

# Uses the agency itself is known to have had: a use only others report, or one it denies,
# does not contradict its denial.
ESTABLISHED = {UseStatus.CONFIRMED, UseStatus.TRIAL, UseStatus.SUSPENDED, UseStatus.ENDED}
ONGOING = {UseStatus.CONFIRMED, UseStatus.TRIAL}
CONFIRMING = {Stance.CONFIRMS_USE, Stance.CORRECTS_EARLIER}


@dataclass(frozen=True)
class Found:
    denial: object
    confirmation: object | None = None
    use: object | None = None


def inside(said, use) -> bool:
    """Whether a statement's date falls certainly inside the use's period."""
    if use.status not in ESTABLISHED or use.started is None:
        return False
    if use.started.last_day() > said.value:  # not known to have begun by then
        return False
    if use.ended is None:
        return use.status in ONGOING
    return said.last_day() <= use.ended.value


def contradictions(statements: Iterable, uses: Iterable) -> list[Found]:
    """Every contradiction among one agency's statements and uses, oldest denial first."""
    statements = sorted(statements, key=lambda s: (s.said.sort_key(), s.pk))
    uses = list(uses)
    found = []
    for denial in (s for s in statements if s.stance == Stance.DENIES_USE):
        found.extend(Found(denial, use=use) for use in uses if inside(denial.said, use))
        found.extend(
            Found(denial, confirmation=later)
            for later in statements
            if later.stance in CONFIRMING and denial.said.certainly_before(later.said)
        )
    return found
