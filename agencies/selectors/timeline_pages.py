"""A record's timeline paged in the database, so that an agency with 5,000 facts costs what a
page of fifty costs.

Every event is a row (dated, date, precision rank, source, record, step, kind): each source's
rows are merged with UNION ALL, counted by kind and ordered and sliced in SQL; only the records
of the page shown are then loaded and told as events by timeline.py's builders. The order is
timeline.order_key's, the same in SQL as in Python (feeds, the tests' full timeline).

The quotes said in sources (timeline.statement_events) are merged in Python: they are grouped
by what was said, and a record has few of them."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from django.db import connections
from django.db.models import (
    Case,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce

from ..choices import DatePrecision, TimelineKind
from ..dates import PRECISION_RANK
from ..models import ActionStep, Agency, Citation, Incident, RegulatoryAction, Statement, Use
from ..summaries import records_summary
from . import records, timeline
from .timeline import Source, TimelineEvent

# A part of a timeline: the kind of its events, and their rows (rows()).
Part = tuple[str, QuerySet]

COLUMNS = ("ev_dated", "ev_day", "ev_rank", "ev_source", "ev_pk", "ev_step", "ev_kind")
ORDER = ("-ev_dated", "-ev_day", "-ev_rank", "ev_source", "ev_pk", "ev_step")


def rank_of(precision_field: str) -> Case:
    return Case(
        *(
            When(**{precision_field: precision}, then=Value(rank))
            for precision, rank in PRECISION_RANK.items()
            if precision != DatePrecision.DAY
        ),
        default=Value(PRECISION_RANK[DatePrecision.DAY]),
        output_field=IntegerField(),
    )


def rows(queryset: QuerySet, source: Source, kind: str, day, rank, step: int = 0) -> Part:
    """The queryset's records as event rows; `day` and `rank` are expressions (None: undated)."""
    dated = day is not None
    return kind, (
        queryset.order_by()
        .annotate(
            ev_dated=Value(int(dated)),
            ev_day=day if dated else Cast(Value(None), DateField()),
            ev_rank=rank if dated else Value(0),
            ev_source=Value(int(source)),
            ev_pk=F("pk"),
            ev_step=Value(step),
            ev_kind=Value(kind),
        )
        .values_list(*COLUMNS)
    )


def dated_rows(queryset, source: Source, kind: str, field_name: str, step: int = 0) -> Part:
    """Rows of the records with a date in `field_name` (and its `_precision`)."""
    return rows(
        queryset.exclude(**{field_name: None}),
        source,
        kind,
        F(field_name),
        rank_of(f"{field_name}_precision"),
        step,
    )


def use_rows(uses: QuerySet) -> list[Part]:
    """A use's beginning, disclosure and end, each where dated; one undated row otherwise."""
    dated = [
        dated_rows(uses, Source.USE, TimelineKind.USE, f"{name}_on", step)
        for step, name in enumerate(("started", "disclosed", "ended"))
    ]
    undated = uses.filter(started_on=None, disclosed_on=None, ended_on=None)
    return [*dated, rows(undated, Source.USE, TimelineKind.USE, None, None, step=3)]


def incident_rows(incidents: QuerySet) -> list[Part]:
    # Incident.date: when it happened, or else when it came out.
    dated = incidents.exclude(occurred_on=None, disclosed_on=None)
    day = Coalesce(F("occurred_on"), F("disclosed_on"))
    rank = Case(
        When(occurred_on__isnull=False, then=rank_of("occurred_on_precision")),
        default=rank_of("disclosed_on_precision"),
    )
    undated = incidents.filter(occurred_on=None, disclosed_on=None)
    return [
        rows(dated, Source.INCIDENT, TimelineKind.INCIDENT, day, rank),
        rows(undated, Source.INCIDENT, TimelineKind.INCIDENT, None, None),
    ]


def action_rows(actions: QuerySet) -> list[Part]:
    """An action with public steps is told by its steps; one without by its opening and its
    closing (timeline.action_events)."""
    steps = ActionStep.objects.public().filter(action__in=actions)
    stepless = actions.filter(~Exists(ActionStep.objects.public().filter(action=OuterRef("pk"))))
    # Closed on another day (or to another precision) than it opened: a second event.
    closed_apart = stepless.exclude(closed_on=None).filter(
        Q(opened_on=None)
        | ~Q(closed_on=F("opened_on"))
        | ~Q(closed_on_precision=F("opened_on_precision"))
    )
    return [
        dated_rows(stepless, Source.ACTION, TimelineKind.ACTION, "opened_on", step=0),
        rows(stepless.filter(opened_on=None), Source.ACTION, TimelineKind.ACTION, None, None),
        dated_rows(closed_apart, Source.ACTION, TimelineKind.ACTION, "closed_on", step=1),
        dated_rows(steps, Source.STEP, TimelineKind.ACTION, "occurred_on"),
        rows(steps.filter(occurred_on=None), Source.STEP, TimelineKind.ACTION, None, None),
    ]


def statement_rows(statements: QuerySet) -> list[Part]:
    return [
        dated_rows(statements, Source.SAID, TimelineKind.STATEMENT, "said_on"),
        rows(statements.filter(said_on=None), Source.SAID, TimelineKind.STATEMENT, None, None),
    ]


