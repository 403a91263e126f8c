"""The columns of each list, declared once: the CSV downloads and the API's list items are both
built from them, so a column means the same in both. Dates are strings at their known
precision (2019, 2019-10, 2019-10-01); related records are named by slug."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

AT_PRECISION = "ISO 8601 at the precision known: 2019, 2019-10 or 2019-10-01."


def precise(date) -> str | None:
    return date.isoformat() if date else None


def slugs(records) -> list[str]:
    return [record.slug for record in records]


@dataclass(frozen=True)
class Column:
    """One column: how to read it from a record, its type in the API, and what it means (for
    the data page). A column named like a model field reads that field and takes its meaning
    and values from it; `field` names the model field when the column's name differs.
    `csv` writes a value the API gives as a structure (a list of objects) as one cell."""

    name: str
    read: Callable | None = None
    about: str = ""
    field: str = ""
    type: Any = str
    csv: Callable | None = None

    def value(self, record):
        return self.read(record) if self.read else getattr(record, self.field or self.name)

    def cell(self, record) -> str:
        """The value as one CSV cell: blank for none, slugs joined by "; "."""
        value = self.value(record)
        if self.csv is not None:
            return self.csv(value)
        if value is None:
            return ""
        if isinstance(value, list):
            return "; ".join(str(item) for item in value)
        if isinstance(value, datetime.datetime):
            return value.isoformat()
        return str(value)


def date_column(name: str, attribute: str, about: str) -> Column:
    return Column(
        name, lambda r: precise(getattr(r, attribute)), f"{about} {AT_PRECISION}", type=str | None
    )


def slug_column(name: str, attribute: str, about: str) -> Column:
    """The slug of one related record."""
    return Column(name, lambda r: getattr(r, attribute).slug, about)


def slugs_column(name: str, about: str) -> Column:
    """The slugs of a relation's public records (prefetched by records.public_named)."""
    return Column(name, lambda r: slugs(getattr(r, f"public_{name}")), about, type=list[str])


def count_column(name: str, attribute: str, about: str) -> Column:
    return Column(name, lambda r: getattr(r, attribute), about, type=int)


def optional(name: str, type_: Any = int) -> Column:
    """A model field that may be unknown."""
    return Column(name, type=type_ | None)


def acting(action) -> list[dict]:
    return [
        {"slug": p.authority.slug, "name": p.authority.name, "role": p.role} for p in action.acting
    ]


UPDATED = Column("updated_at", about="When the record last changed.", type=datetime.datetime)

AGENCY = (
    Column("slug"),
    Column("name"),
    Column("short_name"),
    Column("kind"),
    Column("country"),
    Column("subdivision"),
    Column("locality"),
    Column(
        "parent",
        lambda a: a.public_parent_slug,
        "The slug of the body the agency is part of.",
        type=str | None,
    ),
    Column("website"),
    Column("status", about="Derived from the agency's uses and actions by one rule."),
    Column("status_summary", about="The status in words, with dates and actions."),
    Column(
        "status_as_of",
        lambda a: getattr(a, "status_as_of", None),
        "With as_of=YYYY-MM-DD: the status this record gave at the end of that day (UTC).",
        type=str | None,
    ),
    date_column(
        "status_reported",
        "status_reported",
        "The date of the newest published source behind the fact that decides the status.",
    ),
    UPDATED,
)
VENDOR = (
    Column("slug"),
    Column("name"),
    Column("country"),
    Column("website"),
    count_column("products", "product_count", "How many products are recorded."),
    count_column(
        "agency_customers",
        "customer_count",
        "How many agencies are recorded as using its products.",
    ),
    UPDATED,
)
USE = (
    Column("id", about="The use's number in the record.", type=int),
    slug_column("agency", "agency", "The agency's slug."),
    Column("agency_name", lambda u: u.agency.name, "The agency's official name."),
    Column("vendor", lambda u: u.product.vendor.slug, "The vendor's slug."),
    slug_column("product", "product", "The product's slug."),
    Column("status"),
    Column("authorisation"),
    date_column("started", "started", "Start."),
    date_column("ended", "ended", "End."),
    date_column("made_public", "disclosed", "Made public."),
    optional("accounts"),
    optional("searches"),
    Column("cost", lambda u: None if u.cost is None else str(u.cost), type=str | None),
    Column("cost_currency"),
    Column("summary"),
    UPDATED,
)
INCIDENT = (
    Column("slug"),
    Column("title"),
    Column("kind"),
    date_column("occurred", "occurred", "When it happened."),
    date_column("made_public", "disclosed", "Made public."),
    slugs_column("agencies", "Agencies involved, by slug."),
    slugs_column("vendors", "Vendors involved, by slug."),
    Column("summary"),
    UPDATED,
)
ACTION = (
    Column("slug"),
    Column("title"),
    Column("kind"),
    Column("state"),
    date_column("opened", "opened", "Opened."),
    date_column("closed", "closed", "Closed."),
    Column(
        "authorities",
        acting,
        "The authorities acting, by slug, each with its role: lead, joint or consulted.",
        type=list[dict[str, str]],
        csv=lambda authorities: "; ".join(f"{a['slug']} ({a['role']})" for a in authorities),
    ),
    slugs_column("agencies", "Agencies it is about."),
    slugs_column("vendors", "Vendors it is about."),
    Column("summary"),
    Column("outcome"),
    date_column(
        "last_reported",
        "last_reported",
        "The date of its newest published source: an open action is known open as of then.",
    ),
    Column(
        "latest_step",
        lambda a: a.latest_step_kind or None,
        "Its latest public step, when steps are recorded: opened, finding, order, ...",
        type=str | None,
    ),
    date_column("latest_step_on", "latest_step_date", "The date of its latest step."),
    UPDATED,
)
SOURCE = (
    Column("slug"),
    Column("title"),
    Column("title_supplied", type=bool),
    Column("publisher"),
    Column("kind"),
    Column("author"),
    Column("source_url", field="url", about="Where the document itself is published."),
    date_column("published", "published", "Published."),
    Column("published_inferred", field="published_on_inferred", type=bool),
    count_column("citations", "citation_count", "How many public citations quote it."),
)
CITATION = (
    Column("id", about="The citation's number in the record.", type=int),
    Column("source", lambda c: c.source.slug, "The source's slug."),
    Column("source_title", lambda c: c.source.title, "The source's title."),
    Column("source_url", lambda c: c.source.url, "Where the source is published."),
    Column("quote"),
    Column("claim"),
    Column(
        "speaker",
        lambda c: str(c.speaker) if c.speaker else None,
        "Who said the quoted words: name, role, organisation.",
        type=str | None,
    ),
    Column(
        "record_kind", lambda c: str(c.record._meta.verbose_name), "The kind of record it supports."
    ),
    Column("record", lambda c: str(c.record), "The record it supports."),
)


