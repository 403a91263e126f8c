"""Downloads, the API, feeds and the data page: what reporters and researchers take away."""

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from openapi_spec_validator import validate

from agencies.exports import EXPORTS, neutralise
from agencies.models import (
    Agency,
    Citation,
    Incident,
    RegulatoryAction,
    Source,
    Statement,
    Vendor,
)

from . import factories as f

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def csv_rows(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200
    assert response.streaming, "a large export must stream, not build in memory"
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("name", list(EXPORTS))
def test_every_list_downloads_as_csv(client, seeded, name):
    rows = csv_rows(client, f"/{name}/export.csv")
    assert rows, f"the seed data gives an empty {name} CSV"
    assert list(rows[0]) == [column.name for column in EXPORTS[name].columns] + (
        ["permalink"] if EXPORTS[name].has_pages else []
    )


def test_a_csv_honours_the_list_filters(client, seeded):
    rows = csv_rows(
        client,
        "/agencies/export.csv?status=ended&subdivision=CA-ON&kind=regional_police&sort=-name",
    )
    # Ontario's regional services whose use ended, Z to A.
    assert [row["name"] for row in rows] == [
        "Waterloo Regional Police Service",
        "Peel Regional Police",
        "Niagara Regional Police Service",
        "Halton Regional Police Service",
        "Durham Regional Police Service",
    ]
    assert rows[1]["permalink"] == "http://testserver/agencies/peel-regional-police/"
    rows = csv_rows(client, "/actions/export.csv?state=open")
    assert {row["state"] for row in rows} == {"open"}
    assert len(rows) == RegulatoryAction.objects.filter(state="open").count()
    rows = csv_rows(client, "/uses/export.csv?agency=toronto-police-service")
    assert [row["started"] for row in rows] == ["2019-10"]  # a date at its own precision


def test_list_pages_link_to_the_csv_of_what_they_show(client, seeded):
    page = client.get("/agencies/", {"status": "ended", "page": "1"}).content.decode()
    assert 'href="/agencies/export.csv?status=ended"' in page


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tindented", "'\tindented"),
        ("\rreturn", "'\rreturn"),
        ("Toronto Police Service", "Toronto Police Service"),
        (12, "12"),
        (None, ""),
    ],
)
def test_cells_a_spreadsheet_would_run_are_neutralised(value, expected):
    assert neutralise(value) == expected


def test_a_formula_like_name_arrives_as_text(client, seeded):
    agency = f.make_agency(name='=HYPERLINK("http://evil.example","Click")', slug="formula")
    f.make_citation(agency=agency)
    rows = csv_rows(client, "/agencies/export.csv?q=HYPERLINK")
    assert [row["name"] for row in rows] == ['\'=HYPERLINK("http://evil.example","Click")']


def test_the_openapi_document_validates_and_every_path_answers(client, seeded):
    document = client.get("/api/v1/openapi.json").json()
    validate(document)
    examples = {
        "agencies": "toronto-police-service",
        "vendors": Vendor.objects.first().slug,
        "incidents": Incident.objects.first().slug,
        "actions": RegulatoryAction.objects.first().slug,
        "sources": Source.objects.first().slug,
    }
    numbers = {"statements": str(Statement.objects.public().first().pk)}
    assert len(document["paths"]) >= 12
    for path in document["paths"]:
        kind = path.split("/")[3]
        url = path.replace("{slug}", examples.get(kind, "")).replace("{pk}", numbers.get(kind, ""))
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.json(), url


def test_the_api_takes_the_pages_filters_and_pages_stably(client, seeded):
    body = client.get(
        "/api/v1/agencies", {"status": "ended", "subdivision": "CA-ON", "kind": "regional_police"}
    ).json()
    assert [item["slug"] for item in body["items"]] == [
        "durham-regional-police-service",
        "halton-regional-police-service",
        "niagara-regional-police-service",
        "peel-regional-police",
        "waterloo-regional-police-service",
    ]
    first = client.get("/api/v1/citations", {"page_size": 10}).json()
    second = client.get(first["next"]).json()
    ids = [item["id"] for item in first["items"] + second["items"]]
    assert len(ids) == len(set(ids)) == 20  # no overlap between pages
    assert second["previous"].endswith("page=1&page_size=10") or "page=1" in second["previous"]


def test_the_citation_count_is_stored_but_follows_every_write(client, seeded):
    def count() -> int:
        return client.get("/api/v1/citations").json()["count"]

    public = Citation.objects.public().count()
    assert count() == count() == public
    source = Source.objects.get(slug="ctv-2020-02-26-clearview-breach")
    quoted_here = source.citations.count()
    assert quoted_here > 0
    source.publication = "draft"
    source.save()
    # Its own citations go, and so do those of facts it was the only published source of.
    remaining = Citation.objects.public().count()
    assert count() == remaining <= public - quoted_here
    items, url = [], "/api/v1/citations?page_size=200"
    while url:  # every page, as a reader walking the list would
        body = client.get(url).json()
        items, url = items + body["items"], body["next"]
    assert len(items) == len({item["id"] for item in items}) == remaining


