"""The incident and action lists: what each entry shows, and what a bad filter says."""

from __future__ import annotations

import datetime
import re
from html import escape

import pytest

from agencies import choices

from .factories import (
    deleted,
    make_action,
    make_agency,
    make_incident,
    make_product,
    make_use,
    make_vendor,
)


def shown_dates(html: str) -> list[str]:
    """The date each list entry leads with, in the order the list shows them."""
    return re.findall(r'<p class="event-date">[^<]*<time datetime="([^"]+)"', html)


def test_incidents_show_the_date_they_are_sorted_by(client, db):
    day = choices.DatePrecision.DAY
    # Happened long ago but came out last: it heads a list sorted by when things came out.
    make_incident(
        title="Old misuse revealed late",
        occurred_on=datetime.date(2018, 3, 1),
        occurred_on_precision=day,
        disclosed_on=datetime.date(2021, 6, 1),
        disclosed_on_precision=day,
    )
    make_incident(
        title="Recent breach told at once",
        occurred_on=datetime.date(2020, 2, 20),
        occurred_on_precision=day,
        disclosed_on=datetime.date(2020, 2, 26),
        disclosed_on_precision=day,
    )
    html = client.get("/incidents/").content.decode()
    assert html.index("Old misuse revealed late") < html.index("Recent breach told at once")
    assert shown_dates(html) == ["2021-06-01", "2020-02-26"]
    assert "Made public <time" in html
    # When it happened still shows, named as such.
    assert 'occurred <time datetime="2018-03-01">' in html


@pytest.mark.parametrize(
    ("url", "named"),
    [
        ("/actions/?authority=nope", "Authority “nope”"),
        ("/actions/?kind=bogus&state=open", "Kind “bogus”"),
        ("/incidents/?kind=bogus", "Kind “bogus”"),
        ("/agencies/?status=bogus", "Status “bogus”"),
        ("/agencies/?vendor=no-such-vendor", "Vendor “no-such-vendor”"),
        ("/agencies/?subdivision=Ontario", "Province or state “Ontario”"),
        ("/agencies/?country=ZZ", "Country “ZZ”"),
        ("/agencies/?subdivision=CA-ZZ", "Province or state “CA-ZZ”"),
    ],
)
def test_an_unknown_filter_value_is_ignored_and_the_page_says_so(client, seeded, url, named):
    path = url.split("?")[0]
    unfiltered = client.get(path)
    response = client.get(url)
    # Ignored, as every list ignores a bad value: the page stays usable, never an error...
    assert response.status_code == 200
    # ...but named on the page, so no one takes the list for filtered by it.
    notice = re.search(r'<p class="notice">(.*?)</p>', response.content.decode(), re.S)
    assert notice and named in notice.group(1) and "ignored" in notice.group(1)
    if "&" not in url:
        assert (
            response.context["page"].paginator.count == unfiltered.context["page"].paginator.count
        )
    assert '<p class="notice">' not in unfiltered.content.decode()


def test_an_unknown_authority_lists_every_action_not_none(client, seeded):
    everything = client.get("/actions/").context["page"].paginator.count
    assert everything > 0
    response = client.get("/actions/", {"authority": "nope"})
    assert response.context["page"].paginator.count == everything
    assert response.context["authority"] is None


