"""A record's timeline paged from a stored order, so that an agency with 5,000 facts costs
what a page of fifty costs.

Every event is a row (date, precision rank, source, record, step, kind): each source's
rows are merged with UNION ALL and read in one query, once per write generation. The quotes
said in sources (timeline.statement_events, grouped by what was said) join them, and all are
ordered by timeline.order_key's rule (the feeds' and the tests' full timeline's). A page then
loads only the records it shows, told as events by timeline.py's builders."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import itemgetter

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
from ..models import (
    ActionStep,
    Agency,
    Citation,
    Incident,
    RegulatoryAction,
    Statement,
    Use,
    by_ids,
)
from ..prebuilt import built_once
from ..summaries import records_summary
from . import records, timeline
from .timeline import Source, TimelineEvent

COLUMNS = ("ev_day", "ev_rank", "ev_source", "ev_pk", "ev_step", "ev_kind")


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


def rows(queryset: QuerySet, source: Source, kind: str, day, rank, step: int = 0) -> QuerySet:
    """The queryset's records as event rows; `day` and `rank` are expressions (None: undated)."""
    dated = day is not None
    return (
        queryset.order_by()
        .annotate(
            ev_day=day if dated else Cast(Value(None), DateField()),
            ev_rank=rank if dated else Value(0),
            ev_source=Value(int(source)),
            ev_pk=F("pk"),
            ev_step=Value(step),
            ev_kind=Value(kind),
        )
        .values_list(*COLUMNS)
    )


def dated_rows(queryset, source: Source, kind: str, field_name: str, step: int = 0) -> QuerySet:
    """Rows of the records with a date in `field_name` (and its `_precision`)."""
    return rows(
        queryset.exclude(**{field_name: None}),
        source,
        kind,
        F(field_name),
        rank_of(f"{field_name}_precision"),
        step,
    )


def use_rows(uses: QuerySet) -> list[QuerySet]:
    """A use's beginning, disclosure and end, each where dated; one undated row otherwise."""
    dated = [
        dated_rows(uses, Source.USE, TimelineKind.USE, f"{name}_on", step)
        for step, name in enumerate(("started", "disclosed", "ended"))
    ]
    undated = uses.filter(started_on=None, disclosed_on=None, ended_on=None)
    return [*dated, rows(undated, Source.USE, TimelineKind.USE, None, None, step=3)]


def incident_rows(incidents: QuerySet) -> list[QuerySet]:
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


def action_rows(actions: QuerySet) -> list[QuerySet]:
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


def statement_rows(statements: QuerySet) -> list[QuerySet]:
    return [
        dated_rows(statements, Source.SAID, TimelineKind.STATEMENT, "said_on"),
        rows(statements.filter(said_on=None), Source.SAID, TimelineKind.STATEMENT, None, None),
    ]


class PagedTimeline:
    """A timeline as Django's Paginator pages it, from its order stored once per write
    generation (records_summary), as StoredOrder keeps a vendor's customers: every page, kind
    and visitor of a record reads the same order until the next write, and loads only the
    records of the page shown.

    `parts` gives the event rows (rows()), `quotes` the statement events said in sources,
    built in Python; both are called only when the order is computed. `kind` keeps the events
    of one kind."""

    def __init__(
        self,
        name: str,
        parts: Callable[[], list[QuerySet]],
        quotes: Callable[[], list[TimelineEvent]],
        kind: str = "",
    ) -> None:
        self.name, self.parts, self.quotes, self.kind = name, parts, quotes, kind
        self._stored: StoredTimeline | None = None

    def stored(self) -> StoredTimeline:
        if self._stored is None:
            self._stored = records_summary(f"timeline:{self.name}", self.compute)
        return self._stored

    def compute(self) -> StoredTimeline:
        """Every event's place: the rows of every part in one query, and the quotes, ordered
        together by timeline.order_key's rule."""
        parts = self.parts()
        rows = list(parts[0].union(*parts[1:], all=True)) if parts else []
        entries = [
            (timeline.when_key(day, rank, (source, pk, step)), KINDS[kind], (source, pk, step))
            for day, rank, source, pk, step, kind in rows
        ]
        quotes = self.quotes()
        entries += [
            (timeline.order_key(quote), quote.kind, (Source.QUOTE, index, 0))
            for index, quote in enumerate(quotes)
        ]
        entries.sort(key=itemgetter(0))
        return StoredTimeline(
            order=[(kind, *told_by) for _, kind, told_by in entries],
            quotes=quotes,
            counts=Counter(kind for _, kind, _ in entries),
            said=sorted({pk for _, _, source, pk, _, _ in rows if source == Source.SAID}),
        )

    def counts(self) -> Counter:
        """Events of each kind (the chips of every page and kind show the same counts)."""
        return self.stored().counts

    def said(self) -> list[int]:
        """The ids of the statements it holds as events of their own: what a record page lists
        in full, found here without a query of their own (none, for most records)."""
        return self.stored().said

    def count(self) -> int:
        counts = self.counts()
        return counts[self.kind] if self.kind else counts.total()

    def __getitem__(self, page: slice) -> list[TimelineEvent]:
        stored = self.stored()
        order = stored.order
        if self.kind:
            order = [entry for entry in order if entry[0] == self.kind]
        return load(order[page], stored.quotes)


