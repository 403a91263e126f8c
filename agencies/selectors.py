"""Reads that are more than a filter: list filters with facet counts, timelines, the dashboard."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import partial
from itertools import chain

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce

from . import search
from .choices import (
    ACTION_KIND_LABELS,
    INCIDENT_KIND_LABELS,
    USE_STATUS_LABELS,
    ActionState,
    AgencyKind,
    AgencyStatus,
    DatePrecision,
)
from .dates import PreciseDate
from .models import (
    CITED_FIELDS,
    PUBLISHED,
    ActionAuthority,
    Agency,
    Authority,
    Citation,
    Incident,
    Product,
    RegulatoryAction,
    Source,
    Use,
    Vendor,
)
from .places import COUNTRIES, SUBDIVISIONS, place_name
from .summaries import summaries

MAX_QUERY_LENGTH = 200


def cited() -> Prefetch:
    """Prefetch a public record's public citations with their sources and speakers."""
    return Prefetch(
        "citations",
        queryset=Citation.objects.of_published_record().select_related("source", "speaker"),
    )


def published(lookup: str, model) -> Prefetch:
    """Prefetch only the published records of a relation."""
    return Prefetch(lookup, queryset=model.objects.published())


def acting_authorities() -> Prefetch:
    """An action's published authorities, with their roles."""
    return Prefetch(
        "participants",
        queryset=ActionAuthority.objects.filter(authority__publication=PUBLISHED).select_related(
            "authority"
        ),
    )


def customer_count() -> Coalesce:
    """A vendor's agency customers: distinct published agencies with a published use.

    A subquery per vendor rather than a join grouped by every vendor column: five times
    faster at 20,000 agencies on SQLite, and the same answer."""
    customers = (
        Use.objects.filter(
            product__vendor=OuterRef("pk"),
            publication=PUBLISHED,
            product__publication=PUBLISHED,
            agency__publication=PUBLISHED,
        )
        .order_by()
        .values("product__vendor")
        .annotate(count=Count("agency", distinct=True))
        .values("count")
    )
    return Coalesce(Subquery(customers), 0)


def product_count() -> Coalesce:
    products = (
        Product.objects.filter(vendor=OuterRef("pk"), publication=PUBLISHED)
        .order_by()
        .values("vendor")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(products), 0)


def newest(field_name: str):
    """Newest first, undated last on both engines (PostgreSQL puts NULL first in DESC)."""
    return F(field_name).desc(nulls_last=True)


def clean_query(value: str | None) -> str:
    return (value or "").strip()[:MAX_QUERY_LENGTH]


# Agency list: filters, facets, sorting.

# Statuses in the order the rule ranks them (agencies/status.py), not by their codes.
STATUS_ORDER = {value: rank for rank, value in enumerate(AgencyStatus.values)}
STATUS_RANK = Case(
    *(When(status=value, then=rank) for value, rank in STATUS_ORDER.items()),
    default=len(STATUS_ORDER),
)

# Each ends with the primary key, so pages never overlap or skip a record.
AGENCY_SORTS = {
    "name": ("name", "pk"),
    "-name": ("-name", "-pk"),
    "status": (STATUS_RANK.asc(), "name", "pk"),
    "place": ("country", "subdivision", "name", "pk"),
    "updated": ("-updated_at", "name", "pk"),
}


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    name: str
    label: str
    options: list[FacetOption] = field(default_factory=list)

    @property
    def selected(self) -> FacetOption | None:
        return next((option for option in self.options if option.selected), None)


def agency_filter_q(filters: dict[str, str], *, skip: str | None = None) -> Q:
    """One Q for every filter but `skip`, so a facet's counts ignore its own choice."""
    condition = Q()
    for name, value in filters.items():
        if name == skip or not value:
            continue
        if name == "q":
            condition &= search.text_filter(Agency, value)
        elif name == "vendor":
            # A subquery, not a join: an agency with two uses of the vendor is still one row.
            condition &= Q(
                pk__in=Use.objects.filter(
                    product__vendor__slug=value,
                    publication=PUBLISHED,
                    product__vendor__publication=PUBLISHED,
                ).values("agency")
            )
        else:
            condition &= Q(**{name: value})
    return condition