def first_quote(statement) -> str | None:
    """A statement's words: the quote of its first public citation (prefetched)."""
    quoted = [c.quote for c in statement.citations.all() if c.quote]
    return quoted[0] if quoted else None


def contradiction_keys(statement) -> list[str]:
    """What contradicts a denial, or what a confirmation contradicts, as record keys."""
    keys = [
        f"statement-{c.confirmation_id}" if c.confirmation_id else f"use-{c.use_id}"
        for c in statement.contradicted_by.all()
    ]
    return keys + [f"statement-{c.denial_id}" for c in statement.contradicts.all()]


def organisation_slug(statement) -> str | None:
    organisation = statement.organisation
    return organisation.slug if organisation else None


STATEMENT = (
    Column("id", about="The statement's number in the record.", type=int),
    date_column("said", "said", "When it was said."),
    Column("said_inferred", field="said_on_inferred", type=bool),
    Column("stance"),
    Column(
        "speaker",
        lambda s: s.speaker.name if s.speaker else None,
        "The person who said it, if named.",
        type=str | None,
    ),
    Column(
        "speaker_role",
        lambda s: s.speaker.role if s.speaker else None,
        "Their role at the time.",
        type=str | None,
    ),
    Column(
        "on_behalf_of",
        organisation_slug,
        "The slug of the agency, vendor or authority it was said for.",
        type=str | None,
    ),
    Column(
        "on_behalf_of_kind",
        lambda s: s.organisation._meta.model_name if s.organisation else None,
        "agency, vendor or authority.",
        type=str | None,
    ),
    Column("venue", about="To whom or where it was said."),
    Column(
        "about_agency",
        lambda s: s.concerns.slug if s.concerns else None,
        "The slug of the agency it is about: the one it names, its use's, or its speaker's.",
        type=str | None,
    ),
    Column(
        "about_action",
        lambda s: s.about_action.slug if s.about_action else None,
        "The slug of the regulatory action it answers or speaks of.",
        type=str | None,
    ),
    Column("quote", first_quote, "The exact words, from its first source.", type=str | None),
    Column("summary"),
    Column(
        "contradicted",
        lambda s: bool(contradiction_keys(s)),
        "Whether a denial is contradicted by the agency's own use or later words, or this "
        "statement contradicts such a denial (derived, never typed).",
        type=bool,
    ),
    Column(
        "contradictions",
        contradiction_keys,
        "What contradicts it, or what it contradicts: statement-N or use-N.",
        type=list[str],
    ),
    UPDATED,
)
