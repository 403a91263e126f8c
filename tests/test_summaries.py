"""Site-wide figures kept in the summary table: the same as a fresh count, recomputed after
every write whichever way it is made, and never kept when computed across a write."""

import datetime

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from agencies import summaries as summaries_module
from agencies.choices import AgencyStatus, Publication
from agencies.models import Agency, Summary, Vendor
from agencies.selectors import facets as facet_selectors
from agencies.selectors import lists
from agencies.services import publishing
from agencies.summaries import records_summary, stored_count, summaries

from . import factories as f
from .test_views import count_queries

pytestmark = pytest.mark.django_db


def confirmed_agencies(client) -> int:
    statuses = client.get("/").context["statuses"]
    return next(count for value, _, count in statuses if value == AgencyStatus.CONFIRMED)


def test_the_dashboard_counts_a_new_agency_on_the_next_visit(client, seeded):
    before = confirmed_agencies(client)
    assert confirmed_agencies(client) == before  # the second visit reads the stored figure
    f.make_use(agency=f.make_agency(name="Newtown Police"), status="confirmed")
    assert confirmed_agencies(client) == before + 1


def test_unpublishing_a_vendor_leaves_its_customers_off_the_dashboard(client, seeded):
    assert "/vendors/clearview-ai/" in [v["url"] for v in client.get("/").context["vendors"]]
    clearview = Vendor.objects.get(slug="clearview-ai")
    clearview.publication = Publication.DRAFT
    clearview.save()
    assert "/vendors/clearview-ai/" not in [v["url"] for v in client.get("/").context["vendors"]]


def test_a_write_costs_one_recount_then_none(client, seeded):
    client.get("/")
    stored = count_queries(client, "/")
    Agency.objects.filter(slug="toronto-police-service").get().save()
    recount = count_queries(client, "/")
    # Statuses, places, vendors, four event counts, and the write of the new figures; and the
    # latest events (twelve queries) and the open actions (one), kept in the cache.
    assert recount == stored + 8 + 12 + 1
    assert count_queries(client, "/") == stored


def test_the_latest_events_are_read_again_after_a_write(client, seeded):
    before = client.get("/").context["latest_events"]
    assert client.get("/").context["latest_events"] == before  # kept, not read again
    use = f.make_use(started_on=datetime.date.today())
    latest = client.get("/").context["latest_events"]
    assert latest[0].links_to == use
    assert latest[1:] == before[:-1]


def test_stored_facets_are_the_facets_a_fresh_count_gives(client, seeded):
    client.get("/agencies/")
    stored = client.get("/agencies/").context["facets"]
    vendor_names = dict(Vendor.objects.published().values_list("slug", "name"))
    for facet in stored:
        fresh = facet_selectors.facet_counts(facet.name, {})
        assert [(o.value, o.count) for o in facet.options] == sorted(
            fresh,
            key=lambda row: lists.STATUS_ORDER.get(row[0], 99) if facet.name == "status" else 0,
        )
        assert all(o.label for o in facet.options)
    assert {o.value for o in stored[-1].options} <= set(vendor_names)


def test_a_filtered_facet_is_counted_once_a_write_and_its_own_counts_are_stored(client, seeded):
    client.get("/agencies/?status=ended")
    facets = {
        facet.name: facet for facet in client.get("/agencies/?status=ended").context["facets"]
    }
    # Choosing a status leaves the status facet's own counts site-wide: stored.
    assert Summary.objects.filter(key="facet:status").exists()
    ended = {o.value: o.count for o in facets["country"].options}
    assert ended == dict(facet_selectors.facet_counts("country", {"status": "ended"}))
    # The other facets' counts, under the status chosen, are kept too: the view's other pages
    # and sorts count nothing more.
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/agencies/?status=ended&sort=-name").context["facets"]
    assert not [q for q in queries if "COUNT(" in q["sql"] and "GROUP BY" in q["sql"]]
    assert [(o.value, o.count) for o in again[1].options] == [
        (o.value, o.count) for o in facets["country"].options
    ]