FACETS = (
    ("status", "Status"),
    ("country", "Country"),
    ("subdivision", "Province or state"),
    ("kind", "Kind"),
    ("vendor", "Vendor"),
)


def agency_facets(filters: dict[str, str], vendor_names: dict[str, str]) -> list[Facet]:
    """Each filter's options with how many agencies choosing it would leave: one query a facet.

    A facet's counts ignore its own choice, so a facet with no other filter chosen counts the
    whole record: the same for every visitor, it is read from the summary table."""
    labels = {
        "status": dict(AgencyStatus.choices),
        "kind": dict(AgencyKind.choices),
        "vendor": vendor_names,
        "country": COUNTRIES,
        "subdivision": SUBDIVISIONS,
    }
    sitewide = summaries(
        **{
            f"facet:{name}": partial(facet_counts, name, {})
            for name, _ in FACETS
            if not any(value for other, value in filters.items() if other != name)
        }
    )
    facets = []
    for name, label in FACETS:
        key = f"facet:{name}"
        counts = sitewide[key] if key in sitewide else facet_counts(name, filters)
        options = [
            FacetOption(
                value=value,
                label=labels[name].get(value, value),
                count=count,
                selected=filters.get(name) == value,
            )
            for value, count in counts
        ]
        if name == "status":
            options.sort(key=lambda option: STATUS_ORDER.get(option.value, len(STATUS_ORDER)))
        elif name in ("country", "subdivision"):
            options.sort(key=lambda option: option.label)  # Alabama before Alaska, not AK < AL
        facets.append(Facet(name=name, label=label, options=options))
    return facets


def facet_counts(name: str, filters: dict[str, str]) -> list[tuple[str, int]]:
    """(value, agencies) for each value of one facet, under every filter but its own."""
    agencies = Agency.objects.published().filter(agency_filter_q(filters, skip=name))
    if name == "vendor":
        # Customers, through published uses of published vendors. Read from the uses with
        # the agencies as a subquery: SQLite then reads an index, not a join per use.
        rows = (
            Use.objects.filter(
                publication=PUBLISHED,
                product__vendor__publication=PUBLISHED,
                agency__in=agencies.values("pk"),
            )
            .values_list(F("product__vendor__slug"))
            .annotate(count=Count("agency", distinct=True))
            .order_by(F("product__vendor__slug"))
        )
    else:
        rows = (
            agencies.exclude(**{f"{name}__isnull": True})
            .exclude(**{name: ""})
            .values_list(name)
            .annotate(count=Count("pk"))
            .order_by(name)
        )
    return list(rows)


def filter_agencies(filters: dict[str, str], sort: str) -> QuerySet[Agency]:
    return (
        Agency.objects.published()
        .filter(agency_filter_q(filters))
        .order_by(*AGENCY_SORTS.get(sort, AGENCY_SORTS["name"]))
    )


# Timelines.


@dataclass
class TimelineEvent:
    date: PreciseDate | None
    kind: str
    title: str
    # The page the event links to, as the record it is about: resolved only for the events
    # shown, since a timeline of hundreds sorts them all but shows fifty.
    links_to: object | None = None
    detail: str = ""
    citations: list[Citation] = field(default_factory=list)
    # The record whose citations back the event, as (citation field, pk); attach_citations()
    # fetches them for the events shown, so a long timeline loads only one page's citations.
    record: tuple[str, int] | None = None

    @property
    def url(self) -> str:
        return self.links_to.get_absolute_url() if self.links_to else ""

    @property
    def sort_key(self):
        return self.date.sort_key() if self.date else (None,)


