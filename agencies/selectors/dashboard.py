"""The dashboard's site-wide figures, stored per write generation (agencies/summaries.py)."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import asdict, dataclass

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    Func,
    QuerySet,
    When,
)
from django.db.models.functions import Coalesce

from ..choices import (
    ActionState,
    AgencyStatus,
    DatePrecision,
)
from ..models import (
    Agency,
    Incident,
    RegulatoryAction,
    Use,
    Vendor,
)
from ..places import place_name
from ..summaries import summaries
from .lists import customer_count
from .records import newest
from .timeline import latest_events


def dashboard_figures() -> dict:
    """The dashboard's site-wide counts, read from the summary table, and its latest events and
    open actions, from the cache (one query once stored)."""
    figures = summaries(
        statuses=status_counts,
        places=place_counts,
        vendors=vendors_by_customers,
        events=lambda: asdict(events_over_time()),
        records={"latest_events": latest_events, "open_actions": open_actions},
    )
    figures["events"] = EventCounts(**figures["events"])
    return figures


def status_counts() -> list[tuple[str, str, int]]:
    counts = dict(Agency.objects.public().values_list("status").annotate(n=Count("pk")).order_by())
    return [(value, label, counts.get(value, 0)) for value, label in AgencyStatus.choices]


def place_counts() -> list[dict]:
    rows = (
        Agency.objects.public()
        .values("country", "subdivision")
        .annotate(count=Count("pk"))
        .order_by("country", "subdivision")
    )
    places = [
        row
        | {
            "country_name": place_name(row["country"]),
            "subdivision_name": place_name(row["subdivision"]),
        }
        for row in rows
    ]
    # By name within each country, a national body (no subdivision) first.
    return sorted(
        places, key=lambda p: (p["country_name"], bool(p["subdivision"]), p["subdivision_name"])
    )


def vendors_by_customers(limit: int = 10) -> list[dict]:
    vendors = (
        Vendor.objects.public()
        .annotate(customer_count=customer_count())
        .order_by("-customer_count", "name")[:limit]
    )
    return [
        {"name": v.name, "url": v.get_absolute_url(), "customer_count": v.customer_count}
        for v in vendors
    ]


def open_actions(limit: int = 10) -> list[RegulatoryAction]:
    return list(
        RegulatoryAction.objects.public()
        .filter(state=ActionState.OPEN)
        .order_by(newest("opened_on"), "title")[:limit]
    )


@dataclass
class EventCounts:
    """Dated events bucketed by month (for a short span) or by year; `unplaced` counts events
    known only to a coarser precision than the buckets, which a bar would misplace."""

    unit: str
    buckets: list[tuple[str, int]]
    unplaced: int = 0


class YearMonth(Func):
    """A date's "YYYY-MM", in SQL native to each engine: Django's TruncMonth is a Python
    function called once per row on SQLite, most of the dashboard's time at scale."""

    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="substr(%(expressions)s, 1, 7)", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="to_char(%(expressions)s, 'YYYY-MM')", **extra
        )


def month_counts(queryset: QuerySet, date, precision) -> Counter:
    """How many rows fall in each (first day of month, precision), counted in the database."""
    rows = (
        queryset.annotate(event_date=date, event_precision=precision)
        .exclude(event_date=None)
        .annotate(month=YearMonth("event_date"))
        .values("month", "event_precision")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return Counter(
        {
            (
                datetime.date(int(row["month"][:4]), int(row["month"][5:7]), 1),
                row["event_precision"],
            ): row["count"]
            for row in rows
        }
    )


def events_over_time(max_months: int = 36) -> EventCounts:
    """Timeline events counted over time: uses starting and ending, incidents, actions opening."""
    uses = Use.objects.public()
    counts = (
        month_counts(uses, F("started_on"), F("started_on_precision"))
        + month_counts(uses, F("ended_on"), F("ended_on_precision"))
        + month_counts(
            Incident.objects.public(),
            Coalesce("occurred_on", "disclosed_on"),
            Case(
                When(occurred_on__isnull=False, then=F("occurred_on_precision")),
                default=F("disclosed_on_precision"),
            ),
        )
        + month_counts(RegulatoryAction.objects.public(), F("opened_on"), F("opened_on_precision"))
    )
    if not counts:
        return EventCounts("year", [])
    first = min(month for month, _ in counts)
    last = max(month for month, _ in counts)
    span = (last.year - first.year) * 12 + last.month - first.month + 1
    if span > max_months:
        years = Counter()
        for (month, _), count in counts.items():
            years[month.year] += count
        return EventCounts(
            "year", [(str(y), years.get(y, 0)) for y in range(first.year, last.year + 1)]
        )
    months = Counter()
    for (month, precision), count in counts.items():
        if precision != DatePrecision.YEAR:
            months[(month.year, month.month)] += count
    buckets = []
    year, month = first.year, first.month
    for _ in range(span):
        label = datetime.date(year, month, 1).strftime("%b %Y")
        buckets.append((label, months.get((year, month), 0)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    unplaced = sum(
        count for (_, precision), count in counts.items() if precision == DatePrecision.YEAR
    )
    return EventCounts("month", buckets, unplaced)