def test_a_filtered_views_counts_follow_the_next_write(client, seeded):
    url = "/agencies/?status=ended&country=CA"

    def kinds() -> dict[str, int]:
        facet = next(x for x in client.get(url).context["facets"] if x.name == "kind")
        return {o.value: o.count for o in facet.options}

    before = kinds()
    assert kinds() == before
    newtown = f.make_agency(name="Newtown Police", country="CA", kind="municipal_police")
    f.make_use(agency=newtown, status="ended")
    assert Agency.objects.get(pk=newtown.pk).status == AgencyStatus.ENDED
    assert kinds() == before | {"municipal_police": before.get("municipal_police", 0) + 1}
    assert kinds() == dict(
        facet_selectors.facet_counts("kind", {"status": "ended", "country": "CA"})
    )


def test_a_figure_computed_while_a_write_commits_is_recomputed(seeded):
    def count_during_a_write():
        # Another request's write lands while this one counts.
        Agency.objects.filter(slug="toronto-police-service").get().save()
        return "counted before the write"

    assert summaries(figure=count_during_a_write) == {"figure": "counted before the write"}
    assert summaries(figure=lambda: "counted after") == {"figure": "counted after"}
    assert summaries(figure=lambda: "not needed") == {"figure": "counted after"}


def test_a_draft_leaves_the_stored_figures_alone_until_published(client, seeded):
    before = confirmed_agencies(client)
    draft = f.make_agency(name="Draft Police", publication=Publication.DRAFT)
    f.make_use(agency=draft, status="confirmed")
    assert confirmed_agencies(client) == before
    draft = Agency.objects.get(pk=draft.pk)  # with the status its published use gave it
    draft.publication = Publication.PUBLISHED
    draft.save()
    assert confirmed_agencies(client) == before + 1


def test_what_one_release_kept_is_not_read_by_the_next(client, seeded, monkeypatch):
    """The latest events are pickled records: a release whose classes differ must not unpickle
    the last one's, though no write has moved the generation since."""
    client.get("/")
    kept = count_queries(client, "/")
    monkeypatch.setattr(summaries_module, "code_version", lambda: "the-next-release")
    # The latest events (twelve queries) and the open actions (one), read again; the stored
    # figures (JSON data, not pickled objects) are not.
    assert count_queries(client, "/") == kept + 12 + 1
    assert count_queries(client, "/") == kept


def test_a_worker_reads_a_kept_figure_from_the_shared_cache_once_a_write(seeded, monkeypatch):
    from django.core.cache import cache

    reads = []
    get_or_set = cache.get_or_set
    monkeypatch.setattr(
        cache, "get_or_set", lambda *a, **k: reads.append(a[0]) or get_or_set(*a, **k)
    )
    assert records_summary("figure", lambda: ["first"]) == ["first"]
    assert records_summary("figure", lambda: ["not needed"]) == ["first"]
    assert len(reads) == 1  # the second read is the worker's own
    Agency.objects.filter(slug="toronto-police-service").get().save()
    assert records_summary("figure", lambda: ["after the write"]) == ["after the write"]
    assert len(reads) == 2
    # The worker keeps the latest few; one it let go is read from the shared cache again.
    for n in range(summaries_module.KEPT_IN_WORKER):
        records_summary(f"other-{n}", lambda: [])
    reads.clear()
    assert records_summary("figure", lambda: ["not needed"]) == ["after the write"]
    assert len(reads) == 1


def test_a_vendors_customers_are_sorted_once_then_follow_every_write(client):
    product = f.make_product()
    first = f.make_use(product=product, agency=f.make_agency(name="Beta Police"))
    url = product.vendor.get_absolute_url()
    assert [use.pk for use in client.get(url).context["customers"]] == [first.pk]
    second = f.make_use(product=product, agency=f.make_agency(name="Alpha Police"))
    assert [use.pk for use in client.get(url).context["customers"]] == [second.pk, first.pk]
    publishing.withdraw(records=[second])
    assert [use.pk for use in client.get(url).context["customers"]] == [first.pk]