TIMELINE_KINDS = {
    "use": "Use",
    "incident": "Incident",
    "action": "Regulatory action",
    "statement": "Statement",
}


def use_events(use: Use, *, subject: str, links_to=None) -> list[TimelineEvent]:
    """The dated steps of one use; `links_to` is the record whose page tells more (its agency,
    on a page that is not the agency's)."""
    record = ("use", use.pk)
    product = use.product.name
    events = []
    if use.started:
        events.append(
            TimelineEvent(
                use.started,
                "use",
                f"{subject} began using {product}",
                detail=USE_STATUS_LABELS[use.status],
                links_to=links_to,
                record=record,
            )
        )
    if use.disclosed:
        events.append(
            TimelineEvent(
                use.disclosed,
                "use",
                f"Use of {product} by {subject} made public",
                detail=USE_STATUS_LABELS[use.status],
                links_to=links_to,
                record=record,
            )
        )
    if use.ended:
        events.append(
            TimelineEvent(
                use.ended,
                "use",
                f"{subject} stopped using {product}",
                detail=USE_STATUS_LABELS[use.status],
                links_to=links_to,
                record=record,
            )
        )
    if not events:
        events.append(
            TimelineEvent(
                None,
                "use",
                f"{subject}: {USE_STATUS_LABELS[use.status].lower()} of {product}",
                links_to=links_to,
                record=record,
            )
        )
    return events


def incident_event(incident: Incident) -> TimelineEvent:
    return TimelineEvent(
        incident.date,
        "incident",
        incident.title,
        links_to=incident,
        detail=INCIDENT_KIND_LABELS[incident.kind],
        record=("incident", incident.pk),
    )


def action_events(action: RegulatoryAction) -> list[TimelineEvent]:
    record = ("action", action.pk)
    events = [
        TimelineEvent(
            action.opened,
            "action",
            action.title,
            links_to=action,
            detail=ACTION_KIND_LABELS[action.kind],
            record=record,
        )
    ]
    if action.closed and action.closed != action.opened:
        events.append(
            TimelineEvent(
                action.closed,
                "action",
                f"Closed: {action.title}",
                links_to=action,
                detail=action.outcome,
                record=record,
            )
        )
    return events


def same_words(citations: Iterable[Citation]) -> list[list[Citation]]:
    """Citations grouped by what was said: the same quote of the same person (or of no named
    person), in the order first met. A claim without a quote is never merged with another."""
    said: dict[tuple, list[Citation]] = {}
    for citation in citations:
        words = citation.quote or f"#{citation.pk}"
        said.setdefault((citation.speaker_id, words), []).append(citation)
    return list(said.values())


def statement_events(citations) -> list[TimelineEvent]:
    """One event per thing said: the same words of the same person, reported by several
    sources, are one statement, dated by its first report and citing every report."""
    events = []
    for reports in same_words(citation for citation in citations if citation.speaker_id):
        dated = [report for report in reports if report.source.published]
        first = (
            min(dated, key=lambda report: report.source.published.sort_key())
            if dated
            else reports[0]
        )
        speaker = first.speaker
        events.append(
            TimelineEvent(
                first.source.published,
                "statement",
                f"{speaker.name}, {speaker.role}, {speaker.organisation}",
                links_to=first.source,
                detail=first.quote,
                citations=reports,
            )
        )
    return events


def sort_timeline(events, kind: str | None = None) -> list[TimelineEvent]:
    """Newest first; undated events last."""
    if kind in TIMELINE_KINDS:
        events = [event for event in events if event.kind == kind]
    dated = sorted((e for e in events if e.date), key=lambda e: e.sort_key, reverse=True)
    return dated + [e for e in events if not e.date]


def agency_detail_queryset() -> QuerySet[Agency]:
    """An agency with what its page shows beyond the timeline's citations (attach_citations)."""
    return (
        Agency.objects.published()
        .select_related("parent")
        .prefetch_related(
            cited(),
            Prefetch("uses", queryset=Use.objects.public().select_related("product__vendor")),
            published("incidents", Incident),
            published("actions", RegulatoryAction),
            published("children", Agency),
        )
    )


