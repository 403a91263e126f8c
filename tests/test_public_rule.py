"""One definition of public: a fact is shown only when it, what it belongs to (its product and
vendor, its agency) and at least one source it cites are published. Every public surface reads
the same definition, and publishing keeps it true."""

import datetime
import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from agencies.admin.versions import shown_now
from agencies.choices import AgencyStatus, Publication
from agencies.models import Agency, Citation, Use
from agencies.services import publishing

from . import factories as f
from .forms import form_data
from .test_import import upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stored_rule_kept")]

PRODUCT = "Zyxcam Recognition"
QUOTE = "Officers quietly trialled Zyxcam for months."


@pytest.fixture(params=["product", "vendor", "source"])
def draft_part(request):
    """A confirmed use by a public agency whose product, vendor or only cited source is a
    draft: (the agency, the use, the draft record that keeps the use from the public)."""
    vendor = f.make_vendor(
        name="Zyxware",
        slug="zyxware",
        publication=(request.param == "vendor" and Publication.DRAFT) or Publication.PUBLISHED,
    )
    product = f.make_product(
        vendor=vendor,
        name=PRODUCT,
        slug="zyxcam",
        publication=Publication.DRAFT if request.param == "product" else Publication.PUBLISHED,
    )
    source = f.make_source(
        title="Zyxcam report",
        slug="zyxcam-report",
        publication=Publication.DRAFT if request.param == "source" else Publication.PUBLISHED,
    )
    agency = f.make_agency(name="Quietville Police Service", slug="quietville-police")
    use = f.make_use(
        agency=agency,
        product=product,
        status="confirmed",
        started_on=datetime.date(2019, 5, 1),
        sourced=False,
    )
    f.make_citation(use=use, source=source, quote=QUOTE)
    f.edited(use)
    draft = {"product": product, "vendor": vendor, "source": source}[request.param]
    return agency, use, draft


