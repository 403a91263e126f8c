"""Review, then publish: drafts stay private everywhere, publishing needs a citation, roles hold,
and every change is kept in a history that can be read and restored."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from agencies.admin.versions import shown_now
from agencies.choices import Publication
from agencies.models import Agency, Citation, Source
from agencies.roles import EDITORS, PUBLISHERS
from agencies.services.publishing import NEEDS_SOURCE as NEEDS_CITATION

from . import factories as f
from .forms import form_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stored_rule_kept")]

DRAFT_NAME = "Draftshire Constabulary"


def change_url(record) -> str:
    return reverse(f"admin:agencies_{record._meta.model_name}_change", args=[record.pk])


@pytest.fixture
def draft_agency(seeded):
    """A draft agency with a cited, dated use: everything a public surface could show."""
    agency = f.make_agency(
        name=DRAFT_NAME, slug="draftshire-constabulary", publication=Publication.DRAFT
    )
    source = Source.objects.get(slug="ctv-2020-02-26-clearview-breach")
    f.make_citation(agency=agency, source=source, quote="Draftshire quote")
    use = f.make_use(agency=agency, disclosed_on="2030-01-01", product=f.make_product())
    f.make_citation(use=use, source=source, quote="Draftshire use quote")
    return agency


PUBLIC_SURFACES = [
    "/agencies/",
    "/agencies/?q=draftshire",
    "/search/?q=draftshire",
    "/agencies/export.csv",
    "/uses/export.csv",
    "/citations/export.csv",
    "/api/v1/agencies?q=draftshire",
    "/api/v1/citations?agency=draftshire-constabulary",
    "/feeds/events.atom",
    "/changes/",
    "/",
]


DRAFT_RECORD_URLS = [
    "/agencies/draftshire-constabulary/",
    "/agencies/draftshire-constabulary/history/",
    "/agencies/draftshire-constabulary/feed.atom",
    "/api/v1/agencies/draftshire-constabulary",
]


def page_text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode()


def test_a_draft_is_on_no_public_surface_until_published(client, draft_agency):
    for url in PUBLIC_SURFACES:
        assert DRAFT_NAME not in page_text(client, url), url
    for url in DRAFT_RECORD_URLS:
        assert client.get(url).status_code == 404, url

    draft_agency.publication = Publication.PUBLISHED
    draft_agency.save()

    for url in PUBLIC_SURFACES:
        if url == "/":  # the dashboard shows counts, not names
            continue
        assert DRAFT_NAME in page_text(client, url), url
    for url in DRAFT_RECORD_URLS:
        assert client.get(url).status_code == 200, url


def test_a_draft_use_does_not_change_the_public_status(seeded):
    halton = Agency.objects.get(slug="halton-regional-police-service")
    before = (halton.status, halton.status_summary)
    f.make_use(agency=halton, status="confirmed", publication=Publication.DRAFT)
    halton.refresh_from_db()
    assert (halton.status, halton.status_summary) == before


def test_the_roles_exist_after_migrate_with_the_right_permissions():
    editors = set(Group.objects.get(name=EDITORS).permissions.values_list("codename", flat=True))
    publishers = set(
        Group.objects.get(name=PUBLISHERS).permissions.values_list("codename", flat=True)
    )
    assert {"add_agency", "change_agency", "add_citation"} <= editors
    assert not {"publish_agency", "delete_agency"} & editors
    assert {"publish_agency", "publish_use", "delete_agency"} <= publishers
    assert editors < publishers
    assert not any(codename.endswith("historicalagency") for codename in publishers)


def test_grant_role_makes_a_user_staff_in_the_group(django_user_model):
    user = django_user_model.objects.create_user("riley", password="correct horse battery")
    call_command("grant_role", "riley", "publisher", stdout=io.StringIO())
    user.refresh_from_db()
    assert user.is_staff
    assert user.groups.filter(name=PUBLISHERS).exists()


def test_grant_role_creates_the_user_when_asked(django_user_model, monkeypatch):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--create"):
        call_command("grant_role", "sam", "editor", stdout=io.StringIO())
    monkeypatch.setenv("TRACKER_PASSWORD", "a long enough passphrase")
    out = io.StringIO()
    call_command("grant_role", "sam", "editor", "--create", stdout=out)
    assert "sam is now an editor." in out.getvalue()
    user = django_user_model.objects.get(username="sam")
    assert user.is_staff and user.check_password("a long enough passphrase")
    assert user.groups.filter(name=EDITORS).exists()
    assert not user.is_superuser

    monkeypatch.setenv("TRACKER_PASSWORD", "short")
    with pytest.raises(CommandError, match="too short"):
        call_command("grant_role", "kim", "editor", "--create", stdout=io.StringIO())
    assert not django_user_model.objects.filter(username="kim").exists()


def make_member(django_user_model, username: str, group: str):
    user = django_user_model.objects.create_user(username, password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def test_an_editor_cannot_publish_even_by_posting_the_field(
    client, django_user_model, draft_agency
):
    client.force_login(make_member(django_user_model, "eddie", EDITORS))
    page = client.get(change_url(draft_agency)).content.decode()
    # An editor may mark a draft ready for review, never published.
    assert '<option value="review">Ready for review</option>' in page
    assert '<option value="published"' not in page
    data = form_data(page, "agency_form") | {"publication": "published"}
    response = client.post(change_url(draft_agency), data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    draft_agency.refresh_from_db()
    assert draft_agency.publication == Publication.DRAFT

    response = client.post(change_url(draft_agency), data | {"publication": "review"})
    assert response.status_code == 302
    draft_agency.refresh_from_db()
    assert draft_agency.publication == Publication.REVIEW
    assert client.get(draft_agency.get_absolute_url()).status_code == 404  # still not public


def test_an_editor_may_send_a_published_record_back_for_review(client, django_user_model, seeded):
    client.force_login(make_member(django_user_model, "eddie", EDITORS))
    toronto = Agency.objects.get(slug="toronto-police-service")
    page = client.get(change_url(toronto)).content.decode()
    assert '<option value="published" selected>Published</option>' in page
    assert '<option value="review"' in page
    assert '<option value="draft"' not in page  # withdrawing is a publisher's


def test_publishing_without_a_citation_is_refused_with_a_reason(client, django_user_model, seeded):
    uncited = f.make_agency(name="Uncited Police", publication=Publication.DRAFT, sourced=False)
    client.force_login(make_member(django_user_model, "pat", PUBLISHERS))
    page = client.get(change_url(uncited)).content.decode()
    data = form_data(page, "agency_form") | {"publication": "published", "name": "Uncited Police"}
    response = client.post(change_url(uncited), data)
    assert response.status_code == 200
    assert NEEDS_CITATION in response.content.decode()
    uncited.refresh_from_db()
    assert uncited.publication == Publication.DRAFT

    # The list action refuses it too, and says why.
    changelist = reverse("admin:agencies_agency_changelist")
    response = client.post(
        changelist,
        {"action": "publish_selected", "_selected_action": [uncited.pk], "shown_at": shown_now()},
        follow=True,
    )
    assert "Refused. agency “Uncited Police” has no citation" in response.content.decode()
    uncited.refresh_from_db()
    assert uncited.publication == Publication.DRAFT


def test_a_publisher_publishes_a_cited_draft_from_the_list(client, django_user_model, draft_agency):
    client.force_login(make_member(django_user_model, "pat", PUBLISHERS))
    client.post(
        reverse("admin:agencies_agency_changelist"),
        {
            "action": "publish_selected",
            "_selected_action": [draft_agency.pk],
            "shown_at": shown_now(),
        },
    )
    draft_agency.refresh_from_db()
    assert draft_agency.publication == Publication.PUBLISHED
    assert draft_agency.published_at is not None


def test_a_change_through_admin_is_in_the_history_and_in_recent_changes(admin_client, seeded):
    peel = Agency.objects.get(slug="peel-regional-police")
    versions_before = peel.history.count()
    data = form_data(admin_client.get(change_url(peel)).content.decode(), "agency_form")
    data["summary"] = "Corrected summary of Peel's use."
    assert admin_client.post(change_url(peel), data).status_code == 302

    assert peel.history.count() == versions_before + 1
    assert peel.history.first().history_user.username == "admin"  # kept privately

    admin_history = admin_client.get(
        reverse("admin:agencies_agency_history", args=[peel.pk])
    ).content.decode()
    assert "Corrected summary of Peel" in admin_history  # what changed, in admin

    public = admin_client.get("/agencies/peel-regional-police/history/").content.decode()
    assert "Corrected summary of Peel&#x27;s use." in public
    assert "admin" not in public.split("<main", 1)[1]  # no editor's name on the public page

    changes = admin_client.get("/changes/").content.decode()
    assert changes.index("Peel Regional Police") < changes.index("Toronto Police Service")


def test_an_old_version_can_be_restored_from_admin(admin_client, seeded):
    peel = Agency.objects.get(slug="peel-regional-police")
    original = peel.summary
    peel.summary = "A mistaken summary."
    peel.save()
    old = peel.history.order_by("history_date").first()
    revert_url = reverse("admin:agencies_agency_simple_history", args=[peel.pk, old.history_id])
    page = admin_client.get(revert_url).content.decode()
    response = admin_client.post(revert_url, form_data(page, "historicalagency_form"))
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    peel.refresh_from_db()
    assert peel.summary == original
    assert peel.history.count() == 3  # seeded, mistaken, restored: the mistake stays on record


def test_citations_are_hidden_while_their_source_is_a_draft(client, seeded):
    source = f.make_source(title="A draft source", publication=Publication.DRAFT)
    toronto = Agency.objects.get(slug="toronto-police-service")
    Citation.objects.create(source=source, agency=toronto, quote="Unreviewed words")
    assert "Unreviewed words" not in page_text(client, "/agencies/toronto-police-service/")
    assert "Unreviewed words" not in page_text(client, "/search/?q=unreviewed")
    assert client.get(f"/sources/{source.slug}/").status_code == 404