def authorities_acting_on(agency: Agency) -> QuerySet[Authority]:
    """The published authorities of the agency's published actions, once each: one query,
    where prefetching every action's authorities built hundreds of rows to name a few."""
    return (
        Authority.objects.published()
        .filter(
            participations__action__agencies=agency,
            participations__action__publication=PUBLISHED,
        )
        .distinct()
        .order_by("name")
    )


def vendor_detail_queryset() -> QuerySet[Vendor]:
    """A vendor with its products (and their citations), incidents and actions."""
    return Vendor.objects.published().prefetch_related(
        cited(),
        Prefetch("products", queryset=Product.objects.published().prefetch_related(cited())),
        published("incidents", Incident),
        published("actions", RegulatoryAction),
    )


def spoken_citations(condition: Q) -> list[Citation]:
    """Public citations with a speaker, of records already known to be public."""
    return list(
        Citation.objects.of_published_record()
        .filter(condition, speaker__isnull=False)
        .select_related("source", "speaker")
    )


def records_of(field_name: str, records: Iterable) -> Q:
    return Q(**{f"{field_name}__in": [record.pk for record in records]})


def agency_timeline(agency: Agency) -> list[TimelineEvent]:
    """Every event of the agency's timeline, without citations: see attach_citations()."""
    uses = agency.uses.all()
    return list(
        chain(
            chain.from_iterable(
                use_events(use, subject=agency.short_name or agency.name) for use in uses
            ),
            (incident_event(incident) for incident in agency.incidents.all()),
            chain.from_iterable(action_events(action) for action in agency.actions.all()),
            statement_events(
                spoken_citations(
                    Q(agency=agency)
                    | records_of("use", uses)
                    | records_of("incident", agency.incidents.all())
                    | records_of("action", agency.actions.all())
                )
            ),
        )
    )


def vendor_timeline(vendor: Vendor) -> list[TimelineEvent]:
    """Every event of the vendor's timeline, without citations: see attach_citations()."""
    return list(
        chain(
            (incident_event(incident) for incident in vendor.incidents.all()),
            chain.from_iterable(action_events(action) for action in vendor.actions.all()),
            statement_events(
                spoken_citations(
                    Q(vendor=vendor)
                    | records_of("incident", vendor.incidents.all())
                    | records_of("action", vendor.actions.all())
                )
            ),
        )
    )


def newest_dated(events: Iterable[TimelineEvent], limit: int) -> list[TimelineEvent]:
    """The `limit` newest dated events, with their citations: what a feed or a digest shows."""
    newest = sort_timeline([event for event in events if event.date])[:limit]
    attach_citations(newest)
    return newest


def attach_citations(events: Iterable[TimelineEvent]) -> None:
    """Give each event its record's public citations: one query for all the events given.

    Called on the events about to be shown (a page of a timeline, a feed), so that an agency
    with hundreds of facts loads the citations of fifty, not of all of them."""
    events = [event for event in events if event.record]
    wanted = defaultdict(set)
    for event in events:
        field_name, pk = event.record
        wanted[field_name].add(pk)
    if not wanted:
        return
    condition = Q()
    for field_name, pks in wanted.items():
        condition |= Q(**{f"{field_name}__in": pks})
    found = defaultdict(list)
    for citation in (
        Citation.objects.of_published_record().filter(condition).select_related("source", "speaker")
    ):
        for field_name, pks in wanted.items():
            pk = getattr(citation, f"{field_name}_id")
            if pk in pks:
                found[(field_name, pk)].append(citation)
    for event in events:
        event.citations = found[event.record]


# Dashboard.


