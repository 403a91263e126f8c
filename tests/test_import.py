"""Bulk import in admin: a preview of every row before anything is written, all rows or none,
and every imported record a draft."""

import csv
import io
import re
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from agencies import invalidation, spreadsheets
from agencies.choices import Publication
from agencies.imports import RecordResource
from agencies.models import Agency, Citation, Use

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stored_rule_kept")]

IMPORT_URL = "/admin/agencies/{model}/import/"
PROCESS_URL = "/admin/agencies/{model}/process_import/"
CSV, XLSX = "0", "1"

AGENCY_HEADER = "slug,name,short_name,kind,country,subdivision,locality,parent,website,summary"


def upload(admin_client, model: str, name: str, content: bytes, file_format: str = CSV):
    return admin_client.post(
        IMPORT_URL.format(model=model),
        {
            "import_file": SimpleUploadedFile(name, content),
            "format": file_format,
            "resource": "0",
        },
    )


def confirm(admin_client, model: str, preview, *, expect: int = 302):
    """Press "Confirm import" on the preview page: post its form's hidden fields."""
    page = preview.content.decode()
    form = page[page.index(PROCESS_URL.format(model=model)) :].split("</form>")[0]
    fields = dict(re.findall(r'name="(\w+)"[^>]*value="([^"]*)"', form))
    assert "versions" in fields  # what the preview read, for the confirm to compare
    response = admin_client.post(PROCESS_URL.format(model=model), fields)
    assert response.status_code == expect
    return response


def test_an_import_with_one_bad_row_writes_nothing_and_names_the_row(admin_client, seeded):
    before = Agency.objects.count()
    rows = [
        AGENCY_HEADER,
        "kingston-police,Kingston Police,KPF,municipal_police,CA,CA-ON,Kingston,,,",
        "bad-place-police,Bad Place Police,,regional_police,CA,US-NY,,,,",  # province not in CA
        "thunder-bay-police-service,Thunder Bay Police Service,TBPS,municipal_police,CA,CA-ON,"
        "Thunder Bay,,,",
    ]
    response = upload(admin_client, "agency", "agencies.csv", "\n".join(rows).encode())
    page = response.content.decode()
    assert response.status_code == 200
    assert "The province or state must be in the agency&#x27;s country" in page
    assert "Some rows failed to validate" in page
    assert re.search(r"<td>2\s*</td>\s*<td class=\"errors\">", page), "the bad row is not named"
    assert "Confirm import" not in page  # nothing can be written from this preview
    assert Agency.objects.count() == before


def test_a_good_import_previews_then_creates_drafts(admin_client, seeded):
    rows = [
        AGENCY_HEADER,
        "kingston-police,Kingston Police,KPF,municipal_police,CA,CA-ON,Kingston,,,",
        "thunder-bay-police-service,Thunder Bay Police Service,TBPS,municipal_police,CA,CA-ON,"
        "Thunder Bay,,,",
    ]
    preview = upload(admin_client, "agency", "agencies.csv", "\n".join(rows).encode())
    page = preview.content.decode()
    assert "Confirm import" in page
    assert page.count("New") >= 2  # each row shows what it would do
    assert not Agency.objects.filter(slug="kingston-police").exists()  # a preview only

    confirm(admin_client, "agency", preview)
    kingston = Agency.objects.get(slug="kingston-police")
    assert kingston.publication == Publication.DRAFT
    assert Agency.objects.filter(slug="thunder-bay-police-service").exists()
    assert admin_client.get("/agencies/kingston-police/").status_code == 404


