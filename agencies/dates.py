"""Dates known to a day, a month or a year.

A date is stored as the first day of the period it names (Oct 2019 is 2019-10-01) beside its
precision, so the database sorts it correctly and the page shows no more than is known.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from .choices import DatePrecision

PRECISION_RANK = {DatePrecision.YEAR: 0, DatePrecision.MONTH: 1, DatePrecision.DAY: 2}


def truncate(value: datetime.date, precision: str) -> datetime.date:
    """The first day of the period that `value` falls in, at `precision`."""
    if precision == DatePrecision.YEAR:
        return value.replace(month=1, day=1)
    if precision == DatePrecision.MONTH:
        return value.replace(day=1)
    return value


@dataclass(frozen=True, order=False)
class PreciseDate:
    value: datetime.date
    precision: str = DatePrecision.DAY

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", truncate(self.value, self.precision))

    def sort_key(self) -> tuple[datetime.date, int]:
        # Within the same first day, the vaguer date sorts first: "2019" before "Jan 2019"
        # before "1 Jan 2019", which matches how a reader scans a timeline.
        return (self.value, PRECISION_RANK[DatePrecision(self.precision)])

    def __lt__(self, other: PreciseDate) -> bool:
        return self.sort_key() < other.sort_key()

    def __le__(self, other: PreciseDate) -> bool:
        return self.sort_key() <= other.sort_key()

    def __gt__(self, other: PreciseDate) -> bool:
        return self.sort_key() > other.sort_key()

    def __ge__(self, other: PreciseDate) -> bool:
        return self.sort_key() >= other.sort_key()

    def last_day(self) -> datetime.date:
        """The last day of the period the date names: 2019-10-31 for Oct 2019."""
        if self.precision == DatePrecision.YEAR:
            return self.value.replace(month=12, day=31)
        if self.precision == DatePrecision.MONTH:
            following = (self.value.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
            return following - datetime.timedelta(days=1)
        return self.value

    def certainly_before(self, other: PreciseDate) -> bool:
        """Whether the whole period of this date ends before the other's begins."""
        return self.last_day() < other.value

    def __str__(self) -> str:
        if self.precision == DatePrecision.YEAR:
            return f"{self.value.year}"
        if self.precision == DatePrecision.MONTH:
            return self.value.strftime("%b %Y")
        return f"{self.value.day} {self.value.strftime('%b %Y')}"

    def isoformat(self) -> str:
        """ISO 8601 at the date's own precision: 2019, 2019-10 or 2019-10-01."""
        if self.precision == DatePrecision.YEAR:
            return f"{self.value.year:04d}"
        if self.precision == DatePrecision.MONTH:
            return f"{self.value.year:04d}-{self.value.month:02d}"
        return self.value.isoformat()


class PreciseDateAccessor:
    """Reads a (date field, precision field) pair on a model as one PreciseDate, or None.

    `started = PreciseDateAccessor("started_on")` pairs `started_on` with `started_on_precision`.
    """

    def __init__(self, date_field: str) -> None:
        self.date_field = date_field
        self.precision_field = f"{date_field}_precision"

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = getattr(instance, self.date_field, None)  # None too where not annotated
        if value is None:
            return None
        return PreciseDate(value, getattr(instance, self.precision_field) or DatePrecision.DAY)


def date_range(start: PreciseDate | None, end: PreciseDate | None, *, over: bool = False) -> str:
    """A period in words; `over` says it is known to have ended, on a date not recorded."""
    if start and end:
        return f"{start} – {end}"
    if start:
        return f"from {start}, end date not known" if over else f"from {start}, no end recorded"
    if end:
        return f"until {end}"
    return "dates not known"


# The ways a newsroom writes a date, each with the precision it states.
TYPED_FORMS = (
    ("%Y-%m-%d", DatePrecision.DAY),
    ("%d/%m/%Y", DatePrecision.DAY),
    ("%d %b %Y", DatePrecision.DAY),
    ("%d %B %Y", DatePrecision.DAY),
    ("%b %d %Y", DatePrecision.DAY),
    ("%B %d %Y", DatePrecision.DAY),
    ("%Y-%m", DatePrecision.MONTH),
    ("%b %Y", DatePrecision.MONTH),
    ("%B %Y", DatePrecision.MONTH),
    ("%Y", DatePrecision.YEAR),
)
ACCEPTED_FORMS = "2020-02-27, 27/02/2020, 27 Feb 2020, February 2020, Feb 2020, 2020-02 or 2020"


def parse_typed(text: str) -> PreciseDate | None:
    """A date as typed, with the precision its form states ("Feb 2020" is a month); None when
    it is in none of the accepted forms. Day-first: 02/03/2020 is 2 March."""
    cleaned = " ".join(text.replace(",", " ").replace(".", " ").split())
    for form, precision in TYPED_FORMS:
        try:
            return PreciseDate(datetime.datetime.strptime(cleaned, form).date(), precision)
        except ValueError:
            continue
    return None
