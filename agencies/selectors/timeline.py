"""Timelines: the dated events of an agency, a vendor or the whole record, with citations."""

from __future__ import annotations

import datetime
import enum
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain

from django.db.models import (
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)

from ..choices import (
    ACTION_KIND_LABELS,
    AGENCY_STATUS_LABELS,
    INCIDENT_KIND_LABELS,
    STANCE_LABELS,
    USE_STATUS_LABELS,
    DatePrecision,
    TimelineKind,
)
from ..dates import PreciseDate
from ..models import (
    ActionStep,
    Agency,
    Citation,
    Incident,
    RegulatoryAction,
    Statement,
    Use,
)
from . import records


class Source(enum.IntEnum):
    """What an event is told from; among events of the same date, this order, then the record's
    id, then the step (a use's beginning before its end)."""

    USE = 0
    INCIDENT = 1
    ACTION = 2  # an action's opening or closing, when it has no public steps
    STEP = 3
    SAID = 4  # a statement on the record
    QUOTE = 5  # words quoted in sources (statement_events)
    STATUS = 6  # a change of an agency's status (feeds)


USE_STEPS = ("began", "made-public", "ended", "undated")


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
    sources_above: bool = False  # its record's citations are shown with an earlier event
    # For feeds: an id that stays the event's whatever is corrected in it, and when its record
    # was first published here and last corrected.
    key: str = ""
    first_published: datetime.datetime | None = None
    revised: datetime.datetime | None = None
    order: tuple[Source, int, int] = (Source.USE, 0, 0)  # (source, record id, step): order_key

    @cached_property  # a timeline links to it up to three times
    def url(self) -> str:
        return self.links_to.get_absolute_url() if self.links_to else ""


def order_key(event: TimelineEvent) -> tuple:
    """Newest first, the vaguer of two dates on the same day after the precise one; undated
    events last; ties by event.order."""
    return when_key(*event.date.sort_key() if event.date else (None, 0), event.order)


def when_key(day: datetime.date | None, rank: int, order: tuple) -> tuple:
    """order_key of an event on `day`, at the precision ranked `rank` (dates.PRECISION_RANK),
    told from `order` (source, record id, step): the one rule for events and event rows."""
    if day is None:
        return (1, 0, 0, *order)
    return (0, -day.toordinal(), -rank, *order)


def use_events(use: Use) -> list[TimelineEvent]:
    """The dated steps of one use (its agency and product loaded), each linking to its page."""
    subject = use.agency.short_name or use.agency.name
    product = use.product.name
    status = USE_STATUS_LABELS[use.status]
    steps = [
        (0, use.started, f"{subject} began using {product}", status),
        (1, use.disclosed, f"Use of {product} by {subject} made public", status),
        (2, use.ended, f"{subject} stopped using {product}", status),
    ]
    dated = [step for step in steps if step[1]] or [
        (3, None, f"{subject}: {status.lower()} of {product}", "")
    ]
    return [
        TimelineEvent(
            date,
            TimelineKind.USE,
            title,
            detail=detail,
            links_to=use,
            record=("use", use.pk),
            order=(Source.USE, use.pk, step),
            **revision(use, f"use-{use.pk}-{USE_STEPS[step]}"),
        )
        for step, date, title, detail in dated
    ]


def revision(record, key: str) -> dict:
    """The feed's id and dates of an event of a record."""
    return {
        "key": key,
        "first_published": record.published_at,
        "revised": getattr(record, "changed_at", None) or record.updated_at,
    }


def incident_event(incident: Incident) -> TimelineEvent:
    return TimelineEvent(
        incident.date,
        "incident",
        incident.title,
        links_to=incident,
        detail=INCIDENT_KIND_LABELS[incident.kind],
        record=("incident", incident.pk),
        order=(Source.INCIDENT, incident.pk, 0),
        **revision(incident, f"incident-{incident.pk}"),
    )


def step_event(step: ActionStep, action: RegulatoryAction) -> TimelineEvent:
    return TimelineEvent(
        step.occurred,
        TimelineKind.ACTION,
        f"{step.title}: {action.title}",
        links_to=step,
        detail=step.summary or ACTION_KIND_LABELS[action.kind],
        record=("step", step.pk),
        order=(Source.STEP, step.pk, 0),
        # Its title names the action: retitling the action corrects the event too.
        **revision(step, f"action-{action.pk}-step-{step.pk}")
        | {"revised": max(step.updated_at, action.updated_at)},
    )


def step_events(action: RegulatoryAction) -> list[TimelineEvent]:
    """One event per public step of the action (prefetched by with_steps)."""
    return [step_event(step, action) for step in action.shown_steps]


def said_event(statement: Statement) -> TimelineEvent:
    """A statement on the record, dated when it was said."""
    return TimelineEvent(
        statement.said,
        TimelineKind.STATEMENT,
        f"{statement.speaker_name}: {STANCE_LABELS[statement.stance].lower()}",
        links_to=statement,
        detail=statement.summary,
        record=("statement", statement.pk),
        order=(Source.SAID, statement.pk, 0),
        **revision(statement, f"said-{statement.pk}"),
    )