def test_uses_and_citations_import_from_xlsx_by_slug(admin_client, seeded):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "agency",
            "product",
            "status",
            "authorisation",
            "started_on",
            "started_on_precision",
            "summary",
        ]
    )
    sheet.append(
        [
            "halton-regional-police-service",
            "clearview-ai-image-search",
            "confirmed",
            "unknown",
            "2020-01-15",
            "month",
            "Imported from a spreadsheet.",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    halton = Agency.objects.get(slug="halton-regional-police-service")
    preview = upload(admin_client, "use", "uses.xlsx", buffer.getvalue(), XLSX)
    assert "Confirm import" in preview.content.decode()
    halton.refresh_from_db()
    changed_at = halton.changed_at  # a preview derives no status
    confirm(admin_client, "use", preview)
    use = Use.objects.get(summary="Imported from a spreadsheet.")
    halton.refresh_from_db()
    assert halton.changed_at > changed_at  # the confirmed import derived its status again
    assert use.publication == Publication.DRAFT
    assert str(use.started) == "Jan 2020"  # the date kept to its precision

    citation_csv = (
        "source,quote,claim,agency\n"
        "ctv-2020-02-26-clearview-breach,An imported quote.,,halton-regional-police-service\n"
    )
    preview = upload(admin_client, "citation", "citations.csv", citation_csv.encode())
    confirm(admin_client, "citation", preview)
    assert Citation.objects.filter(quote="An imported quote.", agency__slug__startswith="halton")


def test_an_unknown_slug_is_a_row_error_not_a_crash(admin_client, seeded):
    before = Use.objects.count()
    response = upload(
        admin_client,
        "use",
        "uses.csv",
        b"agency,product,status,authorisation\nno-such-agency,clearview-ai-image-search,confirmed,unknown\n",
    )
    assert response.status_code == 200
    assert "Confirm import" not in response.content.decode()
    assert Use.objects.count() == before


# Limits: refused with a plain form error before the file is parsed or any row imported.


def agency_csv(*rows: str) -> bytes:
    return "\n".join([AGENCY_HEADER, *rows]).encode()


KINGSTON = "kingston-police,Kingston Police,KPF,municipal_police,CA,CA-ON,Kingston,,,"


def xlsx(*rows: list) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def no_parsing(monkeypatch):
    """Any parse of the file fails the test: a limit must refuse it first."""

    def parse(*args, **kwargs):
        raise AssertionError("the file was parsed")

    monkeypatch.setattr(spreadsheets, "read_csv", parse)
    monkeypatch.setattr(spreadsheets, "read_xlsx", parse)
    monkeypatch.setattr(openpyxl, "load_workbook", parse)


def test_a_file_past_the_size_limit_is_refused_unparsed(admin_client, settings, no_parsing):
    settings.IMPORT_MAX_BYTES = 1024
    content = agency_csv(*[KINGSTON] * 30)
    for name, file_format in [("agencies.csv", CSV), ("agencies.xlsx", XLSX)]:
        response = upload(admin_client, "agency", name, content, file_format)
        page = response.content.decode()
        assert response.status_code == 200
        assert "an import takes at most 1.0\xa0KB" in page
        assert "Confirm import" not in page
    assert not Agency.objects.exists()


def test_a_zip_bomb_is_refused_by_its_declared_size_unopened(admin_client, no_parsing):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (21 * 1024 * 1024))
    assert len(buffer.getvalue()) < 100_000  # small as uploaded, 21 MB unpacked
    response = upload(admin_client, "agency", "bomb.xlsx", buffer.getvalue(), XLSX)
    assert "The XLSX unpacks to 21.0\xa0MB; an import takes at most 20.0\xa0MB" in (
        response.content.decode()
    )


def test_rows_past_the_limit_are_refused_before_any_is_imported(
    admin_client, settings, monkeypatch
):
    def import_data(*args, **kwargs):
        raise AssertionError("a row was imported")

    monkeypatch.setattr(RecordResource, "import_data", import_data)
    settings.IMPORT_MAX_ROWS = 2
    rows = [KINGSTON.replace("kingston", f"town-{n}") for n in range(3)]
    response = upload(admin_client, "agency", "agencies.csv", agency_csv(*rows))
    assert "The file has more than 2 rows; split it into smaller files." in (
        response.content.decode()
    )
    sheet = xlsx(AGENCY_HEADER.split(","), *[row.split(",") for row in rows])
    response = upload(admin_client, "agency", "agencies.xlsx", sheet, XLSX)
    assert "The file has more than 2 rows" in response.content.decode()


# Cells: an XLSX reads as a CSV does; a formula is refused, named by row and column.


def test_blank_xlsx_cells_import_as_the_same_row_in_csv_does(admin_client):
    header = AGENCY_HEADER.split(",")
    blank = ["xlsx-police", "XLSX Police", None, "municipal_police", "CA", None, *[None] * 4]
    preview = upload(admin_client, "agency", "agencies.xlsx", xlsx(header, blank), XLSX)
    confirm(admin_client, "agency", preview)
    csv_row = "csv-police,CSV Police,,municipal_police,CA,,,,,"
    confirm(admin_client, "agency", upload(admin_client, "agency", "a.csv", agency_csv(csv_row)))

    fields = [name for name in header if name not in ("slug", "name")]
    from_xlsx = Agency.objects.filter(slug="xlsx-police").values(*fields).get()
    assert from_xlsx == Agency.objects.filter(slug="csv-police").values(*fields).get()
    assert from_xlsx["summary"] == "" and from_xlsx["parent"] is None


def test_a_formula_is_refused_with_its_row_and_column(admin_client):
    rows = [KINGSTON, KINGSTON.replace("kingston", "k2"), KINGSTON.replace(",,,", ",,,=1+2")]
    response = upload(admin_client, "agency", "agencies.csv", agency_csv(*rows))
    assert "Row 3, column summary: formulas are not imported" in response.content.decode()

    header = AGENCY_HEADER.split(",")
    row = [*KINGSTON.split(",")[:-1], "=SUM(1,2)"]  # stored as a formula, cached value or not
    response = upload(admin_client, "agency", "agencies.xlsx", xlsx(header, row), XLSX)
    assert "Row 1, column summary: formulas are not imported" in response.content.decode()
    assert not Agency.objects.exists()


@pytest.mark.parametrize(
    "cell, refused",
    [
        ('=HYPERLINK("http://x")', True),
        (" =1+2", True),
        ("-SUM(A1:A2)", True),
        ('@HYPERLINK("http://x")', True),
        ("+cmd|' /C calc'!A0", True),
        ("-12.5", False),
        ("+1 416 555 0100", False),
        ("- Police said (in 2020) that it had stopped.", False),
        ("@torontopolice on social media", False),
        ("A sum = 2", False),
    ],
)
def test_formula_like_cells(cell, refused):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["summary"], [cell]])
    text = buffer.getvalue()
    if refused:
        with pytest.raises(spreadsheets.Refused, match="Row 1, column summary"):
            spreadsheets.read_csv(text)
    else:
        assert spreadsheets.read_csv(text)["summary"] == [cell]