def read(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode()


def surfaces(client, agency: Agency) -> dict[str, bool]:
    """Whether the use shows, on each public surface that could show it."""
    html = {
        url: read(client.get(url))
        for url in (
            agency.get_absolute_url(),
            "/vendors/zyxware/",
            "/search/?q=quietly+trialled",
            f"/uses/export.csv?agency={agency.slug}",
            f"{agency.get_absolute_url()}feed.atom",
        )
    }
    by_vendor = client.get("/agencies/?vendor=zyxware").context
    facets = {facet.name: facet for facet in client.get("/agencies/").context["facets"]}
    dashboard = client.get("/").context
    confirmed = {value: count for value, _, count in dashboard["statuses"]}
    api = client.get("/api/v1/uses", {"agency": agency.slug}).json()
    return {
        "agency page": PRODUCT in html[agency.get_absolute_url()],
        # An unknown vendor is ignored (and said so), not an empty list: it must be applied.
        "agency list by vendor": by_vendor["filters"].get("vendor") == "zyxware"
        and agency in by_vendor["page"].object_list,
        "vendor facet": any(o.value == "zyxware" and o.count for o in facets["vendor"].options),
        "vendor customers": agency.name in html["/vendors/zyxware/"],
        "dashboard counts": confirmed[AgencyStatus.CONFIRMED] == 1,
        "dashboard vendors": any(
            v["name"] == "Zyxware" and v["customer_count"] == 1 for v in dashboard["vendors"]
        ),
        "search": QUOTE in html["/search/?q=quietly+trialled"],
        "csv": "zyxcam" in html[f"/uses/export.csv?agency={agency.slug}"],
        "api": api["count"] == 1,
        "feed": PRODUCT in html[f"{agency.get_absolute_url()}feed.atom"],
        "stored status": Agency.objects.get(pk=agency.pk).status == AgencyStatus.CONFIRMED,
    }


def test_a_fact_is_absent_everywhere_until_what_it_rests_on_is_published(client, draft_part):
    agency, use, draft = draft_part
    assert not Use.objects.public().filter(pk=use.pk).exists()
    shown = surfaces(client, agency)
    assert not any(shown.values()), {where for where, is_shown in shown.items() if is_shown}

    assert publishing.publish(records=[draft]).done == [draft]
    shown = surfaces(client, agency)
    assert all(shown.values()), {where for where, is_shown in shown.items() if not is_shown}


def test_an_agency_citing_only_a_draft_source_is_not_public(client):
    agency = f.make_agency(sourced=False)
    f.make_citation(agency=agency, source=f.make_source(publication=Publication.DRAFT))
    assert client.get(agency.get_absolute_url()).status_code == 404
    assert agency.name not in client.get("/agencies/").content.decode()


# Publishing needs a published source: the change form, the list action and the import.


def change_url(record) -> str:
    return reverse(f"admin:agencies_{record._meta.model_name}_change", args=[record.pk])


@pytest.fixture
def draft_with_draft_source():
    agency = f.make_agency(name="Draftsource Police", publication=Publication.DRAFT, sourced=False)
    source = f.make_source(title="Unpublished notes", publication=Publication.DRAFT)
    f.make_citation(agency=agency, source=source)
    return agency


def test_the_change_form_refuses_to_publish_with_only_a_draft_source(
    admin_client, draft_with_draft_source
):
    agency = draft_with_draft_source
    page = admin_client.get(change_url(agency)).content.decode()
    data = form_data(page, "agency_form") | {"publication": "published"}
    response = admin_client.post(change_url(agency), data)
    assert response.status_code == 200
    assert "cites only draft sources" in response.content.decode()
    agency.refresh_from_db()
    assert agency.publication == Publication.DRAFT


def test_the_list_action_refuses_to_publish_with_only_a_draft_source(
    admin_client, draft_with_draft_source
):
    agency = draft_with_draft_source
    response = admin_client.post(
        reverse("admin:agencies_agency_changelist"),
        {"action": "publish_selected", "_selected_action": [agency.pk], "shown_at": shown_now()},
        follow=True,
    )
    assert "Refused. agency “Draftsource Police” cites only draft sources" in (
        response.content.decode()
    )
    agency.refresh_from_db()
    assert agency.publication == Publication.DRAFT


def test_an_import_may_not_move_a_public_fact_onto_a_draft_source(admin_client):
    agency = f.make_agency(slug="imported-police")
    only = Citation.objects.get(agency=agency)
    draft = f.make_source(slug="draft-notes", publication=Publication.DRAFT)
    rows = f"id,source,quote,claim,agency\n{only.pk},draft-notes,,Supports it.,imported-police\n"
    page = upload(admin_client, "citation", "citations.csv", rows.encode()).content.decode()
    assert "only published source of agency" in page
    assert "Confirm import" not in page
    only.refresh_from_db()
    assert only.source_id != draft.pk


def test_withdrawing_the_only_source_of_a_public_fact_is_refused_and_names_it(admin_client):
    agency = f.make_agency(name="Onesource Police")
    source = Citation.objects.get(agency=agency).source
    outcome = publishing.withdraw(records=[source])
    assert outcome.done == []
    assert "only published source of agency “Onesource Police”" in outcome.refused[0]

    # The source's change form and the list action say the same.
    page = admin_client.get(change_url(source)).content.decode()
    data = form_data(page, "source_form") | {"publication": "draft"}
    response = admin_client.post(change_url(source), data)
    assert "only published source of agency “Onesource Police”" in response.content.decode()
    response = admin_client.post(
        reverse("admin:agencies_source_changelist"),
        {"action": "return_to_draft", "_selected_action": [source.pk], "shown_at": shown_now()},
        follow=True,
    )
    assert "Onesource Police" in response.content.decode()
    source.refresh_from_db()
    assert source.publication == Publication.PUBLISHED

    # With a second published source, it may go.
    f.make_citation(agency=agency, source=f.make_source())
    assert publishing.withdraw(records=[source]).done == [source]


def test_refresh_statuses_updates_the_dashboard_and_the_cached_pages(
    client, settings, seeded, django_capture_on_commit_callbacks
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    cache.clear()
    confirmed = {v: n for v, _, n in client.get("/").context["statuses"]}[AgencyStatus.CONFIRMED]
    assert client.get("/").headers["X-Cache"] == "hit"
    # A bulk write: no signal, no status derived, until the command runs.
    Use.objects.filter(agency__slug="halton-regional-police-service").update(status="confirmed")
    assert client.get("/").headers["X-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        call_command("refresh_statuses", stdout=io.StringIO())
    response = client.get("/")
    assert response.headers["X-Cache"] == "miss"
    counts = {v: n for v, _, n in response.context["statuses"]}
    assert counts[AgencyStatus.CONFIRMED] == confirmed + 1


def test_a_filter_that_matches_nothing_stays_selected_and_can_be_removed(client, seeded):
    response = client.get("/agencies/", {"status": "confirmed", "q": "toronto"})
    html = response.content.decode()
    assert response.context["page"].paginator.count == 0
    assert '<option value="confirmed" selected>Confirmed use (0)</option>' in html
    assert 'value="toronto"' in html
    removals = {r.label: r.url for r in response.context["removals"]}
    assert removals == {
        "Search agencies": "/agencies/?status=confirmed",
        "Status": "/agencies/?q=toronto",
    }
    for url in removals.values():
        assert f'href="{url}"' in html
    # Each removal widens the view to something.
    assert client.get(removals["Status"]).context["page"].paginator.count >= 1

    api = client.get("/api/v1/agencies", {"status": "confirmed", "q": "toronto"}).json()
    assert api["count"] == 0
    assert api["filters"] == {"status": "confirmed", "q": "toronto", "sort": "name"}


def test_an_edit_in_admin_derives_the_statuses_it_touches(admin_client):
    """Statuses follow an editor's save through services.edits, not signals: ending a use in
    its change form ends the agency's status, and moving it to another agency moves both."""
    agency, other = f.make_agency(), f.make_agency()
    use = f.make_use(agency=agency, status="confirmed", started_on=datetime.date(2019, 10, 1))
    assert Agency.objects.get(pk=agency.pk).status == AgencyStatus.CONFIRMED
    page = admin_client.get(change_url(use)).content.decode()
    data = form_data(page, "use_form") | {"ended_on": "2020-02-05", "agency": str(other.pk)}
    assert admin_client.post(change_url(use), data).status_code == 302
    assert Agency.objects.get(pk=agency.pk).status == AgencyStatus.NO_KNOWN_USE
    assert Agency.objects.get(pk=other.pk).status == AgencyStatus.ENDED


def test_a_parent_body_is_named_only_when_it_is_public(client):
    parent = f.make_agency(name="Unsourced Ministry", slug="unsourced-ministry", sourced=False)
    child = f.make_agency(parent=parent, slug="child-police")
    assert "Unsourced Ministry" not in client.get(child.get_absolute_url()).content.decode()
    assert client.get(f"/api/v1/agencies/{child.slug}").json()["parent"] is None
    f.make_citation(agency=parent)
    assert "Unsourced Ministry" in client.get(child.get_absolute_url()).content.decode()
    items = client.get("/api/v1/agencies", {"page_size": 200}).json()["items"]
    assert [item["parent"] for item in items if item["slug"] == child.slug] == [parent.slug]


def test_restoring_a_version_in_admin_derives_the_status_again(admin_client):
    """A restored version is saved without inlines (simple-history): the status still follows."""
    agency = f.make_agency()
    use = f.make_use(agency=agency, status="confirmed")
    first = use.history.earliest()
    use.ended_on = datetime.date(2020, 2, 5)
    f.edited(use)
    assert Agency.objects.get(pk=agency.pk).status == AgencyStatus.ENDED
    url = reverse("admin:agencies_use_simple_history", args=[use.pk, first.history_id])
    data = form_data(admin_client.get(url).content.decode(), "historicaluse_form")
    assert admin_client.post(url, data).status_code == 302
    use.refresh_from_db()
    assert use.ended_on is None
    assert Agency.objects.get(pk=agency.pk).status == AgencyStatus.CONFIRMED
