"""The public pages: full page and htmx fragment, filters, bad input, and pinned query counts."""

import datetime
import re

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from agencies.choices import AgencyStatus
from agencies.models import (
    Agency,
    Authority,
    Citation,
    Incident,
    RegulatoryAction,
    Source,
    Use,
    Vendor,
)
from agencies.selectors import charts, timeline

from . import factories as f
from .conftest import DEFERRED_READS

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}

# Every public page and the number of queries it runs, whatever the amount of data.
PAGES = {
    "/": 1,
    "/agencies/": 3,
    "/agencies/?status=ended&country=CA&subdivision=CA-ON&kind=regional_police"
    "&vendor=clearview-ai&q=peel&sort=-name": 2,
    "/agencies/toronto-police-service/": 14,
    "/agencies/toronto-police-service/?kind=action": 11,
    "/vendors/": 2,
    "/vendors/clearview-ai/": 9,
    "/incidents/": 4,
    "/incidents/clearview-ai-customer-list-breach/": 4,
    "/actions/": 5,
    "/actions/joint-investigation-into-clearview-ai/": 11,
    "/statements/": 5,
    "/statements/?stance=denies_use&agency=toronto-police-service&contradicted=yes": 6,
    "/statements/1/": 4,
    "/statements/1/history/": 4,
    "/sources/": 2,
    "/sources/ctv-2020-02-26-clearview-breach/": 3,
    "/uses/1/": 2,
    "/uses/1/history/": 4,
    "/authorities/crown-attorneys-office-ontario/": 4,
    "/authorities/crown-attorneys-office-ontario/history/": 4,
    "/search/?q=toronto": 10,
    "/data/": 0,
    "/changes/": 1,
    "/agencies/toronto-police-service/history/": 5,
    "/sources/ctv-2020-02-26-clearview-breach/history/": 3,
    # Downloads and feeds: one query per 2,000 rows streamed, per prefetched relation.
    "/feeds/events.atom": 1,
    "/incidents/clearview-ai-customer-list-breach/feed.atom": 5,
    "/actions/joint-investigation-into-clearview-ai/feed.atom": 12,
    "/agencies/toronto-police-service/feed.atom": 10,
    "/vendors/clearview-ai/feed.atom": 8,
    "/agencies/export.csv?status=ended": 1,
    "/uses/export.csv": 1,
    "/incidents/export.csv": 3,
    "/actions/export.csv": 4,
    "/citations/export.csv": 1,
    "/vendors/export.csv": 1,
    "/sources/export.csv": 1,
    "/statements/export.csv": 4,
    "/api/v1/agencies?status=ended": 2,
    "/api/v1/agencies/toronto-police-service": 7,
    "/api/v1/vendors/clearview-ai": 3,
    "/api/v1/actions": 5,
    "/api/v1/actions/joint-investigation-into-clearview-ai": 11,
    "/api/v1/statements": 5,
    "/api/v1/statements/1": 4,
    "/api/v1/citations": 2,
    "/api/v1/sources/ctv-2020-02-26-clearview-breach": 2,
}


def add_more_data() -> None:
    """Grow every table the pages read, so a query per row would show in the counts."""
    clearview = Vendor.objects.get(slug="clearview-ai")
    product = clearview.products.first()
    toronto = Agency.objects.get(slug="toronto-police-service")
    source = f.make_source()
    for n in range(5):
        agency = f.make_agency(
            name=f"Extra Peel Police {n}", subdivision="CA-ON", kind="regional_police"
        )
        use = f.make_use(
            agency=agency, product=product, status="ended", ended_on=datetime.date(2020, 1, 1)
        )
        f.make_citation(source=source, use=use, speaker=f.make_person())
        incident = f.make_incident(disclosed_on=datetime.date(2021, 1, n + 1))
        incident.agencies.add(toronto, agency)
        incident.vendors.add(clearview)
        action = f.make_action(opened_on=datetime.date(2021, 2, n + 1))
        action.agencies.add(toronto, agency)
        action.vendors.add(clearview)
        action.authorities.add(f.make_authority())
        f.make_citation(source=source, action=action)
        f.make_citation(source=source, incident=incident)
        f.make_citation(source=source, agency=toronto, speaker=f.make_person())
        toronto.summary += " More."  # another version in its history
        toronto.save()
        # More versions of its use, more status changes, more parts for an authority.
        toronto_use = toronto.uses.get()
        toronto_use.summary += " More."
        toronto_use.status = "confirmed" if n % 2 else "trial"
        f.edited(toronto_use)
        crown = Authority.objects.get(slug="crown-attorneys-office-ontario")
        action.participants.create(authority=crown, role="consulted")
        # More statements by Toronto, a denial and a confirmation each time (so more
        # contradictions), more steps and replies on the joint investigation and the vendor.
        spokesperson = f.make_person()
        for stance, day in (("denies_use", 1), ("confirms_use", 20)):
            f.make_statement(
                agency=toronto,
                speaker=spokesperson,
                stance=stance,
                said_on=datetime.date(2021, 3 + n, day),
            )
        joint = RegulatoryAction.objects.get(slug="joint-investigation-into-clearview-ai")
        f.make_step(action=joint, kind="response", occurred_on=datetime.date(2022, 1, n + 1))
        f.make_step(action=action, kind="opened", occurred_on=datetime.date(2021, 2, n + 1))
        f.make_statement(
            vendor=clearview, about_action=joint, stance="disputes_finding", speaker=f.make_person()
        )