def test_an_agencys_citations_are_its_own_and_its_uses(client, seeded):
    agency = Agency.objects.get(slug="toronto-police-service")
    other = f.make_agency()
    f.make_citation(agency=other)
    f.make_citation(use=f.make_use(agency=other))
    expected = set(
        Citation.objects.public()
        .filter(Q(agency=agency) | Q(use__agency=agency))
        .values_list("pk", flat=True)
    )
    assert Citation.objects.public().filter(use__agency=agency).exists()  # both sides are tried
    items, url = [], "/api/v1/citations?agency=toronto-police-service&page_size=200"
    while url:
        body = client.get(url).json()
        items, url = items + body["items"], body["next"]
    assert {item["id"] for item in items} == expected
    assert body["count"] == len(expected)
    unknown = client.get("/api/v1/citations?agency=no-such-agency")
    assert unknown.status_code == 200
    assert unknown.json()["count"] == 0


def test_a_page_of_citations_is_joined_as_written_on_postgresql(client, seeded):
    """The join of every kind of record a citation may cite: PostgreSQL planned it for most of
    the request (search.joins_as_written)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/citations").json()["items"]
    statements = [query["sql"] for query in queries]
    page = next(
        i
        for i, sql in enumerate(statements)
        if 'FROM "agencies_citation"' in sql and "LIMIT" in sql
    )
    set_before = any("join_collapse_limit = 1" in sql for sql in statements[:page])
    assert set_before == (connection.vendor == "postgresql")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/agencies?status=not-a-status",
        "/api/v1/agencies?page=0",
        "/api/v1/agencies?page=99999999999999999999",
        "/api/v1/citations?page=1000001",
        "/api/v1/agencies?page=abc",
        "/api/v1/agencies?page_size=100000",
        "/api/v1/agencies?country=Canada",
    ],
)
def test_bad_api_input_is_a_clear_422(client, seeded, url):
    response = client.get(url)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_a_toronto_record_reads_with_its_precision_and_citations(client, seeded):
    toronto = client.get("/api/v1/agencies/toronto-police-service").json()
    assert toronto["status_summary"].startswith("Trial or testing (not authorised), Oct 2019")
    assert toronto["status"] == "ended"  # a test that was stopped
    assert toronto["uses"][0]["started"] == "2019-10"
    assert toronto["uses"][0]["ended"] == "2020-02-05"
    assert any(
        "Saunders" in c["quote"] for c in toronto["citations"] + toronto["uses"][0]["citations"]
    )
    assert client.get("/api/v1/agencies/no-such-agency").status_code == 404


def feed_entries(client, url: str) -> list[ET.Element]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content).findall(f"{ATOM}entry")


def test_feeds_carry_dated_events_with_stable_ids(client, seeded):
    everything = feed_entries(client, "/feeds/events.atom")
    assert everything
    ids = [entry.find(f"{ATOM}id").text for entry in everything]
    assert len(ids) == len(set(ids))
    assert all(i.startswith("tag:") for i in ids)
    # RFC 4287: every entry has an <updated>; each source is named once in its summary.
    assert all(entry.find(f"{ATOM}updated") is not None for entry in everything)
    for entry in everything:
        named = entry.find(f"{ATOM}summary").text.split("Sources: ")[-1].rstrip(".").split("; ")
        assert len(named) == len(set(named))
    toronto = feed_entries(client, "/agencies/toronto-police-service/feed.atom")
    titles = [entry.find(f"{ATOM}title").text for entry in toronto]
    assert "5 Feb 2020: TPS stopped using Clearview AI image search tool" in titles
    assert feed_entries(client, "/vendors/clearview-ai/feed.atom")


def test_pages_link_their_feeds(client, seeded):
    page = client.get("/agencies/toronto-police-service/").content.decode()
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Toronto Police Service: events"'
        ' href="/agencies/toronto-police-service/feed.atom">'
    ) in page
    assert 'href="/feeds/events.atom"' in client.get("/").content.decode()


def test_the_data_page_explains_every_column_and_the_licence(client, seeded):
    page = client.get("/data/").content.decode()
    assert "Creative Commons Attribution 4.0" in page
    assert "curl " in page
    for export in EXPORTS.values():
        for column in export.columns:
            assert f"<code>{column.name}</code>" in page
    assert "<code>testing</code> Trial or testing" in page  # the codes' meanings
    assert "Where they held that role" not in page  # only exported columns are described


def test_each_record_page_has_a_cite_this_line(client, seeded):
    page = client.get("/agencies/toronto-police-service/").content.decode()
    assert (
        "Facial recognition tracker. “Toronto Police Service.” "
        "http://testserver/agencies/toronto-police-service/"
    ) in page
    assert 'href="/agencies/toronto-police-service/history/"' in page


def test_the_api_address_itself_lists_what_is_there(client, seeded):
    body = client.get("/api/v1/").json()
    assert body["openapi"].endswith("/api/v1/openapi.json")
    for url in (body["openapi"], *body["lists"].values()):
        assert client.get(url).status_code == 200, url
