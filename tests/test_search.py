"""Full-text search: the same results, in the same order, on SQLite and PostgreSQL, through an
index on each."""

import pytest
from django.db import connection

from agencies import search
from agencies.models import Agency, Citation
from agencies.selectors.search import search_records

from . import factories as f

pytestmark = pytest.mark.django_db


def names(query: str) -> list[str]:
    return [agency.name for agency in search_records(query)["agencies"]]


@pytest.fixture
def agencies(db):
    for name, summary in [
        ("Lakeview Police Department", "Tested a search tool in 2020."),
        ("Harbour Police Service", "Bought Lakeview software for its harbour unit."),
        ("Lakeside Sheriff's Office", "No known use."),
        ("Québec City Police", "Service de police."),
        ("Hidden Police", "A draft: never found."),
    ]:
        f.make_agency(name=name, summary=summary)
    Agency.objects.filter(name="Hidden Police").update(publication="draft")


def test_title_matches_rank_first_then_by_name(agencies):
    # "lake" is a prefix of Lakeview and Lakeside (names) and of Lakeview in a summary.
    assert names("lake") == [
        "Lakeside Sheriff's Office",
        "Lakeview Police Department",
        "Harbour Police Service",
    ]


def test_every_word_must_match_as_a_prefix(agencies):
    assert names("lakev pol") == ["Lakeview Police Department", "Harbour Police Service"]
    assert names("harbour tested") == []


def test_case_is_ignored_but_accents_are_kept_on_both_engines(agencies):
    assert names("QUÉBEC") == ["Québec City Police"]
    assert names("quebec") == []


def test_drafts_and_syntax_are_inert(agencies):
    assert names("hidden") == []
    for hostile in ['"', "lake*) OR (x", "'; DROP TABLE agencies_agency; --", "NEAR(a b)", "-"]:
        search_records(hostile)  # no error, whatever the engine's query syntax
    assert Agency.objects.count() == 5


def test_the_agency_list_filter_uses_the_same_search(agencies, client):
    response = client.get("/agencies/", {"q": "lakeview"})
    listed = [agency.name for agency in response.context["page"].object_list]
    assert listed == ["Harbour Police Service", "Lakeview Police Department"]


def test_quotes_are_searched_too(seeded):
    quotes = search_records("informally tested")["quotes"]
    assert quotes
    assert all("informally" in (c.quote + c.claim).lower() for same in quotes for c in same.reports)


def test_the_search_goes_through_the_index():
    searched = search.SEARCHED["agencies.Agency"]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = %s", [searched.table]
            )
            indexes = {row[0] for row in cursor.fetchall()}
            assert searched.index_name("all") in indexes
            cursor.execute("SET enable_seqscan = off")
            sql, params = search.matching(searched, ["lake"], searched.columns).as_sql(None, None)
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = " ".join(row[0] for row in cursor.fetchall())
            assert searched.index_name("all") in plan
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name = %s",
                [searched.fts_table],
            )
            assert cursor.fetchone()


def test_every_searched_table_keeps_its_index_after_the_migrations():
    """A migration that rebuilds a table on SQLite drops its triggers; a record saved after
    the migrations must still be found, in every searched table."""
    from django.db import connection

    from agencies.search import SEARCHED

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            triggers = {row[0] for row in cursor.fetchall()}
        for searched in SEARCHED.values():
            for suffix in ("insert", "delete", "update"):
                assert f"{searched.fts_table}_{suffix}" in triggers
    agency = f.make_agency(name="Zanzibarian Police")
    source = f.make_source(title="Zanzibarian report")
    found = search_records("zanzibarian")
    assert found["agencies"] == [agency]
    assert found["sources"] == [source]


def test_speakers_and_authorities_are_searchable_and_results_say_what_they_back(client, seeded):
    found = search_records("meaghan gray")
    assert [person.name for person in found["people"]] == ["Meaghan Gray"]
    her_quotes = Citation.objects.public().filter(speaker__slug="meaghan-gray").exclude(quote="")
    assert len(found["people"][0].public_quotes) == her_quotes.count() > 3
    assert [a.slug for a in search_records("crown attorneys")["authorities"]] == [
        "crown-attorneys-office-ontario"
    ]
    html = client.get("/search/", {"q": "clearview"}).content.decode()
    assert "Backs: " in html and "Reported by: " in html
    for item in (
        html.split('<section aria-labelledby="r-quotes">')[1]
        .split("</section>")[0]
        .split("<li>")[1:]
    ):
        reported = item.split("Reported by: ")[1].split("</p>")[0]
        links = [part.split('"')[0] for part in reported.split('href="')[1:]]
        assert len(links) == len(set(links)), "a source listed twice under one quote"