# Transaction control, not reads: a savepoint, or the planner setting of search.joins_as_written()
# on PostgreSQL. Left out, so both engines pin the same count.
TRANSACTION_CONTROL = re.compile(
    r"^(BEGIN|COMMIT|SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT|SET LOCAL)\b"
)


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:  # a download runs its queries as it streams
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return sum(not TRANSACTION_CONTROL.match(query["sql"]) for query in queries)


@pytest.mark.parametrize(("url", "expected"), PAGES.items())
def test_each_page_runs_a_fixed_number_of_queries(client, seeded, url, expected):
    # The first visit after a write also computes the site-wide summaries (tests/test_summaries.py);
    # what is pinned is what every later visit costs.
    client.get(url)
    assert count_queries(client, url) == expected
    add_more_data()
    client.get(url)
    assert count_queries(client, url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "/agencies/",
        "/agencies/toronto-police-service/",
        "/vendors/clearview-ai/",
        "/incidents/",
        "/actions/",
        "/search/?q=toronto",
    ],
)
def test_htmx_gets_a_fragment_and_caches_are_told(client, seeded, url):
    page = client.get(url)
    fragment = client.get(url, headers=HX)
    assert page.status_code == fragment.status_code == 200
    assert b"<html" in page.content
    assert b"<html" not in fragment.content
    assert len(fragment.content) < len(page.content)
    assert "HX-Request" in page["Vary"]
    assert "HX-Request" in fragment["Vary"]


def test_a_history_restore_gets_the_whole_page(client, seeded):
    response = client.get("/agencies/", headers=HX | {"HX-History-Restore-Request": "true"})
    assert b"<html" in response.content


def test_the_agency_fragment_leaves_the_search_box_alone(client, seeded):
    fragment = client.get("/agencies/", {"q": "po", "status": "ended"}, headers=HX).content.decode()
    assert 'id="agency-q"' not in fragment  # what is being typed is never replaced
    assert '<div id="facet-fields" class="facet-fields" hx-swap-oob="true">' in fragment
    ended = Agency.objects.public().filter(status="ended").count()
    assert f'<span id="results-count" hx-swap-oob="innerHTML">{ended} agencies</span>' in fragment


def test_the_pushed_address_holds_only_the_filters_that_apply(client, seeded):
    query = {"q": "", "status": "ended", "country": "", "kind": "bogus", "sort": "name"}
    response = client.get("/agencies/", query, headers=HX)
    assert response["HX-Push-Url"] == "/agencies/?status=ended"
    response = client.get("/agencies/", {"sort": "-name", "page": "1"}, headers=HX)
    assert response["HX-Push-Url"] == "/agencies/?sort=-name"


def test_typing_on_replaces_the_history_entry_instead_of_adding_one(client, seeded):
    shown = "http://testserver/agencies/?q=pe&status=ended"
    headers = HX | {"HX-Current-URL": shown}
    refined = client.get("/agencies/", {"q": "peel", "status": "ended"}, headers=headers)
    assert refined["HX-Replace-Url"] == "/agencies/?q=peel&status=ended"
    assert "HX-Push-Url" not in refined
    other_filter = client.get("/agencies/", {"q": "pe", "status": "testing"}, headers=headers)
    assert other_filter["HX-Push-Url"] == "/agencies/?q=pe&status=testing"


