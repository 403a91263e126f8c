"""What changed, for the public: published versions of published kinds of record.

Editors' names are never shown; the admin keeps them. Each kind of record has its own history
table (django-simple-history), so recent changes read a few rows from each and merge them."""

from __future__ import annotations

from dataclasses import dataclass, field
from heapq import merge
from itertools import islice

from .models import PUBLISHED, Agency, Incident, RegulatoryAction, Source, StatusChange, Vendor

# The kinds of record with public pages, whose changes the public may follow.
PUBLIC_HISTORY = (Agency, Vendor, Incident, RegulatoryAction, Source)

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
    """The newest published versions across the public kinds of record: one query a kind."""
    per_kind = []
    for model in PUBLIC_HISTORY:
        rows = (
            model.history.filter(publication=PUBLISHED)
            .exclude(history_type="-")
            .filter(id__in=model.objects.public().values("id"))  # still public now
            .order_by("-history_date", "-history_id")[:limit]
        )
        per_kind.append(
            [
                Version(
                    row.history_date,
                    str(model._meta.verbose_name),
                    title_of(row),
                    row.instance.get_absolute_url(),
                    CHANGE_WORDS[row.history_type],
                )
                for row in rows
            ]
        )
    per_kind.append(status_versions(limit))
    newest_first = merge(*per_kind, key=lambda version: version.when, reverse=True)
    return list(islice(newest_first, limit))


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


def record_versions(record) -> list[Version]:
    """A record's published versions, newest first, each with what changed from the one before."""
    model = type(record)
    tracked = [
        f for f in model._meta.concrete_fields if f.name not in UNTRACKED and not f.is_relation
    ]
    rows = list(record.history.filter(publication=PUBLISHED).order_by("history_date", "history_id"))
    versions = []
    previous = None
    for row in rows:
        changes = []
        for f in tracked:
            old = getattr(previous, f.attname) if previous is not None else None
            new = getattr(row, f.attname)
            if previous is not None and old != new:
                changes.append(FieldChange(str(f.verbose_name), display(old), display(new)))
        change = "Published" if previous is None else CHANGE_WORDS[row.history_type]
        if previous is None or changes:
            versions.append(Version(row.history_date, "", title_of(row), "", change, changes))
        previous = row
    return versions[::-1]
