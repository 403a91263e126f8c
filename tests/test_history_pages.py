"""A record's public history is paged: a hundred versions a page, newest first, each with what
changed from the one before it, the pages together holding every published version once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.responses import RECORD_LIST_PAGE
from tests import factories as f

pytestmark = pytest.mark.django_db


def summaries_edited(agency, times: int) -> None:
    for number in range(1, times + 1):
        agency.summary = f"Summary {number}."
        f.edited(agency)


def shown_versions(client, url: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Each page's versions as (change, [(before, after) of each field]), page after page."""
    shown, page = [], 1
    while True:
        response = client.get(url, {"page": page})
        assert response.status_code == 200
        versions = response.context["versions"]
        shown += [
            (version.change, [(field.old, field.new) for field in version.fields])
            for version in versions.object_list
        ]
        if not versions.has_next():
            return shown
        page += 1


def test_the_pages_hold_every_version_newest_first_with_what_changed(client):
    agency = f.make_agency(summary="Summary 0.")
    edits = RECORD_LIST_PAGE + 10
    summaries_edited(agency, edits)
    url = f"/agencies/{agency.slug}/history/"

    first = client.get(url)
    assert len(first.context["versions"].object_list) == RECORD_LIST_PAGE
    # Its own versions, and its citation's.
    assert f"{edits + 2} versions, {RECORD_LIST_PAGE} a page." in first.content.decode()
    assert 'rel="next"' in first.content.decode()

    agency_versions = [
        version for version in shown_versions(client, url) if version[0] != "Published"
    ]
    expected = [
        ("Changed", [(f"Summary {number - 1}.", f"Summary {number}.")])
        for number in range(edits, 0, -1)
    ]
    assert agency_versions == expected
    # The agency's first version, and its citation's, are on the last page.
    assert [version[0] for version in shown_versions(client, url)].count("Published") == 2


def test_a_page_of_many_versions_runs_the_queries_of_a_page_of_a_few(client):
    counts = []
    for edits in (RECORD_LIST_PAGE + 5, RECORD_LIST_PAGE * 3):
        agency = f.make_agency()
        summaries_edited(agency, edits)
        url = f"/agencies/{agency.slug}/history/"
        client.get(url)  # the first read after a write finds the versions
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert len(response.context["versions"].object_list) == RECORD_LIST_PAGE
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_an_edit_is_on_the_first_page_at_once(client):
    agency = f.make_agency(summary="Before.")
    url = f"/agencies/{agency.slug}/history/"
    assert "After." not in client.get(url).content.decode()
    agency.summary = "After."
    f.edited(agency)
    versions = client.get(url).context["versions"].object_list
    assert (versions[0].change, versions[0].fields[0].new) == ("Changed", "After.")


def test_a_page_past_the_end_shows_the_last_and_a_bad_page_the_first(client):
    agency = f.make_agency()
    summaries_edited(agency, RECORD_LIST_PAGE + 5)
    url = f"/agencies/{agency.slug}/history/"
    assert client.get(url, {"page": 99}).context["versions"].number == 2
    assert client.get(url, {"page": "x"}).context["versions"].number == 1


def test_a_citation_moved_to_another_record_keeps_its_versions_in_the_first(client):
    first, second = f.make_agency(), f.make_agency()
    citation = f.make_citation(agency=first, quote="Before.")
    citation.quote = "After."
    f.edited(citation)
    citation.agency = second
    f.edited(citation)
    versions = client.get(f"/agencies/{first.slug}/history/").context["versions"].object_list
    quoted = [(v.change, v.title) for v in versions if v.title.startswith("Citation")]
    # Newest first, before the agency's own citation, made with it.
    assert quoted[:2] == [("Changed", "Citation: After."), ("Published", "Citation: Before.")]