def test_the_timeline_fragment_marks_the_chosen_kind(client, seeded):
    url = "/agencies/toronto-police-service/"
    fragment = client.get(url, {"kind": "action"}, headers=HX).content.decode()
    assert fragment.count('aria-current="true"') == 1
    assert re.search(r'href="\?kind=action"[^>]*aria-current="true"', fragment)
    assert '<span id="timeline-status" hx-swap-oob="innerHTML">' in fragment


def agency_names(response) -> list[str]:
    return [agency.name for agency in response.context["page"].object_list]


def test_agency_filters_combine(client, seeded):
    response = client.get("/agencies/", {"status": "ended", "subdivision": "CA-ON"})
    assert agency_names(response) == [
        "Barrie Police Service",
        "Durham Regional Police Service",
        "Guelph Police Service",
        "Halton Regional Police Service",
        "Hamilton Police Service",
        "London Police Service",
        "Niagara Regional Police Service",
        "Ontario Provincial Police",
        "Peel Regional Police",
        "Toronto Police Service",
        "Waterloo Regional Police Service",
        "Windsor Police Service",
    ]
    response = client.get("/agencies/", {"status": "ended", "q": "peel"})
    assert agency_names(response) == ["Peel Regional Police"]
    response = client.get(
        "/agencies/", {"country": "US", "vendor": "clearview-ai", "sort": "-name"}
    )
    assert agency_names(response) == [
        "U.S. Department of Homeland Security",
        "Federal Bureau of Investigation",
    ]


def test_statuses_list_and_sort_in_the_rules_order(client, seeded):
    rule_order = list(AgencyStatus.values)
    response = client.get("/agencies/")
    facets = {facet.name: facet for facet in response.context["facets"]}
    shown = [option.value for option in facets["status"].options]
    assert len(shown) > 2 and shown == sorted(shown, key=rule_order.index)

    by_status = client.get("/agencies/", {"sort": "status"}).context["page"].object_list
    ranks = [rule_order.index(agency.status) for agency in by_status]
    assert len(set(ranks)) > 2 and ranks == sorted(ranks)


def test_each_filter_option_counts_what_it_would_leave(client, seeded):
    response = client.get("/agencies/", {"country": "CA"})
    facets = {facet.name: facet for facet in response.context["facets"]}
    statuses = {option.value: option.count for option in facets["status"].options}
    assert statuses == {
        "ended": 16,
        "denied": 10,
        "testing": 1,
        "reported": 4,
        "confirmed": 2,
        "suspended": 1,
    }
    countries = {option.value: option.count for option in facets["country"].options}
    assert countries == {"CA": 34, "US": 2}  # a facet ignores its own choice
    assert "Use ended (16)" in response.content.decode()


def test_an_agency_with_two_uses_of_a_vendor_counts_once(client, seeded):
    vendor = Vendor.objects.get(slug="clearview-ai")
    agency = f.make_agency(name="Twice Police", country="CA", subdivision="CA-ON")
    for _ in range(2):
        f.make_use(agency=agency, product=vendor.products.first(), status="reported")
    customers = (
        Use.objects.public().filter(product__vendor=vendor).values("agency").distinct().count()
    )
    response = client.get("/agencies/", {"vendor": "clearview-ai", "country": "CA"})
    facets = {facet.name: facet for facet in response.context["facets"]}
    vendors = {option.value: option.count for option in facets["vendor"].options}
    countries = {option.value: option.count for option in facets["country"].options}
    assert (
        vendors["clearview-ai"]
        == Agency.objects.filter(country="CA", uses__product__vendor=vendor).distinct().count()
    )
    assert sum(countries.values()) == customers
    listed = client.get("/agencies/", {"vendor": "clearview-ai", "country": "CA", "q": "twice"})
    assert agency_names(listed) == ["Twice Police"]  # once, though it has two uses


@pytest.mark.parametrize(
    "query",
    [
        {"status": "not-a-status"},
        {"country": "Canada!"},
        {"subdivision": "<script>"},
        {"kind": "x" * 500},
        {"vendor": "no-such-vendor"},
        {"sort": "password"},
        {"page": "abc"},
        {"page": "99999"},
        {"page": "-1"},
        {"q": "toronto" * 1000},  # 7,000 characters: an address over 8,000 is a 414
    ],
)
def test_bad_query_values_are_ignored_not_errors(client, seeded, query):
    response = client.get("/agencies/", query)
    assert response.status_code == 200
    assert response.context["page"].object_list is not None


def test_a_page_past_the_end_shows_the_last_page(client, seeded):
    response = client.get("/agencies/", {"page": "99"})
    assert response.context["page"].number == response.context["page"].paginator.num_pages


