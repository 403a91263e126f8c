"""What changed, for the public: published versions of published kinds of record.

Editors' names are never shown; the admin keeps them. Each kind of record has its own history
table (django-simple-history), so recent changes read a few rows from each and merge them."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from heapq import merge
from itertools import islice

from django.apps import apps
from django.db.models import Exists, OuterRef, Q, QuerySet

from .choices import AGENCY_STATUS_LABELS
from .models import (
    CITATION_FIELD_OF,
    PUBLISHED,
    ActionAuthority,
    Agency,
    Authority,
    Citation,
    Incident,
    Product,
    RegulatoryAction,
    Source,
    StatusChange,
    Use,
    Vendor,
    by_ids,
)
from .summaries import records_summary

# The kinds of record with public pages, whose changes the public may follow.
PUBLIC_HISTORY = (Agency, Vendor, Use, Incident, RegulatoryAction, Authority, Source)

# Bookkeeping that changes with every save, or is derived: not a change a reader cares about.
UNTRACKED = {
    "id",
    "created_at",
    "updated_at",
    "published_at",
    "status",
    "status_summary",
    "status_reported_on",
    "status_reported_on_precision",
    "changed_at",
}

CHANGE_WORDS = {"+": "Created", "~": "Changed", "-": "Deleted"}


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class Version:
    when: object  # datetime
    kind: str
    title: str
    url: str
    change: str
    fields: list[FieldChange] = field(default_factory=list)


def title_of(version) -> str:
    return getattr(version, "name", None) or getattr(version, "title", "")


def recent_changes(limit: int = 50) -> list[Version]:
    """The newest published versions across the public kinds of record. The same for every
    visitor until the next write: kept per write generation (records_summary), as the
    dashboard's latest events are."""
    return records_summary(f"recent-changes:{limit}", functools.partial(newest_versions, limit))


def newest_versions(limit: int) -> list[Version]:
    """recent_changes, read: one query a kind of record."""
    per_kind = []
    for model in PUBLIC_HISTORY:
        rows = (
            model.history.filter(publication=PUBLISHED)
            .exclude(history_type="-")
            # Still public now, asked of each row read newest first: a list of every public
            # record's id (`id__in`) read 60,000 ids for the uses alone.
            .filter(Exists(model.objects.public().filter(pk=OuterRef("id"))))
            .order_by("-history_date", "-history_id")[:limit]
        )
        rows = list(rows)
        names = use_names(rows) if model is Use else {}
        per_kind.append(
            [
                Version(
                    row.history_date,
                    str(model._meta.verbose_name),
                    names.get(row.id) or title_of(row),
                    as_stored(model, row).get_absolute_url(),
                    CHANGE_WORDS[row.history_type],
                )
                for row in rows
            ]
        )
    per_kind.append(status_versions(limit))
    newest_first = merge(*per_kind, key=lambda version: version.when, reverse=True)
    return list(islice(newest_first, limit))


def as_stored(model, row):
    """The record as a history row keeps it, built without a query (simple-history's
    row.instance reads the fields history leaves out from the live row, a query a row)."""
    kept = (f.attname for f in model._meta.concrete_fields if hasattr(row, f.attname))
    return model(**{name: getattr(row, name) for name in kept})


def use_names(rows) -> dict[int, str]:
    """Each use of the history rows named by its agency and product, in one query."""
    uses = by_ids(Use.objects.select_related("agency", "product"), {row.id for row in rows})
    return {use.pk: str(use) for use in uses}


def status_versions(limit: int) -> list[Version]:
    """The newest changes of public agencies' derived statuses, as changes in the record."""
    changes = (
        # Newest first along status_change_recent_idx, each asked whether its agency is
        # public: joining to public agencies first sorted every change (60 ms at 20,000).
        StatusChange.objects.filter(Exists(Agency.objects.public().filter(pk=OuterRef("agency"))))
        .select_related("agency")
        .order_by("-recorded_at", "-pk")[:limit]
    )
    return [
        Version(
            change.recorded_at,
            "status",
            change.agency.name,
            change.get_absolute_url(),
            f"Status {AGENCY_STATUS_LABELS[change.from_status]} → "
            f"{AGENCY_STATUS_LABELS[change.to_status]}",
        )
        for change in changes
    ]


def display(value) -> str:
    return "—" if value in (None, "") else str(value)


@functools.cache
def tracked_fields(model) -> tuple:
    """The fields a reader follows, of those its history keeps (record_history leaves out
    what is derived): a page of versions compares a hundred rows by them."""
    kept = {f.name for f in model.history.model._meta.concrete_fields}
    return tuple(
        f
        for f in model._meta.concrete_fields
        if f.name in kept and f.name not in UNTRACKED and not f.is_relation
    )


def changes_between(tracked, before, row) -> list[FieldChange]:
    """What a version changed from the one before it, in the fields a reader follows."""
    return [
        FieldChange(str(f.verbose_name), display(getattr(before, f.attname)), display(new))
        for f in tracked
        if getattr(before, f.attname) != (new := getattr(row, f.attname))
    ]