# Rows: a bad row named with its field; rows that depend on each other.


def test_a_bad_row_is_named_with_its_field_or_its_reason(admin_client):
    rows = [
        KINGSTON,
        KINGSTON.replace("municipal_police", "secret_police").replace("kingston", "k2"),
        KINGSTON,  # the same slug again: the database refuses it, the row is named
    ]
    page = upload(admin_client, "agency", "agencies.csv", agency_csv(*rows)).content.decode()
    assert re.search(r"<td>2\s*</td>\s*<td class=\"errors\">", page)
    assert "kind" in page and "is not a valid choice" in page
    assert re.search(r"<td>3\s*</td>\s*<td class=\"errors\">", page)
    assert "Another agency already uses this slug" in page
    assert "Confirm import" not in page


def test_a_preview_names_an_update_the_database_refuses_and_changes_nothing(admin_client):
    confirm(admin_client, "agency", upload(admin_client, "agency", "a.csv", agency_csv(KINGSTON)))
    moved = KINGSTON.replace("CA-ON", "US-NY")  # a province outside the agency's country
    renamed = KINGSTON.replace("kingston-police", "k2").replace("Kingston Police", "K Two")
    page = upload(admin_client, "agency", "b.csv", agency_csv(moved, renamed)).content.decode()
    assert re.search(r"<td>1\s*</td>\s*<td class=\"errors\">", page)
    assert "The province or state must be in the agency&#x27;s country" in page
    assert "Confirm import" not in page
    assert Agency.objects.get(slug="kingston-police").subdivision == "CA-ON"
    assert not Agency.objects.filter(slug="k2").exists()


def test_a_row_may_name_as_parent_an_agency_an_earlier_row_creates(admin_client):
    child = "kingston-east,Kingston East,,municipal_police,CA,CA-ON,,kingston-police,,"
    preview = upload(admin_client, "agency", "agencies.csv", agency_csv(KINGSTON, child))
    confirm(admin_client, "agency", preview)
    assert Agency.objects.get(slug="kingston-east").parent.slug == "kingston-police"


def test_a_preview_writes_nothing_a_confirm_writes_history_and_invalidates_once(
    admin_client, monkeypatch
):
    calls = []
    monkeypatch.setattr(invalidation.summaries, "move_generation", lambda: calls.append(1))
    preview = upload(admin_client, "agency", "agencies.csv", agency_csv(KINGSTON))
    assert calls == [] and not Agency.history.exists()
    confirm(admin_client, "agency", preview)
    assert calls == [1]
    assert Agency.history.filter(slug="kingston-police").count() == 1


# Confirm: refused, writing nothing, if a record the preview read changed since.


@pytest.mark.parametrize("since", ["changed", "deleted", "created"])
def test_confirm_is_refused_if_a_record_changed_since_the_preview(admin_client, since):
    existing = Agency.objects.create(
        slug="existing-police", name="Existing", kind="municipal_police", country="CA"
    )
    rows = [KINGSTON, "existing-police,Existing Police,,municipal_police,CA,,,,,Updated."]
    preview = upload(admin_client, "agency", "agencies.csv", agency_csv(*rows))
    if since == "changed":
        existing.summary = "An editor's edit."
        existing.save()
    elif since == "deleted":
        existing.delete()
    else:
        Agency.objects.create(
            slug="kingston-police", name="Kingston", kind="municipal_police", country="CA"
        )

    response = confirm(admin_client, "agency", preview)
    assert response["Location"] == IMPORT_URL.format(model="agency")
    page = admin_client.get(response["Location"]).content.decode()
    named = "kingston-police" if since == "created" else "existing-police"
    assert f"Nothing was imported. Since the preview, agency {named} was {since}." in page
    assert Agency.objects.filter(slug="kingston-police").count() == (since == "created")
    assert not Agency.objects.filter(summary="Updated.").exists()