@pytest.fixture
def harbours(db):
    """33 agencies: 30 with "harbour" in the name or the summary, one of them a draft, and
    some with a parent (a join on the list the API and the CSV read)."""
    parent = f.make_agency(name="Port Authority Police")
    for n in range(30):
        f.make_agency(
            name=f"{'Harbour' if n % 3 else 'Bay'} Police {n:02}",
            summary="Patrols the harbour." if n % 3 == 0 else "",
            parent=parent if n % 4 == 0 else None,
        )
    for n in range(2):
        f.make_agency(name=f"Inland Police {n}")
    Agency.objects.filter(name="Harbour Police 01").update(publication="draft")


@pytest.mark.parametrize("sort", ["name", "-name"])
def test_a_search_read_row_by_row_finds_the_same_agencies_in_the_same_order(harbours, sort):
    from agencies.selectors.lists import AGENCY_ORDERS, agency_filter_q

    def listed(row_by_row, *also):
        condition = agency_filter_q({"q": "harb"}, row_by_row=row_by_row)
        agencies = Agency.objects.public().filter(condition)
        agencies = agencies.with_public_parent() if also else agencies
        return [
            (agency.name, agency.parent.name if also and agency.parent else None)
            for agency in agencies.order_by(*AGENCY_ORDERS[sort])
        ]

    assert len(listed(False)) == 29  # the draft left out
    assert listed(True) == listed(False)
    assert listed(True, "parent") == listed(False, "parent")
    assert listed(True)[0][0] == ("Bay Police 00" if sort == "name" else "Harbour Police 29")
    # The document follows an edit (PostgreSQL keeps the agencies' in a column).
    renamed = Agency.objects.get(name="Inland Police 0")
    renamed.name = "Inland Harbour Police"
    renamed.save()
    assert ("Inland Harbour Police", None) in listed(True)
    assert listed(True) == listed(False)


def test_a_search_alone_by_name_reads_each_page_the_cheaper_way(harbours):
    from django.test.utils import CaptureQueriesContext

    from agencies.responses import Paginator
    from agencies.selectors.lists import SearchedByName, agency_rows, filter_agencies
    from agencies.selectors.search import common_words

    # 29 public matches of 33 agencies: read by name, each agency tested, for a page that ends
    # by the 25th row (29 squared reach 33 times 25), by sorting the matches after.
    assert common_words(Agency, "harbour", 25)
    assert not common_words(Agency, "harbour", 26)
    assert not common_words(Agency, "inland", 1)  # 2 of 33: the matches sorted
    tested = '"search_document"' if connection.vendor == "postgresql" else '+"agencies_agency"'
    for sort in ("name", "-name"):
        searched = agency_rows({"q": "harbour"}, sort)
        assert isinstance(searched, SearchedByName)
        pages = Paginator(searched, 5)
        assert pages.count == 29
        read, tested_reads = [], []
        for number in pages.page_range:
            with CaptureQueriesContext(connection) as queries:
                read += [agency.name for agency in pages.page(number).object_list]
            tested_reads.append(any(tested in query["sql"] for query in queries))
        assert read == [agency.name for agency in filter_agencies({"q": "harbour"}, sort)]
        assert tested_reads == [True] * 5 + [False]
    assert not isinstance(agency_rows({"q": "harbour"}, "status"), SearchedByName)
    assert not isinstance(agency_rows({"q": "harbour", "country": "CA"}, "name"), SearchedByName)


@pytest.mark.parametrize("limit", [5, 10, 11, 25])
def test_the_first_results_read_by_name_are_the_first_ranked(harbours, limit):
    from agencies.selectors.search import common_words, listed, ranked_first

    # 19 public names hold "harbour" (10 more agencies only in their summary), of 33 agencies:
    # titles are common for a page of up to 10 (19 squared against 33 times 10), read in name
    # order; not for 11 or more.
    assert common_words(Agency, "harbour", limit, title=True) == (limit <= 10)
    agencies = listed(Agency, "status_summary")
    first = ranked_first(agencies, "harbour", "name", limit)
    assert first == list(search.ranked(agencies, "harbour", "name")[:limit])
    assert len(first) == min(limit, 29)
    assert first[0].name == "Harbour Police 02"