def dashboard_figures() -> dict:
    """The dashboard's site-wide counts, read from the summary table (one query once stored)."""
    figures = summaries(
        statuses=status_counts,
        places=place_counts,
        vendors=vendors_by_customers,
        events=lambda: asdict(events_over_time()),
    )
    figures["events"] = EventCounts(**figures["events"])
    return figures


def status_counts() -> list[tuple[str, str, int]]:
    counts = dict(
        Agency.objects.published().values_list("status").annotate(n=Count("pk")).order_by()
    )
    return [(value, label, counts.get(value, 0)) for value, label in AgencyStatus.choices]


def place_counts() -> list[dict]:
    rows = (
        Agency.objects.published()
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
        Vendor.objects.published()
        .annotate(customer_count=customer_count())
        .order_by("-customer_count", "name")[:limit]
    )
    return [
        {"name": v.name, "url": v.get_absolute_url(), "customer_count": v.customer_count}
        for v in vendors
    ]


def open_actions(limit: int = 10) -> QuerySet[RegulatoryAction]:
    return (
        RegulatoryAction.objects.published()
        .filter(state=ActionState.OPEN)
        .order_by(newest("opened_on"), "title")[:limit]
    )


def newest_each(queryset: QuerySet, limit: int, dates: dict[str, dict]) -> list:
    """The records among the `limit` newest by each of their dates (each with its own filter),
    once each. A record's events are dated by these, so the newest events are among them; each
    date reads its own index, where ordering by the newest of several would sort every row."""
    found = {}
    for field_name, condition in dates.items():
        newest_first = (
            queryset.filter(**condition)
            .exclude(**{field_name: None})
            .order_by(f"-{field_name}", "-pk")[:limit]
        )
        for record in newest_first:
            found.setdefault(record.pk, record)
    return list(found.values())


def latest_events(limit: int = 8) -> list[TimelineEvent]:
    """The newest dated events across the record: a fixed number of queries."""
    uses = newest_each(
        Use.objects.public().select_related("agency", "product"),
        limit,
        {"started_on": {}, "disclosed_on": {}, "ended_on": {}},
    )
    # An incident is dated by when it happened, or else when it came out (Incident.date).
    incidents = newest_each(
        Incident.objects.published(),
        limit,
        {"occurred_on": {}, "disclosed_on": {"occurred_on": None}},
    )
    actions = newest_each(
        RegulatoryAction.objects.published(), limit, {"opened_on": {}, "closed_on": {}}
    )
    events = list(
        chain(
            chain.from_iterable(
                use_events(
                    use,
                    subject=use.agency.short_name or use.agency.name,
                    links_to=use.agency,
                )
                for use in uses
            ),
            (incident_event(incident) for incident in incidents),
            chain.from_iterable(action_events(action) for action in actions),
        )
    )
    return newest_dated(events, limit)


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
            Incident.objects.published(),
            Coalesce("occurred_on", "disclosed_on"),
            Case(
                When(occurred_on__isnull=False, then=F("occurred_on_precision")),
                default=F("disclosed_on_precision"),
            ),
        )
        + month_counts(
            RegulatoryAction.objects.published(), F("opened_on"), F("opened_on_precision")
        )
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


BAR_SPACING = 24  # SVG units per bar; the template draws each bar 20 wide.


@dataclass
class Bar:
    label: str
    count: int
    x: int
    y: float
    height: float
    tick: str  # the axis label: a month's abbreviation, or a year
    subtick: str = ""  # the year under a month, shown where the year changes


def chart_bars(counts: list[tuple[str, int]], *, height: int = 60) -> list[Bar]:
    """Bars for a server-drawn SVG chart, scaled so the tallest fills the height."""
    tallest = max((count for _, count in counts), default=0) or 1
    bars = []
    for index, (label, count) in enumerate(counts):
        bar_height = round(height * count / tallest, 2)
        month, _, year = label.rpartition(" ")
        new_year = index == 0 or month == "Jan"
        bars.append(
            Bar(
                label,
                count,
                index * BAR_SPACING,
                round(height - bar_height, 2),
                bar_height,
                tick=month or year,
                subtick=year if month and new_year else "",
            )
        )
    return bars