def published_rows(model, condition: Q):
    """History rows of published versions (a citation has no publication of its own: its rows
    are shown while the citation is public). `condition` names the records as each row held
    them: a citation moved to another record keeps its versions here. Each row's citation is
    asked whether it is public (EXISTS), where a list of every public citation's id read
    110,000 ids a page."""
    rows = model.history.filter(condition)
    if model is Citation:
        return rows.filter(Exists(Citation.objects.public().filter(pk=OuterRef("id"))))
    return rows.filter(publication=PUBLISHED)


def cited_by(row) -> str:
    return f"Citation: {row.quote or row.claim}"[:120]


@dataclass(frozen=True)
class Shown:
    """A version a record's history shows: its history row, the row it is compared with
    (None: its first published version) and what it is named."""

    model: str  # the model's label
    history_id: int
    before_id: int | None
    title: str


class RecordHistory:
    """A record's published versions and those of its facts (an agency's uses and their
    citations, an action's authorities, a vendor's products, every record's citations), newest
    first, each with what changed from the one before, as Django's Paginator pages them.

    Which versions they are is kept once per write generation (records_summary), as a
    timeline's order is: finding them compares every version of every fact, thousands for a
    large agency. A page then reads its own rows, and the ones they are compared with."""

    def __init__(self, record) -> None:
        self.record = record
        self._shown: list[Shown] | None = None

    def shown(self) -> list[Shown]:
        if self._shown is None:
            model = type(self.record)
            key = f"history:{model._meta.label_lower}:{self.record.pk}"
            self._shown = records_summary(key, self.compute)
        return self._shown

    def count(self) -> int:
        return len(self.shown())

    def facts(self) -> list[tuple[type, QuerySet, Callable]]:
        """(model, its published history rows, how a version is named) of each kind of history
        the record's page holds."""
        record, model = self.record, type(self.record)
        parts = [(model, published_rows(model, Q(id=record.pk)), lambda row: "")]
        field_name = CITATION_FIELD_OF.get(model._meta.model_name)
        citations = Q(**{f"{field_name}_id": record.pk}) if field_name else Q(pk__in=[])
        if model is Agency:
            uses = Use.objects.public().filter(agency=record).select_related("product")
            names = {use.pk: f"Use of {use.product.name}" for use in uses}
            rows = published_rows(Use, Q(id__in=names))
            parts.append((Use, rows, lambda row: names[row.id]))
            citations |= Q(use_id__in=list(names))
        elif model is Vendor:
            parts.append((Product, published_rows(Product, Q(vendor_id=record.pk)), title_of))
        elif model is RegulatoryAction:
            authorities = dict(Authority.objects.public().values_list("pk", "name"))
            rows = ActionAuthority.history.filter(action_id=record.pk, authority_id__in=authorities)
            parts.append(
                (
                    ActionAuthority,
                    rows,
                    lambda row: (
                        f"{authorities[row.authority_id]}: {row.get_role_display().lower()}"
                    ),
                )
            )
        if model is not Source:
            parts.append((Citation, published_rows(Citation, citations), cited_by))
        return parts

    def compute(self) -> list[Shown]:
        """Every version that changed what a reader follows, newest first."""
        found = []
        for model, rows, describe in self.facts():
            tracked, previous = tracked_fields(model), {}
            for row in sorted(rows, key=lambda row: (row.history_date, row.history_id)):
                before = previous.get(row.id)
                if (
                    before is None
                    or row.history_type == "-"
                    or changes_between(tracked, before, row)
                ):
                    before_id = None if before is None else before.history_id
                    shown = Shown(model._meta.label, row.history_id, before_id, describe(row))
                    found.append((row.history_date, shown))
                previous[row.id] = row
        found.sort(key=lambda pair: pair[0], reverse=True)
        return [shown for _, shown in found]

    def __getitem__(self, page: slice) -> list[Version]:
        """The page's versions: each kind's rows, and those they are compared with, in one
        query."""
        shown = self.shown()[page]
        wanted = defaultdict(set)
        for version in shown:
            wanted[version.model] |= {version.history_id, version.before_id} - {None}
        rows = {}
        for label, ids in wanted.items():
            history = apps.get_model(label).history
            rows[label] = history.in_bulk(ids, field_name="history_id")
        versions = []
        for version in shown:
            kept = rows[version.model]
            row, before = kept.get(version.history_id), kept.get(version.before_id)
            if row is None:  # purged from the history since the versions were found
                continue
            if version.before_id is None:
                change, fields = "Published", []
            else:
                change, fields = CHANGE_WORDS[row.history_type], []
                if before is not None:
                    tracked = tracked_fields(apps.get_model(version.model))
                    fields = changes_between(tracked, before, row)
            versions.append(Version(row.history_date, "", version.title, "", change, fields))
        return versions


def changes_since_published(record) -> list[FieldChange] | None:
    """What differs in the record from its last published version (None: never published)."""
    last = (
        record.history.filter(publication=PUBLISHED).order_by("-history_date", "-history_id")
    ).first()
    if last is None:
        return None
    tracked = [f for f in tracked_fields(type(record)) if f.name != "publication"]
    return changes_between(tracked, last, record)