def test_a_very_long_query_is_cut_not_refused(client, seeded):
    # Up to the address limit (tracker/middleware.py; tests/test_fuzz.py tests past it).
    response = client.get("/search/", {"q": "toronto" * 1000})
    assert response.status_code == 200
    assert len(response.context["query"]) == 200


@pytest.mark.parametrize(
    "url",
    [
        "/agencies/no-such-agency/",
        "/vendors/no-such-vendor/",
        "/incidents/no-such-incident/",
        "/actions/no-such-action/",
        "/sources/no-such-source/",
    ],
)
def test_a_missing_record_is_a_friendly_404(client, seeded, url):
    response = client.get(url)
    assert response.status_code == 404
    assert b"There is no record at this address" in response.content


@pytest.mark.parametrize(
    "url", ["/actions/?kind=bogus&state=bogus&authority=nobody", "/incidents/?kind=bogus&page=x"]
)
def test_other_lists_ignore_bad_filters(client, seeded, url):
    assert client.get(url).status_code == 200


def test_pages_refuse_post(client, seeded):
    assert client.post("/agencies/").status_code == 405


def test_the_500_page_is_in_the_site_design(client):
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Something went wrong" in html and "site.css" in html


def test_toronto_page_explains_its_status_and_cites_sources(client, seeded):
    html = client.get("/agencies/toronto-police-service/").content.decode()
    toronto = Agency.objects.get(slug="toronto-police-service")
    assert toronto.status_summary in html
    assert "Why" in html
    assert 'datetime="2019-10"' in html and "Oct 2019" in html  # month precision, not a made-up day
    assert "/sources/ctv-2020-02-26-clearview-breach/" in html


def test_timeline_is_newest_first_and_filters_by_kind(client, seeded):
    response = client.get("/agencies/toronto-police-service/")
    dated = [event.date for event in response.context["timeline"] if event.date]
    assert dated == sorted(dated, reverse=True)
    actions = client.get("/agencies/toronto-police-service/", {"kind": "action"}).context[
        "timeline"
    ]
    assert actions and {event.kind for event in actions} == {"action"}
    everything = client.get("/agencies/toronto-police-service/", {"kind": "bogus"}).context[
        "timeline"
    ]
    assert len(everything) > len(actions)


def test_source_page_lists_what_it_supports(client, seeded):
    source = Source.objects.get(slug="ctv-2020-02-26-clearview-breach")
    html = client.get(source.get_absolute_url()).content.decode()
    assert html.count("<blockquote>") == source.citations.exclude(quote="").count()
    assert "(inferred)" in html


def test_vendor_page_lists_customers_with_statuses(client, seeded):
    response = client.get("/vendors/clearview-ai/")
    customers = {use.agency.name for use in response.context["customers"].object_list}
    assert customers == set(Use.objects.values_list("agency__name", flat=True))


def test_search_groups_results_by_kind(client, seeded):
    results = client.get("/search/", {"q": "Toronto"}).context["results"]
    assert [agency.slug for agency in results["agencies"]] == ["toronto-police-service"]
    assert results["quotes"]
    reports = [c for same in results["quotes"] for c in same.reports]
    assert all("toronto" in (c.quote + c.claim).lower() for c in reports)
    # The same words of the same person are one result, however many sources report them.
    said = [(same.first.speaker_id, same.first.quote) for same in results["quotes"]]
    assert len(said) == len(set(said))
    assert all(
        len({(c.speaker_id, c.quote) for c in same.reports}) == 1 for same in results["quotes"]
    )
    # Each result names the records it backs and lists each source once; claims stand apart.
    for found in results["quotes"] + results["claims"]:
        assert len(found.sources) == len({source.pk for source in found.sources})
        assert found.records and all(r is not None for r in found.records)
    assert all(not found.first.quote for found in results["claims"])
    assert client.get("/search/").context["results"] == {}


def test_dashboard_counts_and_chart(client, seeded):
    response = client.get("/")
    assert response.context["total"] == Agency.objects.count()
    html = response.content.decode()
    assert "<svg" in html and "Events per year" in html
    labels = [bar.label for bar in response.context["bars"]]
    # Six years of events, 2019 to 2024 (the Ontario IPC's guidance), are counted by the year.
    assert labels[0] == "2019" and labels[-1] == "2024"
    open_actions = RegulatoryAction.objects.filter(state="open").count()
    assert len(response.context["open_actions"]) == min(open_actions, 10)
    assert Incident.objects.exists() and Citation.objects.exists()


