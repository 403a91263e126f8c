"""CSV downloads of every list, with the list's own filters, streamed row by row.

A cell that a spreadsheet would run as a formula is neutralised with a leading apostrophe, so a
record named "=HYPERLINK(…)" opens as text."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.http import HttpRequest, StreamingHttpResponse

from . import selectors
from .decorators import public_page
from .forms import (
    ActionFilterForm,
    AgencyFilterForm,
    CitationFilterForm,
    IncidentFilterForm,
    QueryFilterForm,
    UseFilterForm,
)
from .models import Agency, Citation, Incident, RegulatoryAction, Source, Use, Vendor

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_SIZE = 2000


def neutralise(value) -> str:
    """A cell as text; one a spreadsheet would evaluate gets a leading apostrophe."""
    if value is None:
        return ""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def precise(date) -> str:
    return date.isoformat() if date else ""


def slugs(records) -> str:
    return "; ".join(record.slug for record in records)


class Echo:
    """A file-like object whose write() hands the line back, for streaming."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([neutralise(cell) for cell in row])


@dataclass(frozen=True)
class Column:
    """One CSV column: how to read it from a record, and what it means (for the data page).

    A column named like a model field reads that field and takes its meaning and values from
    it; `field` names the model field when the column's name differs."""

    name: str
    read: Callable | None = None
    about: str = ""
    field: str = ""

    def value(self, record):
        return self.read(record) if self.read else getattr(record, self.field or self.name)


@dataclass(frozen=True)
class Export:
    model: type
    form: type[QueryFilterForm] | None
    records: Callable  # filters -> queryset
    columns: list[Column]
    has_pages: bool = True  # whether each record has its own public page, linked in a column

    @property
    def filename(self) -> str:
        return f"{self.model._meta.verbose_name_plural.replace(' ', '-')}.csv"


def agency_records(filters: dict[str, str]):
    sort = filters.pop("sort", "name")
    return selectors.filter_agencies(filters, sort).select_related("parent")


UPDATED = Column("updated_at", lambda r: r.updated_at.isoformat(), "When the record last changed.")
AT_PRECISION = "ISO 8601 at the precision known: 2019, 2019-10 or 2019-10-01."