def test_the_download_link_carries_only_the_filters_applied(client, seeded):
    html = client.get("/actions/", {"authority": "nope", "state": "open"}).content.decode()
    assert 'href="/actions/export.csv?state=open"' in html
    fragment = client.get(
        "/incidents/", {"kind": "bogus"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert '<p class="notice">' in fragment
    assert 'href="/incidents/export.csv"' in fragment


def test_several_ignored_filters_are_named_together(client, seeded):
    html = client.get("/actions/", {"kind": "bogus", "authority": "nope"}).content.decode()
    assert "These filters were ignored" in html
    assert "Kind “bogus”, Authority “nope”" in html


@pytest.mark.parametrize(
    ("path", "query", "clean"),
    [
        (
            "/agencies/",
            "?q=&status=ended&country=&subdivision=&kind=&vendor=&sort=",
            "?status=ended",
        ),
        ("/agencies/", "?q=&status=&country=", ""),
        ("/incidents/", "?kind=", ""),
        ("/actions/", "?kind=&state=closed&authority=", "?state=closed"),
    ],
)
def test_a_form_sent_without_javascript_lands_on_the_address_without_empty_fields(
    client, seeded, path, query, clean
):
    response = client.get(path + query)
    assert response.status_code == 302
    assert response["Location"] == path + clean
    assert client.get(path + clean).status_code == 200


def test_htmx_requests_with_empty_fields_are_answered_in_place(client, seeded):
    response = client.get("/agencies/?q=&status=ended", headers={"HX-Request": "true"})
    assert response.status_code == 200


def test_a_country_no_list_names_still_filters_when_an_agency_is_there(client, seeded):
    from . import factories as f

    f.make_agency(name="Metropolitan Police Service", country="GB", subdivision="GB-LND")
    html = client.get("/agencies/?country=GB").content.decode()
    assert "Metropolitan Police Service" in html
    assert "ignored" not in html


def test_places_are_listed_by_name(client, seeded):
    from . import factories as f

    for subdivision in ("US-AL", "US-AK", "US-AZ"):
        f.make_agency(country="US", subdivision=subdivision)
    places = [(p["country_name"], p["subdivision_name"]) for p in client.get("/").context["places"]]
    assert places == sorted(places, key=lambda place: (place[0], bool(place[1]), place[1]))
    facets = {facet.name: facet for facet in client.get("/agencies/").context["facets"]}
    labels = [option.label for option in facets["subdivision"].options]
    assert labels == sorted(labels)
    assert labels.index("Alabama") < labels.index("Alaska") < labels.index("Arizona")


def test_an_agency_row_shows_its_name_kind_place_and_status_escaped(client, db):
    from .factories import make_agency, make_use

    agency = make_agency(name="Police <b>&</b> Co", locality="O'Hara")
    make_use(agency=agency, status=choices.UseStatus.CONFIRMED)
    agency.refresh_from_db()
    assert agency.status_summary  # the use's status, explained
    page = client.get("/agencies/").content.decode()
    row = re.search(r"<tr>\s*<th scope=\"row\">.*?</tr>", page, re.S).group(0)
    assert (
        f'<a href="{agency.get_absolute_url()}">Police &lt;b&gt;&amp;&lt;/b&gt; Co</a>'
        '<span class="muted"> Municipal police</span>'
    ) in row
    assert "<td>O&#x27;Hara, Ontario</td>" in row
    assert '<span class="status status-confirmed">' in row
    assert f'<span class="muted">{escape(agency.status_summary)}</span>' in row


def test_the_vendor_list_counts_follow_each_write_in_the_order_they_give(client, db):
    """Its order and counts are kept per write generation: a new customer moves both."""

    def shown() -> list[tuple[str, int, int]]:
        page = client.get("/vendors/").context["page"]
        return [(v.name, v.customer_count, v.product_count) for v in page.object_list]

    alpha = make_product(vendor=make_vendor(name="Alpha"))
    beta = make_product(vendor=make_vendor(name="Beta"))
    make_use(product=alpha)
    assert shown() == [("Alpha", 1, 1), ("Beta", 0, 1)]
    make_use(product=beta)
    second = make_use(product=beta)
    assert shown() == [("Beta", 2, 1), ("Alpha", 1, 1)]
    deleted(second)
    assert shown() == [("Alpha", 1, 1), ("Beta", 1, 1)]  # a tie goes by name


def test_the_action_list_names_whom_each_action_is_about(client, db):
    action = make_action(title="Probe of Harbour Police")
    action.agencies.add(make_agency(name="Harbour Police"))
    action.vendors.add(make_vendor(name="Facewise"))
    html = client.get("/actions/").content.decode()
    assert " · about Harbour Police, Facewise</p>" in html