# Search.


def search_records(query: str, limit: int = 20) -> dict[str, list]:
    """Every kind of published record matching the query (agencies/search.py), by kind."""
    if not search.words(query):
        return {}
    with search.joins_as_written():
        citations = list(
            search.ranked(
                Citation.objects.public().select_related("source", "speaker"), query, "quote"
            )[:limit]
        )
    return {
        "agencies": list(search.ranked(Agency.objects.published(), query, "name")[:limit]),
        "vendors": list(search.ranked(Vendor.objects.published(), query, "name")[:limit]),
        "incidents": list(search.ranked(Incident.objects.published(), query, "title")[:limit]),
        "actions": list(
            search.ranked(RegulatoryAction.objects.published(), query, "title")[:limit]
        ),
        "sources": list(search.ranked(Source.objects.published(), query, "title")[:limit]),
        "quotes": same_words(citations),  # one result for words several sources report
    }


# Lists shared by the pages, the CSV downloads and the API: one definition of each filter.


def vendor_list() -> QuerySet[Vendor]:
    return (
        Vendor.objects.published()
        .annotate(customer_count=customer_count(), product_count=product_count())
        .order_by("-customer_count", "name", "pk")
    )


def incident_list(filters: dict[str, str]) -> QuerySet[Incident]:
    incidents = Incident.objects.published().prefetch_related(
        published("agencies", Agency), published("vendors", Vendor)
    )
    if filters.get("kind"):
        incidents = incidents.filter(kind=filters["kind"])
    return incidents.order_by(newest("disclosed_on"), newest("occurred_on"), "title", "pk")


def action_list(filters: dict[str, str]) -> QuerySet[RegulatoryAction]:
    actions = RegulatoryAction.objects.published().prefetch_related(
        acting_authorities(), published("agencies", Agency), published("vendors", Vendor)
    )
    if filters.get("kind"):
        actions = actions.filter(kind=filters["kind"])
    if filters.get("state"):
        actions = actions.filter(state=filters["state"])
    if filters.get("authority"):
        actions = actions.filter(
            participants__authority__slug=filters["authority"],
            participants__authority__publication=PUBLISHED,
        )
    return actions.order_by(newest("opened_on"), "title", "pk")


def use_list(filters: dict[str, str]) -> QuerySet[Use]:
    uses = Use.objects.public().select_related("agency", "product__vendor")
    if filters.get("agency"):
        uses = uses.filter(agency__slug=filters["agency"])
    if filters.get("vendor"):
        uses = uses.filter(product__vendor__slug=filters["vendor"])
    if filters.get("status"):
        uses = uses.filter(status=filters["status"])
    return uses.order_by("agency__name", "started_on", "pk")


def source_list() -> QuerySet[Source]:
    public_citations = (
        Citation.objects.public()
        .filter(source=OuterRef("pk"))
        .order_by()
        .values("source")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        Source.objects.published()
        .annotate(citation_count=Coalesce(Subquery(public_citations), 0))
        .order_by("-published_on", "title", "pk")
    )


def citation_list(filters: dict[str, str]) -> QuerySet[Citation]:
    citations = Citation.objects.public().select_related(
        "source", "speaker", *CITED_FIELDS, "use__agency", "use__product", "product__vendor"
    )
    if filters.get("source"):
        citations = citations.filter(source__slug=filters["source"])
    if filters.get("agency"):
        citations = citations.filter(
            Q(agency__slug=filters["agency"]) | Q(use__agency__slug=filters["agency"])
        )
    # Each source's citations together, so the order follows the source date index.
    return citations.order_by("source__published_on", "source_id", "pk")


def public_citation_count() -> int:
    """How many citations the public sees: checking every one's record takes a scan."""
    return summaries(citations=lambda: Citation.objects.public().count())["citations"]