EXPORTS = {
    "agencies": Export(
        Agency,
        AgencyFilterForm,
        agency_records,
        [
            Column("slug"),
            Column("name"),
            Column("short_name"),
            Column("kind"),
            Column("country"),
            Column("subdivision"),
            Column("locality"),
            Column(
                "parent",
                lambda a: a.parent.slug if a.parent and a.parent.is_published else "",
                "The slug of the body the agency is part of.",
            ),
            Column("website"),
            Column("status", about="Derived from the agency's uses and actions by one rule."),
            Column("status_summary", about="The status in words, with dates and actions."),
            UPDATED,
        ],
    ),
    "vendors": Export(
        Vendor,
        None,
        lambda filters: selectors.vendor_list(),
        [
            Column("slug"),
            Column("name"),
            Column("country"),
            Column("website"),
            Column("products", lambda v: v.product_count, "How many products are recorded."),
            Column(
                "agency_customers",
                lambda v: v.customer_count,
                "How many agencies are recorded as using its products.",
            ),
            UPDATED,
        ],
    ),
    "uses": Export(
        Use,
        UseFilterForm,
        selectors.use_list,
        [
            Column("id", about="The use's number in the record."),
            Column("agency", lambda u: u.agency.slug, "The agency's slug."),
            Column("agency_name", lambda u: u.agency.name, "The agency's official name."),
            Column("vendor", lambda u: u.product.vendor.slug, "The vendor's slug."),
            Column("product", lambda u: u.product.slug, "The product's slug."),
            Column("status"),
            Column("authorisation"),
            Column("started", lambda u: precise(u.started), f"Start. {AT_PRECISION}"),
            Column("ended", lambda u: precise(u.ended), f"End. {AT_PRECISION}"),
            Column("made_public", lambda u: precise(u.disclosed), f"Made public. {AT_PRECISION}"),
            Column("accounts"),
            Column("searches"),
            Column("cost"),
            Column("cost_currency"),
            Column("summary"),
            UPDATED,
        ],
        has_pages=False,
    ),
    "incidents": Export(
        Incident,
        IncidentFilterForm,
        selectors.incident_list,
        [
            Column("slug"),
            Column("title"),
            Column("kind"),
            Column("occurred", lambda i: precise(i.occurred), f"When it happened. {AT_PRECISION}"),
            Column("made_public", lambda i: precise(i.disclosed), f"Made public. {AT_PRECISION}"),
            Column("agencies", lambda i: slugs(i.agencies.all()), "Agencies involved, by slug."),
            Column("vendors", lambda i: slugs(i.vendors.all()), "Vendors involved, by slug."),
            Column("summary"),
            UPDATED,
        ],
    ),
    "actions": Export(
        RegulatoryAction,
        ActionFilterForm,
        selectors.action_list,
        [
            Column("slug"),
            Column("title"),
            Column("kind"),
            Column("state"),
            Column("opened", lambda a: precise(a.opened), f"Opened. {AT_PRECISION}"),
            Column("closed", lambda a: precise(a.closed), f"Closed. {AT_PRECISION}"),
            Column(
                "authorities",
                lambda a: "; ".join(f"{p.authority.slug} ({p.role})" for p in a.participants.all()),
                "The authorities acting, by slug, each with its role: lead, joint or consulted.",
            ),
            Column("agencies", lambda a: slugs(a.agencies.all()), "Agencies it is about."),
            Column("vendors", lambda a: slugs(a.vendors.all()), "Vendors it is about."),
            Column("summary"),
            Column("outcome"),
            UPDATED,
        ],
    ),
    "sources": Export(
        Source,
        None,
        lambda filters: selectors.source_list(),
        [
            Column("slug"),
            Column("title"),
            Column("title_supplied"),
            Column("publisher"),
            Column("kind"),
            Column("author"),
            Column("url"),
            Column("published", lambda s: precise(s.published), f"Published. {AT_PRECISION}"),
            Column("published_inferred", field="published_on_inferred"),
            Column("citations", lambda s: s.citation_count, "How many citations quote it."),
        ],
    ),
    "citations": Export(
        Citation,
        CitationFilterForm,
        selectors.citation_list,
        [
            Column("id", about="The citation's number in the record."),
            Column("source", lambda c: c.source.slug, "The source's slug."),
            Column("source_title", lambda c: c.source.title, "The source's title."),
            Column("source_url", lambda c: c.source.url, "Where the source is published."),
            Column("quote"),
            Column("claim"),
            Column(
                "speaker",
                lambda c: str(c.speaker) if c.speaker else "",
                "Who said the quoted words: name, role, organisation.",
            ),
            Column(
                "record_kind",
                lambda c: c.record._meta.verbose_name,
                "The kind of record it supports.",
            ),
            Column("record", lambda c: str(c.record), "The record it supports."),
        ],
        has_pages=False,
    ),
}


@public_page
def export_csv(request: HttpRequest, name: str) -> StreamingHttpResponse:
    export = EXPORTS[name]
    filters = export.form(request.GET).valid_values() if export.form else {}
    records = export.records(filters)
    columns = list(export.columns)
    if export.has_pages:
        columns.append(
            Column("permalink", lambda r: request.build_absolute_uri(r.get_absolute_url()))
        )
    rows = ([column.value(record) for column in columns] for record in records.iterator(CHUNK_SIZE))
    response = StreamingHttpResponse(
        csv_lines([column.name for column in columns], rows),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


@dataclass(frozen=True)
class ColumnMeaning:
    name: str
    about: str
    values: list[tuple[str, str]]


def meanings(export: Export) -> list[ColumnMeaning]:
    """The data dictionary of one download: each column's meaning and, for codes, their values.

    Read from the models' own field descriptions and choices, so it cannot drift from the data."""
    fields = {field.name: field for field in export.model._meta.get_fields() if field.concrete}
    described = []
    for column in export.columns:
        field = fields.get(column.field or column.name)
        about = column.about
        if not about and field is not None:
            label = str(field.verbose_name)
            about = f"{label[:1].upper()}{label[1:]}."
            if field.help_text:
                about = f"{about} {field.help_text}"
        values = [(str(value), str(label)) for value, label in field.choices or []] if field else []
        described.append(ColumnMeaning(column.name, about, values))
    if export.has_pages:
        described.append(ColumnMeaning("permalink", "The record's permanent address.", []))
    return described
