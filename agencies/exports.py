"""CSV downloads of every list, with the list's own filters, streamed row by row.

A cell that a spreadsheet would run as a formula is neutralised with a leading apostrophe, so a
record named "=HYPERLINK(…)" opens as text."""

from __future__ import annotations

import csv
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.http import HttpRequest, StreamingHttpResponse

from . import columns, filters
from .choices import AgencySort
from .columns import Column
from .decorators import public_page
from .filters import FilterSet
from .models import Agency, Citation, Incident, RegulatoryAction, Source, Statement, Use, Vendor
from .selectors import lists

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_SIZE = 2000


def neutralise(value) -> str:
    """A cell as text; one a spreadsheet would evaluate gets a leading apostrophe."""
    if value is None:
        return ""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


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
class Export:
    model: type
    filters: FilterSet | None
    records: Callable  # filter values -> queryset
    columns: tuple[Column, ...]
    has_pages: bool = True  # whether each record has its own public page, linked in a column

    @property
    def filename(self) -> str:
        return f"{self.model._meta.verbose_name_plural.replace(' ', '-')}.csv"


def agency_records(values: dict[str, str]):
    sort = values.pop("sort", AgencySort.NAME)
    return lists.agency_records(values, sort)


EXPORTS = {
    "agencies": Export(Agency, filters.AGENCIES, agency_records, columns.AGENCY),
    "vendors": Export(Vendor, filters.VENDORS, lists.vendor_list, columns.VENDOR),
    "uses": Export(Use, filters.USES, lists.use_list, columns.USE, has_pages=False),
    "incidents": Export(Incident, filters.INCIDENTS, lists.incident_list, columns.INCIDENT),
    "actions": Export(RegulatoryAction, filters.ACTIONS, lists.action_list, columns.ACTION),
    "statements": Export(Statement, filters.STATEMENTS, lists.statement_list, columns.STATEMENT),
    "sources": Export(Source, filters.SOURCES, lists.source_list, columns.SOURCE),
    "citations": Export(
        Citation, filters.CITATIONS, lists.citation_list, columns.CITATION, has_pages=False
    ),
}


def in_chunks(records) -> Iterator:
    """The records, the first chunk read at once and the rest streamed as the download goes.

    The first chunk's query runs before the response is answered, so a database that cannot be
    read is a 503 (tracker/outage.py), not a 200 that stops after its header row. It is a plain
    query, fully read: a server-side cursor left open by a download never read (a HEAD, a
    client gone) would outlive the transaction it belongs to. The rest is a second query from
    the same total order (every list sorts by pk last). A record published between the two
    shifts the rest by one, so records already sent are skipped, not repeated; one withdrawn
    between them shifts it back and leaves one record out of that download."""
    first = list(records[:CHUNK_SIZE])
    if len(first) < CHUNK_SIZE:
        return iter(first)  # all of it, in one query
    sent = {record.pk for record in first}
    rest = records[CHUNK_SIZE:].iterator(CHUNK_SIZE)  # not run until the download reaches it
    return itertools.chain(first, (record for record in rest if record.pk not in sent))


@public_page
def export_csv(request: HttpRequest, name: str) -> StreamingHttpResponse:
    export = EXPORTS[name]
    values = export.filters.form(request.GET).valid_values() if export.filters else {}
    records = export.records(values)
    columns = list(export.columns)
    if export.has_pages:
        columns.append(
            Column("permalink", lambda r: request.build_absolute_uri(r.get_absolute_url()))
        )
    rows = ([column.cell(record) for column in columns] for record in in_chunks(records))
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
