"""Bulk import in admin: a preview of every row before anything is written, all rows or none,
and every imported record a draft."""

import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from agencies.choices import Publication
from agencies.models import Agency, Citation, Use

pytestmark = pytest.mark.django_db

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
    preview = upload(admin_client, "use", "uses.xlsx", buffer.getvalue(), XLSX)
    assert "Confirm import" in preview.content.decode()
    confirm(admin_client, "use", preview)
    use = Use.objects.get(summary="Imported from a spreadsheet.")
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