def action_events(action: RegulatoryAction) -> list[TimelineEvent]:
    """An action's steps when it has public ones; else its opening and its closing."""
    if getattr(action, "shown_steps", None):
        return step_events(action)
    record = ("action", action.pk)
    events = [
        TimelineEvent(
            action.opened,
            "action",
            action.title,
            links_to=action,
            detail=ACTION_KIND_LABELS[action.kind],
            record=record,
            order=(Source.ACTION, action.pk, 0),
            **revision(action, f"action-{action.pk}-opened"),
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
                order=(Source.ACTION, action.pk, 1),
                **revision(action, f"action-{action.pk}-closed"),
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
                key=f"statement-{min(report.pk for report in reports)}",
                order=(Source.QUOTE, min(report.pk for report in reports), 0),
                first_published=min(report.created_at for report in reports),
                revised=max(report.updated_at for report in reports),
            )
        )
    return events


def sort_timeline(events, kind: str | None = None) -> list[TimelineEvent]:
    """Newest first; undated events last (order_key)."""
    if kind in TimelineKind.values:
        events = [event for event in events if event.kind == kind]
    return sorted(events, key=order_key)


def spoken_citations(condition: Q) -> list[Citation]:
    """Public citations with a speaker, of records already known to be public."""
    return list(records.public_citations().filter(condition, speaker__isnull=False))


def quoted_elsewhere(citations: Iterable[Citation], statements: Iterable[Statement]):
    """The quotes given as their own statements leave the quotes list: one event each."""
    recorded = {(c.speaker_id, c.quote) for s in statements for c in s.citations.all()}
    return [c for c in citations if (c.speaker_id, c.quote) not in recorded]


def newest_dated(events: Iterable[TimelineEvent], limit: int) -> list[TimelineEvent]:
    """The `limit` newest dated events, with their citations: what a feed or a digest shows."""
    newest = sort_timeline([event for event in events if event.date])[:limit]
    attach_citations(newest)
    return newest


def attach_citations(
    events: Iterable[TimelineEvent], *, also: Iterable[tuple[str, int]] = ()
) -> dict[tuple[str, int], list[Citation]]:
    """Give each event its record's public citations: one query for all the events given and
    the records named in `also` as (citation field, pk), a record page's own, whose citations
    it returns by that key.

    Called on the events about to be shown (a page of a timeline, a feed), so that an agency
    with hundreds of facts loads the citations of fifty, not of all of them."""
    events = [event for event in events if event.record]
    wanted = defaultdict(set)
    for field_name, pk in [*(event.record for event in events), *also]:
        wanted[field_name].add(pk)
    found = defaultdict(list)
    if not wanted:
        return found
    condition = Q()
    for field_name, pks in wanted.items():
        condition |= Q(**{f"{field_name}__in": pks})
    for citation in records.public_citations().filter(condition):
        for field_name, pks in wanted.items():
            pk = getattr(citation, f"{field_name}_id")
            if pk in pks:
                found[(field_name, pk)].append(citation)
    # A record's citations are shown once, with its first event here: a use that began, was
    # made public and ended is one fact with three dates, not three sets of the same sources.
    shown = set()
    for event in events:
        event.citations = [] if event.record in shown else found[event.record]
        event.sources_above = event.record in shown
        shown.add(event.record)
    return found


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
        Incident.objects.public(),
        limit,
        {"occurred_on": {}, "disclosed_on": {"occurred_on": None}},
    )
    # An action with steps is told by its steps; one without, by its opening and closing.
    steps = ActionStep.objects.public()
    actions = newest_each(
        RegulatoryAction.objects.public().filter(~Exists(steps.filter(action=OuterRef("pk")))),
        limit,
        {"opened_on": {}, "closed_on": {}},
    )
    newest_steps = steps.select_related("action").order_by("-occurred_on", "-pk")[:limit]
    said = list(
        Statement.objects.public()
        .select_related("speaker", "agency", "vendor", "authority")
        .prefetch_related(Prefetch("citations", queryset=Citation.objects.public()))
        .order_by("-said_on", "-pk")[:limit]
    )
    events = list(
        chain(
            chain.from_iterable(use_events(use) for use in uses),
            (incident_event(incident) for incident in incidents),
            chain.from_iterable(action_events(action) for action in actions),
            (step_event(step, step.action) for step in newest_steps),
            (said_event(statement) for statement in said),
            statement_events(quoted_elsewhere(latest_statements(limit), said)),
        )
    )
    return newest_dated(events, limit)


def latest_statements(limit: int) -> list[Citation]:
    """The public quotes with a speaker from the newest sources: the statements among the
    newest events (each source's own date, so a few more than `limit` for merged reports)."""
    return list(
        Citation.objects.public()
        .filter(speaker__isnull=False)
        .exclude(source__published_on=None)
        .select_related("source", "speaker")
        .order_by("-source__published_on", "-pk")[: limit * 2]
    )


def status_events(agency: Agency) -> list[TimelineEvent]:
    """Each change of the agency's status, dated by when it was recorded here."""
    return [
        TimelineEvent(
            PreciseDate(change.recorded_at.date(), DatePrecision.DAY),
            "status",
            f"Status: {AGENCY_STATUS_LABELS[change.from_status]} → "
            f"{AGENCY_STATUS_LABELS[change.to_status]}",
            links_to=change,
            detail=change.summary
            + (f" (reported by a source of {change.reported})" if change.reported else ""),
            key=f"status-{change.pk}",
            order=(Source.STATUS, change.pk, 0),
            first_published=change.recorded_at,
            revised=change.recorded_at,
        )
        for change in (step.change for step in records.status_over_time(agency))
    ]
