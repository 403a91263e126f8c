"""Every admin page opens for a superuser, with real records in it, and errors read plainly."""

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib import admin
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.models import Agency, Contradiction, StatusChange, Use

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stored_rule_kept")]

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def editor_client(client, django_user_model, seeded):
    from django.contrib.auth.models import Group

    Group.objects.create(name="Reviewers")  # so the group change page has a record to open
    user = django_user_model.objects.create_superuser(
        "editor", "editor@example.org", "correct horse"
    )
    # The sign-in tables are not seed data: one row each, as signing in would write.
    AccessAttempt.objects.create(username="someone", ip_address="192.0.2.1", failures_since_start=1)
    AccessLog.objects.create(username="editor", ip_address="192.0.2.1")
    TOTPDevice.objects.create(user=user, name="Authenticator")
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_changelist_add_and_change_pages_open(editor_client, model):
    assert editor_client.get(admin_url(model, "changelist")).status_code == 200
    assert editor_client.get(admin_url(model, "changelist"), {"q": "Toronto"}).status_code == 200
    # A status change is kept by the status rule, a sign-in by django-axes: no add form, a view.
    derived = model in (StatusChange, Contradiction, AccessAttempt, AccessLog)
    assert editor_client.get(admin_url(model, "add")).status_code == (403 if derived else 200)
    record = model.objects.first()
    assert record is not None, f"the seed data has no {model._meta.verbose_name}"
    assert editor_client.get(admin_url(model, "change", record.pk)).status_code == 200


def test_every_domain_model_is_in_admin():
    from django.apps import apps

    domain = {
        model
        for model in apps.get_app_config("agencies").get_models()
        # Not edited on their own: an action's authorities (inline), derived summaries, history.
        if model.__name__ not in ("ActionAuthority", "Summary")
        and not model.__name__.startswith("Historical")
    }
    assert domain <= set(admin.site._registry)


def test_status_is_shown_but_not_editable(editor_client):
    toronto = Agency.objects.get(slug="toronto-police-service")
    page = editor_client.get(admin_url(Agency, "change", toronto.pk)).content.decode()
    assert toronto.status_summary in page
    assert 'name="status"' not in page


def test_an_end_before_the_start_is_refused_with_a_plain_message(editor_client):
    use = Use.objects.filter(started_on__isnull=False).first()
    response = editor_client.post(
        admin_url(Use, "change", use.pk),
        {
            "agency": use.agency_id,
            "product": use.product_id,
            "status": use.status,
            "authorisation": use.authorisation,
            "summary": use.summary,
            "started_on": "2020-02-05",
            "started_on_precision": "day",
            "ended_on": "2019-10-01",
            "ended_on_precision": "day",
            "disclosed_on": "",
            "disclosed_on_precision": "day",
            "citations-TOTAL_FORMS": "0",
            "citations-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "The end date cannot be before the start date." in response.content.decode()
    use.refresh_from_db()
    assert use.ended_on is None or use.ended_on >= use.started_on


def test_view_on_site_links_to_the_public_page(editor_client):
    toronto = Agency.objects.get(slug="toronto-police-service")
    page = editor_client.get(admin_url(Agency, "change", toronto.pk)).content.decode()
    assert "View on site" in page


def test_a_draft_links_to_its_preview_not_to_a_missing_page(editor_client):
    toronto = Agency.objects.get(slug="toronto-police-service")
    toronto.publication = "draft"
    toronto.save()
    page = editor_client.get(admin_url(Agency, "change", toronto.pk)).content.decode()
    assert 'href="/agencies/toronto-police-service/?preview"' in page