def test_every_page_forbids_inline_code_and_other_origins(client, seeded, admin_client):
    policy = client.get("/agencies/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert client.get("/agencies/no-such-agency/")["Content-Security-Policy"] == policy
    # Admin too: Django's admin templates need no inline code (a browser test drives them).
    assert admin_client.get("/admin/")["Content-Security-Policy"] == policy


def test_powerful_browser_features_are_refused(client, seeded):
    response = client.get("/")
    refused = response["Permissions-Policy"]
    assert "camera=()" in refused and "geolocation=()" in refused and "microphone=()" in refused
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_places_read_as_names_not_codes(client, seeded):
    page = client.get("/agencies/").content.decode()
    assert ">Ontario (16)</option>" in page
    assert ">United States (2)</option>" in page
    assert "<td>Toronto, Ontario</td>" in client.get("/agencies/?q=toronto").content.decode()
    dashboard = client.get("/").content.decode()
    assert '?subdivision=CA-ON">Ontario</a>' in dashboard


def test_the_chart_labels_each_month_and_the_year_where_it_changes():
    bars = charts.chart_bars([("Dec 2019", 1), ("Jan 2020", 4), ("Feb 2020", 2)])
    assert [(bar.tick, bar.subtick) for bar in bars] == [
        ("Dec", "2019"),
        ("Jan", "2020"),
        ("Feb", ""),
    ]
    assert [bar.height for bar in bars] == [15.0, 60.0, 30.0]  # the tallest fills the chart
    yearly = charts.chart_bars([("2019", 0), ("2020", 3)])
    assert [(bar.tick, bar.subtick, bar.height) for bar in yearly] == [
        ("2019", "", 0.0),
        ("2020", "", 60.0),
    ]


def test_a_long_timeline_is_paged_newest_first(client, seeded):
    agency = f.make_agency(name="Busy Police", slug="busy-police")
    for day in range(1, 61):
        incident = f.make_incident(disclosed_on=datetime.date(2021, 1, 1) + datetime.timedelta(day))
        incident.agencies.add(agency)
    first = client.get("/agencies/busy-police/")
    assert len(first.context["timeline"].object_list) == 50
    assert "Showing 1–50 of 60 events." in first.content.decode()
    second = client.get("/agencies/busy-police/", {"page": "2"}, headers=HX)
    dates = [event.date.value for event in second.context["timeline"].object_list]
    assert len(dates) == 10
    assert dates == sorted(dates, reverse=True)
    assert max(dates) < min(e.date.value for e in first.context["timeline"].object_list)
    assert 'hx-target="#timeline" hx-swap="outerHTML"' in first.content.decode()


def test_a_timeline_page_shows_the_citations_of_its_own_events(client, seeded):
    agency = f.make_agency(name="Busy Police", slug="busy-police")
    source = f.make_source()
    for day in range(1, 61):
        incident = f.make_incident(disclosed_on=datetime.date(2021, 1, 1) + datetime.timedelta(day))
        incident.agencies.add(agency)
        f.make_citation(source=source, incident=incident, quote=f"Said on day {day:02}.")
    first = client.get("/agencies/busy-police/").content.decode()
    second = client.get("/agencies/busy-police/", {"page": "2"}).content.decode()
    # Newest first: days 60 to 11 on the first page, 10 to 1 on the second.
    assert all(f"Said on day {day:02}." in first for day in range(11, 61))
    assert not any(f"Said on day {day:02}." in first for day in range(1, 11))
    assert all(f"Said on day {day:02}." in second for day in range(1, 11))


def test_a_vendor_timeline_pages_apart_from_its_customers(client, seeded):
    vendor = Vendor.objects.get(slug="clearview-ai")
    for day in range(1, 61):
        incident = f.make_incident(
            title=f"Vendor incident {day:02}",
            disclosed_on=datetime.date(2021, 1, 1) + datetime.timedelta(day),
        )
        incident.vendors.add(vendor)
    first = client.get("/vendors/clearview-ai/")
    total = first.context["timeline"].paginator.count
    assert total > 60 and len(first.context["timeline"].object_list) == 50
    assert f"Showing 1–50 of {total} events, newest first." in first.content.decode()
    assert 'href="?timeline_page=2"' in first.content.decode()

    # The timeline's page leaves the customers' page alone, and the reverse.
    later = client.get("/vendors/clearview-ai/", {"timeline_page": "2", "page": "1"})
    assert later.context["timeline"].number == 2
    assert later.context["customers"].number == 1
    assert "Vendor incident 01" in later.content.decode()

    fragment = client.get(
        "/vendors/clearview-ai/", {"timeline_page": "2"}, headers=HX | {"HX-Target": "timeline"}
    ).content.decode()
    assert fragment.lstrip().startswith('<div id="timeline"')
    assert "Agency customers" not in fragment and "Vendor incident 01" in fragment


def test_a_customer_with_no_dates_says_so(client, seeded):
    vendor = Vendor.objects.get(slug="clearview-ai")
    agency = f.make_agency(name="Undated Police")
    f.make_use(agency=agency, product=vendor.products.first(), status="reported")
    html = client.get("/vendors/clearview-ai/").content.decode()
    row = html[html.index("Undated Police") :].split("</tr>")[0]
    assert "Dates not known" in row and "?" not in row


def test_undated_records_come_last_on_every_engine(client, seeded):
    f.make_incident(title="Undated incident", disclosed_on=None, occurred_on=None)
    f.make_action(title="Undated action", opened_on=None)
    incidents = list(client.get("/incidents/", {"page": "last"}).context["page"].object_list)
    actions = list(client.get("/actions/", {"page": "last"}).context["page"].object_list)
    assert incidents[-1].title == "Undated incident"
    assert actions[-1].title == "Undated action"
    first_incident = client.get("/incidents/").context["page"].object_list[0]
    assert (
        first_incident.disclosed_on
        == Incident.objects.exclude(disclosed_on=None).latest("disclosed_on").disclosed_on
    )


def test_latest_events_include_a_use_known_only_by_when_it_began(client, seeded):
    newest = Use.objects.exclude(started_on=None).order_by("-started_on").first()
    later = datetime.date(2035, 1, 1)  # after every event of the seed, statements included
    f.make_use(
        agency=f.make_agency(name="Late Starter Police"),
        product=newest.product,
        started_on=later,
        disclosed_on=None,
    )
    titles = [event.title for event in timeline.latest_events()]
    assert titles[0].startswith("Late Starter Police began using")


def test_latest_events_date_incidents_and_actions_as_their_timelines_do(client, seeded):
    soon = datetime.date(2031, 1, 1)
    for day in range(1, 11):  # more than a page of newer openings and disclosures
        f.make_incident(disclosed_on=datetime.date(2030, 1, day))
        f.make_action(opened_on=datetime.date(2030, 1, day))
    f.make_incident(title="Happened, never disclosed", occurred_on=soon, disclosed_on=None)
    f.make_action(
        title="Long closed", state="closed", opened_on=datetime.date(2001, 1, 1), closed_on=soon
    )
    titles = [event.title for event in timeline.latest_events()][:2]
    assert sorted(titles) == ["Closed: Long closed", "Happened, never disclosed"]


def test_the_timeline_offers_only_kinds_it_has(client, seeded):
    agency = f.make_agency(name="Quiet Police", slug="quiet-police")
    f.make_incident(disclosed_on=datetime.date(2021, 1, 1)).agencies.add(agency)
    html = client.get("/agencies/quiet-police/").content.decode()
    assert "Incident (1)" in html
    assert "Regulatory action (0)" not in html and "Statement (0)" not in html
    # A kind asked for by address still shows, marked, even when it has nothing.
    chosen = client.get("/agencies/quiet-police/", {"kind": "statement"}).content.decode()
    assert 'aria-current="true">Statement (0)' in chosen


@pytest.mark.django_db
def test_a_column_left_out_of_a_query_and_read_fails_the_test(seeded):
    """tests/conftest.py: a column read after `only()` left it out would cost a query per
    record shown; the suite fails on it rather than count it, in a template's `{% if %}` too,
    which takes the exception for false."""
    agency = Agency.objects.only("name").first()
    assert agency.name
    with pytest.raises(AssertionError, match=r"Agency\.slug was left out of its query"):
        agency.get_absolute_url()
    shown = Template("{% if agency.kind == 'police' %}police{% else %}other{% endif %}")
    assert shown.render(Context({"agency": agency})) == "other"
    assert DEFERRED_READS == ["Agency.slug", "Agency.kind"]  # each would fail the test
    DEFERRED_READS.clear()


def test_the_readme_gives_the_pinned_query_counts():
    """The README's table of queries per page says what the counts above pin (each row that
    names one page by its address)."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    rows = dict(re.findall(r"^\| `(/[^`]*)` \| (\d+) \|$", readme, re.MULTILINE))
    assert len(rows) >= 6
    for url, count in rows.items():
        assert PAGES[url] == int(count), url