class PagedTimeline:
    """A timeline as Django's Paginator pages it: counted, and sliced, in the database.

    `parts` are event rows (rows()); `quotes` the statement events said in sources, built in
    Python. `kind` keeps the events of one kind."""

    def __init__(
        self,
        name: str,
        parts: list[Part],
        quotes: list[TimelineEvent],
        kind: str = "",
    ) -> None:
        self.name, self.parts, self.kind = name, parts, kind
        self.quotes = sorted(quotes, key=timeline.order_key)
        self._counts: Counter | None = None

    def counts(self) -> Counter:
        """Events of each kind: one aggregate over every part, once per write generation (the
        chips of every page and kind show the same counts)."""
        if self._counts is None:
            self._counts = Counter(records_summary(f"timeline-counts:{self.name}", self.count_rows))
            self._counts.update(event.kind for event in self.quotes)
        return self._counts

    def count_rows(self) -> dict[str, int]:
        union = self.union(kind="")
        sql, params = union.query.sql_with_params()
        with connections[union.db].cursor() as cursor:
            cursor.execute(f"SELECT ev_kind, COUNT(*) FROM ({sql}) events GROUP BY ev_kind", params)
            return dict(cursor.fetchall())

    def count(self) -> int:
        counts = self.counts()
        return counts[self.kind] if self.kind else sum(counts.values())

    def union(self, kind: str) -> QuerySet | None:
        """Every part's rows, or those of one kind; None if no part holds that kind."""
        parts = [rows for of_kind, rows in self.parts if not kind or of_kind == kind]
        return parts[0].union(*parts[1:], all=True) if parts else None

    def __getitem__(self, page: slice) -> list[TimelineEvent]:
        quotes = [event for event in self.quotes if not self.kind or event.kind == self.kind]
        union = self.union(self.kind)
        if union is None:
            return quotes[page]
        ordered = union.order_by(*ORDER)
        if not quotes:  # the common case: the database gives the page itself
            return load(list(ordered[page]))
        # Quotes interleave: the rows up to the page's end, merged with them, then the page.
        found = load(list(ordered[: page.stop]))
        return sorted([*found, *quotes], key=timeline.order_key)[page]


def load(page_rows: list[tuple]) -> list[TimelineEvent]:
    """Tells a page of event rows as events: each source's records in one query."""
    wanted = defaultdict(set)
    for row in page_rows:
        wanted[row[3]].add(row[4])
    events: dict[tuple, TimelineEvent] = {}
    for source, pks in wanted.items():
        for event in BUILDERS[Source(source)](pks):
            events[event.order] = event
    return [events[row[3:6]] for row in page_rows]


def use_events(pks) -> Iterable[TimelineEvent]:
    for use in Use.objects.filter(pk__in=pks).select_related("agency", "product"):
        yield from timeline.use_events(use)


def incident_events(pks) -> Iterable[TimelineEvent]:
    return map(timeline.incident_event, Incident.objects.filter(pk__in=pks))


def opening_and_closing(pks) -> Iterable[TimelineEvent]:
    for action in RegulatoryAction.objects.filter(pk__in=pks):
        yield from timeline.action_events(action)


def step_events(pks) -> Iterable[TimelineEvent]:
    for step in ActionStep.objects.filter(pk__in=pks).select_related("action"):
        yield timeline.step_event(step, step.action)


def said_events(pks) -> Iterable[TimelineEvent]:
    statements = Statement.objects.filter(pk__in=pks).select_related(
        "speaker", "agency", "vendor", "authority"
    )
    return map(timeline.said_event, statements)


BUILDERS = {
    Source.USE: use_events,
    Source.INCIDENT: incident_events,
    Source.ACTION: opening_and_closing,
    Source.STEP: step_events,
    Source.SAID: said_events,
}


def quotes_of(condition: Q, statements: QuerySet) -> list[TimelineEvent]:
    """The quotes said in sources about the records `condition` names, but those given as
    statements of their own (one event each)."""
    citations = timeline.spoken_citations(condition)
    if not citations:
        return []
    recorded = set(
        Citation.objects.filter(statement__in=statements).values_list("speaker_id", "quote")
    )
    return timeline.statement_events(
        [c for c in citations if (c.speaker_id, c.quote) not in recorded]
    )


def agency_timeline(agency: Agency, kind: str = "") -> PagedTimeline:
    """The agency's uses, incidents, actions and statements, and what was said of them."""
    statements = Statement.objects.public().filter(records.by_or_about(agency))
    uses = Use.objects.public().filter(agency=agency)
    incidents = Incident.objects.public().filter(agencies=agency)
    actions = RegulatoryAction.objects.public().filter(agencies=agency)
    return PagedTimeline(
        f"agency-{agency.pk}",
        [
            *use_rows(uses),
            *incident_rows(incidents),
            *action_rows(actions),
            *statement_rows(statements),
        ],
        quotes_of(
            Q(agency=agency)
            | Q(use__in=uses.values("pk"))
            | Q(incident__in=incidents.values("pk"))
            | Q(action__in=actions.values("pk")),
            statements,
        ),
        kind,
    )


def vendor_timeline(vendor, kind: str = "") -> PagedTimeline:
    """The vendor's incidents, actions and statements, and what was said of them."""
    incidents = Incident.objects.public().filter(vendors=vendor)
    actions = RegulatoryAction.objects.public().filter(vendors=vendor)
    statements = Statement.objects.public().filter(vendor=vendor)
    return PagedTimeline(
        f"vendor-{vendor.pk}",
        [*incident_rows(incidents), *action_rows(actions), *statement_rows(statements)],
        quotes_of(
            Q(vendor=vendor)
            | Q(incident__in=incidents.values("pk"))
            | Q(action__in=actions.values("pk")),
            statements,
        ),
        kind,
    )