def test_a_lists_count_is_counted_once_a_write_and_follows_the_next(client, seeded):
    url = "/agencies/?country=CA"

    def counted() -> tuple[int, int]:
        """The list's total, and how many COUNT queries the visit ran."""
        with CaptureQueriesContext(connection) as queries:
            total = client.get(url).context["page"].paginator.count
        return total, sum("COUNT(" in query["sql"].upper() for query in queries)

    before, _ = counted()
    assert counted() == (before, 0)  # stored: the facets and the list count nothing
    second_page = client.get("/agencies/", {"country": "CA", "page": 2}).context["page"]
    assert second_page.number == 2 and second_page.paginator.count == before
    f.make_agency(name="Newtown Police", country="CA")
    assert counted()[0] == before + 1 == Agency.objects.public().filter(country="CA").count()
    assert client.get("/api/v1/agencies", {"country": "CA"}).json()["count"] == before + 1


def test_the_api_counts_each_filtered_list_apart(client, seeded):
    every = client.get("/api/v1/citations").json()["count"]
    toronto = client.get("/api/v1/citations", {"agency": "toronto-police-service"}).json()
    assert 0 < toronto["count"] < every
    assert every == lists.citation_list({}).count()


def test_a_list_that_can_match_nothing_counts_none(client, seeded):
    # A search of no words is a filter the database is never asked: Django refuses to compile it.
    answer = client.get("/api/v1/agencies", {"q": "!!"})
    assert answer.status_code == 200
    assert answer.json()["count"] == 0 and answer.json()["items"] == []


def test_a_request_reads_the_generation_once_and_again_after_its_own_write(rf, seeded):
    def generation_reads(queries) -> int:
        return sum("agencies_summary" in query["sql"] for query in queries)

    def view(request):
        with CaptureQueriesContext(connection) as queries:
            records_summary("one", lambda: 1)
            records_summary("two", lambda: 2)
            summaries(records={"three": lambda: 3})
        assert generation_reads(queries) == 1  # the first figure's read serves the page
        Agency.objects.filter(slug="toronto-police-service").get().save()  # moves it
        with CaptureQueriesContext(connection) as queries:
            assert records_summary("one", lambda: "after the write") == "after the write"
        assert generation_reads(queries) == 1
        return "answered"

    middleware = summaries_module.OneGenerationPerRequestMiddleware(view)
    assert middleware(rf.get("/")) == "answered"
    # Outside a request, every read asks the database: a long-running command sees each write.
    with CaptureQueriesContext(connection) as queries:
        records_summary("one", lambda: 1)
        records_summary("two", lambda: 2)
    assert generation_reads(queries) == 2


def test_the_vendor_filter_offers_a_vendor_renamed_since_the_last_visit(client, seeded):
    def offered(url="/agencies/") -> dict[str, str]:
        facet = next(facet for facet in client.get(url).context["facets"] if facet.name == "vendor")
        return {option.value: option.label for option in facet.options}

    named = Vendor.objects.get(slug="clearview-ai").name
    assert offered()["clearview-ai"] == named
    clearview = Vendor.objects.get(slug="clearview-ai")
    clearview.name = "Clearview (renamed)"
    clearview.save()
    assert offered()["clearview-ai"] == "Clearview (renamed)"
    assert offered("/agencies/?vendor=clearview-ai")["clearview-ai"] == "Clearview (renamed)"


def test_lists_that_differ_only_in_what_they_select_distinct_count_apart(db):
    """A stored count is keyed by the SQL of the list's ids, save where what a list selects is
    what it counts: distinct rows of different columns are different counts."""
    agency, product = f.make_agency(), f.make_product()
    f.make_use(agency=agency, product=product)
    f.make_use(agency=agency, product=product)
    by_use = Agency.objects.annotate(used=F("uses__id")).distinct()
    by_product = Agency.objects.annotate(used=F("uses__product_id")).distinct()
    assert (stored_count(by_use), stored_count(by_product)) == (2, 1)
    names = Agency.objects.values("country").distinct()
    assert (stored_count(names), stored_count(Agency.objects.all())) == (1, 1)