@dataclass
class StoredTimeline:
    order: list[tuple[str, int, int, int]]  # (kind, source, record id or quote index, step)
    quotes: list[TimelineEvent]
    counts: Counter
    said: list[int]  # the statements' ids (PagedTimeline.said)


# One object per kind, so that a stored order of thousands pickles each kind's name once.
KINDS = {kind: kind for kind in TimelineKind.values}


def load(entries: list[tuple], quotes: list[TimelineEvent]) -> list[TimelineEvent]:
    """Tells a page of the stored order as events: each source's records in one query."""
    wanted = defaultdict(set)
    for _, source, pk, _ in entries:
        if source != Source.QUOTE:
            wanted[source].add(pk)
    events: dict[tuple, TimelineEvent] = {}
    for source, pks in wanted.items():
        for event in BUILDERS[Source(source)](pks):
            events[event.order] = event
    # A record deleted or redated by a write that committed after the order was read is left
    # out: that write moved the generation, and the next request reads the new order.
    return [
        quotes[pk] if source == Source.QUOTE else events[(source, pk, step)]
        for _, source, pk, step in entries
        if source == Source.QUOTE or (source, pk, step) in events
    ]


# What an event tells of its record (timeline.use_events, incident_event, action_events): its
# title, dates and link, and for feeds when it was published and revised. Not a record's
# summary, a page of text, nor the other columns of a use's agency and product.
REVISED = ("published_at", "updated_at")
USE_TOLD = (
    *("status", "started_on", "disclosed_on", "ended_on", "agency", "product", *REVISED),
    *("started_on_precision", "disclosed_on_precision", "ended_on_precision"),
    *("agency__name", "agency__short_name", "product__name"),
)
INCIDENT_TOLD = (
    *("title", "slug", "kind", "occurred_on", "occurred_on_precision", *REVISED),
    *("disclosed_on", "disclosed_on_precision"),
)
ACTION_TOLD = (
    *("title", "slug", "kind", "outcome", "opened_on", "opened_on_precision", *REVISED),
    *("closed_on", "closed_on_precision"),
)


@built_once
def uses_told() -> QuerySet[Use]:
    return Use.objects.select_related("agency", "product").only(*USE_TOLD)


@built_once
def incidents_told() -> QuerySet[Incident]:
    return Incident.objects.only(*INCIDENT_TOLD)


@built_once
def actions_told() -> QuerySet[RegulatoryAction]:
    return RegulatoryAction.objects.only(*ACTION_TOLD)


def use_events(pks) -> Iterable[TimelineEvent]:
    for use in by_ids(uses_told(), pks):
        yield from timeline.use_events(use)


def incident_events(pks) -> Iterable[TimelineEvent]:
    return map(timeline.incident_event, by_ids(incidents_told(), pks))


def opening_and_closing(pks) -> Iterable[TimelineEvent]:
    for action in by_ids(actions_told(), pks):
        yield from timeline.action_events(action)


def step_events(pks) -> Iterable[TimelineEvent]:
    for step in by_ids(ActionStep.objects.select_related("action"), pks):
        yield timeline.step_event(step, step.action)


def said_events(pks) -> Iterable[TimelineEvent]:
    statements = by_ids(
        Statement.objects.select_related("speaker", "agency", "vendor", "authority"), pks
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
        lambda: [
            *use_rows(uses),
            *incident_rows(incidents),
            *action_rows(actions),
            *statement_rows(statements),
        ],
        lambda: quotes_of(
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
        lambda: [*incident_rows(incidents), *action_rows(actions), *statement_rows(statements)],
        lambda: quotes_of(
            Q(vendor=vendor)
            | Q(incident__in=incidents.values("pk"))
            | Q(action__in=actions.values("pk")),
            statements,
        ),
        kind,
    )
