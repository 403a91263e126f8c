"""What changed, for the public: published versions of published kinds of record.

Editors' names are never shown; the admin keeps them. Each kind of record has its own history
table (django-simple-history), so recent changes read a few rows from each and merge them."""

from __future__ import annotations

from dataclasses import dataclass, field
from heapq import merge
from itertools import islice

from django.db.models import Q

from .models import (
    CITATION_FIELD_OF,
    PUBLISHED,
    STORED_RULE_FIELDS,
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
)

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
    *STORED_RULE_FIELDS,
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
    """The newest published versions across the public kinds of record: one query a kind."""
    per_kind = []
    for model in PUBLIC_HISTORY:
        rows = (
            model.history.filter(publication=PUBLISHED)
            .exclude(history_type="-")
            .filter(id__in=model.objects.public().values("id"))  # still public now
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
    uses = Use.objects.filter(pk__in={row.id for row in rows}).select_related("agency", "product")
    return {use.pk: str(use) for use in uses}


def status_versions(limit: int) -> list[Version]:
    """The newest changes of public agencies' derived statuses, as changes in the record."""
    changes = (
        StatusChange.objects.filter(agency__in=Agency.objects.public())
        .select_related("agency")
        .order_by("-recorded_at", "-pk")[:limit]
    )
    return [
        Version(
            change.recorded_at,
            "status",
            change.agency.name,
            change.get_absolute_url(),
            f"Status {change.get_from_status_display()} → {change.get_to_status_display()}",
        )
        for change in changes
    ]


def display(value) -> str:
    return "—" if value in (None, "") else str(value)


def versions_of(model, rows, describe=title_of) -> list[Version]:
    """Published versions of records of one kind (history rows, in any order), each with what
    changed from the version of the same record before it; `describe` names a version."""
    tracked = [
        f for f in model._meta.concrete_fields if f.name not in UNTRACKED and not f.is_relation
    ]
    versions, previous = [], {}
    for row in sorted(rows, key=lambda row: (row.history_date, row.history_id)):
        before = previous.get(row.id)
        changes = [
            FieldChange(str(f.verbose_name), display(getattr(before, f.attname)), display(new))
            for f in tracked
            if before is not None and getattr(before, f.attname) != (new := getattr(row, f.attname))
        ]
        if before is None or changes or row.history_type == "-":
            change = "Published" if before is None else CHANGE_WORDS[row.history_type]
            versions.append(Version(row.history_date, "", describe(row), "", change, changes))
        previous[row.id] = row
    return versions


def published_rows(model, **condition):
    """History rows of published versions (a citation has no publication of its own: its rows
    are shown while the citation is public)."""
    rows = model.history.filter(**condition)
    if model is Citation:
        return rows.filter(id__in=Citation.objects.public().values("id"))
    return rows.filter(publication=PUBLISHED)


def cited_by(row) -> str:
    return f"Citation: {row.quote or row.claim}"[:120]


def record_versions(record) -> list[Version]:
    """A record's published versions and those of its facts (an agency's uses and their
    citations, an action's authorities, a vendor's products, every record's citations), newest
    first, each with what changed from the one before."""
    model = type(record)
    versions = versions_of(model, published_rows(model, id=record.pk), lambda row: "")
    field_name = CITATION_FIELD_OF.get(model._meta.model_name)
    citations = Q(**{f"{field_name}_id": record.pk}) if field_name else Q(pk__in=[])
    if model is Agency:
        uses = list(Use.objects.public().filter(agency=record).select_related("product"))
        names = {use.pk: f"Use of {use.product.name}" for use in uses}
        versions += versions_of(Use, published_rows(Use, id__in=names), lambda row: names[row.id])
        citations |= Q(use_id__in=list(names))
    elif model is Vendor:
        versions += versions_of(Product, published_rows(Product, vendor_id=record.pk))
    elif model is RegulatoryAction:
        authorities = dict(Authority.objects.public().values_list("pk", "name"))
        versions += versions_of(
            ActionAuthority,
            ActionAuthority.history.filter(action_id=record.pk, authority_id__in=authorities),
            lambda row: f"{authorities[row.authority_id]}: {row.get_role_display().lower()}",
        )
    if model is not Source:
        versions += versions_of(Citation, published_rows(Citation).filter(citations), cited_by)
    return sorted(versions, key=lambda version: version.when, reverse=True)


def changes_since_published(record) -> list[FieldChange] | None:
    """What differs in the record from its last published version (None: never published)."""
    last = (
        record.history.filter(publication=PUBLISHED).order_by("-history_date", "-history_id")
    ).first()
    if last is None:
        return None
    model = type(record)
    return [
        FieldChange(str(f.verbose_name), display(getattr(last, f.attname)), display(now))
        for f in model._meta.concrete_fields
        if f.name not in UNTRACKED | {"publication"}
        and not f.is_relation
        and getattr(last, f.attname) != (now := getattr(record, f.attname))
    ]
