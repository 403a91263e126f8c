"""Reading an uploaded spreadsheet for import, within limits, as plain text cells.

A file is refused before it is parsed when it is larger than IMPORT_MAX_BYTES, or, for an XLSX
(a zip), when its parts declare more than IMPORT_MAX_UNPACKED_BYTES unpacked: a zip bomb never
reaches openpyxl (and zipfile itself stops reading a part at its declared size). The reader
then stops at the first row past IMPORT_MAX_ROWS, before any row is imported.

Both formats read alike: a blank XLSX cell is an empty string, as the same cell in a CSV, and
blank lines are skipped. A cell that a spreadsheet would run as a formula is refused, named by
row and column; an XLSX is read without its cached values, so a formula is seen as one."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, datetime, time
from decimal import Decimal

import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from import_export.formats import base_formats

# "=" starts a formula in every spreadsheet; no text we record starts with one. "+", "-" and
# "@" start one too, but also a negative number, a phone number, a handle or a dash-led
# sentence: they are refused only followed by a function call ("-SUM(", "@HYPERLINK(") or a
# DDE payload ("+cmd|' /C calc'!A0"). Whatever passes is neutralised on export
# (agencies/exports.py), where a spreadsheet would run it.
FORMULA = re.compile(r"\s*(=|[-+@]+[A-Za-z_][\w.]*\(|[-+@].*\|.*!)", re.DOTALL)
PLAIN = (str, int, float, Decimal, bool, date, datetime, time)
MAX_REPORTED = 20


class Refused(ValidationError):
    """The file as a whole is refused: the form says why, and nothing is imported."""


def check_size(size: int) -> None:
    if size > settings.IMPORT_MAX_BYTES:
        raise Refused(
            f"The file is {filesizeformat(size)}; an import takes at most "
            f"{filesizeformat(settings.IMPORT_MAX_BYTES)}. Split it into smaller files."
        )


def check_unpacked(upload) -> None:
    """An XLSX's parts, as their sizes are declared in the zip's directory (read, not unpacked)."""
    try:
        with zipfile.ZipFile(upload) as archive:
            unpacked = sum(part.file_size for part in archive.infolist())
    except zipfile.BadZipFile:
        raise Refused("This is not an XLSX file (it is not a zip archive).") from None
    finally:
        upload.seek(0)
    if unpacked > settings.IMPORT_MAX_UNPACKED_BYTES:
        raise Refused(
            f"The XLSX unpacks to {filesizeformat(unpacked)}; an import takes at most "
            f"{filesizeformat(settings.IMPORT_MAX_UNPACKED_BYTES)} unpacked."
        )


def dataset(headers: list, rows) -> tablib.Dataset:
    """The rows under their headers, blank rows skipped, within the row limit, no formula."""
    headers = [str(header).strip() if header is not None else "" for header in headers]
    while headers and not headers[-1]:
        headers.pop()
    width = len(headers)
    data = tablib.Dataset(headers=headers)
    formulas = []
    for row in rows:
        cells = ["" if cell is None else cell for cell in row][:width]
        if not any(cell != "" for cell in cells):
            continue
        if len(data) == settings.IMPORT_MAX_ROWS:
            raise Refused(
                f"The file has more than {settings.IMPORT_MAX_ROWS:,} rows; "
                "split it into smaller files."
            )
        number = len(data) + 1  # as the preview numbers the rows
        for header, cell in zip(headers, cells, strict=False):
            if not isinstance(cell, PLAIN) or (isinstance(cell, str) and FORMULA.match(cell)):
                formulas.append(f"Row {number}, column {header}: formulas are not imported")
        data.append(cells + [""] * (width - len(cells)))
    if formulas:
        more = len(formulas) - MAX_REPORTED
        raise Refused(formulas[:MAX_REPORTED] + ([f"… and {more} more."] if more > 0 else []))
    return data


def read_csv(text: str) -> tablib.Dataset:
    rows = csv.reader(io.StringIO(text))
    return dataset(next(rows, []), rows)


def read_xlsx(content: bytes) -> tablib.Dataset:
    import openpyxl

    # Formulas as typed, not their cached values: a formula is refused, never imported.
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    try:
        rows = book.active.iter_rows(values_only=True)
        return dataset(list(next(rows, [])), rows)
    finally:
        book.close()


class CSV(base_formats.CSV):
    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = in_stream.decode(self.encoding or "utf-8-sig")
        return read_csv(in_stream)


class XLSX(base_formats.XLSX):
    def create_dataset(self, in_stream):
        return read_xlsx(in_stream)
