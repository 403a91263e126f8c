"""What editors meet in admin: dates typed as a newsroom writes them, a use recorded with all
its facts from its agency's page, a state for review between draft and published, one review
queue, and a preview of a draft's public page."""

import datetime

import pytest
from django.urls import reverse

from agencies.admin.dates import PreciseDatesForm
from agencies.admin.versions import shown_now
from agencies.choices import DatePrecision
from agencies.dates import ACCEPTED_FORMS, parse_typed
from agencies.models import Use

from . import factories as f
from .forms import form_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stored_rule_kept")]


@pytest.mark.parametrize(
    ("typed", "day", "precision"),
    [
        ("2020-02-27", datetime.date(2020, 2, 27), DatePrecision.DAY),
        ("27/02/2020", datetime.date(2020, 2, 27), DatePrecision.DAY),
        ("27 Feb 2020", datetime.date(2020, 2, 27), DatePrecision.DAY),
        ("27 February 2020", datetime.date(2020, 2, 27), DatePrecision.DAY),
        ("February 27, 2020", datetime.date(2020, 2, 27), DatePrecision.DAY),
        ("February 2020", datetime.date(2020, 2, 1), DatePrecision.MONTH),
        ("Feb 2020", datetime.date(2020, 2, 1), DatePrecision.MONTH),
        ("2020-02", datetime.date(2020, 2, 1), DatePrecision.MONTH),
        ("2020", datetime.date(2020, 1, 1), DatePrecision.YEAR),
    ],
)
def test_a_date_is_read_as_a_newsroom_types_it(typed, day, precision):
    parsed = parse_typed(typed)
    assert (parsed.value, parsed.precision) == (day, precision)


@pytest.mark.parametrize("typed", ["31/02/2020", "Febuary 2020", "next week", "2020-13"])
def test_a_date_in_no_accepted_form_is_refused_with_the_forms_named(typed):
    class UseForm(PreciseDatesForm):
        class Meta:
            model = Use
            fields = ["started_on"]

    form = UseForm({"started_on": typed})
    assert not form.is_valid()
    assert ACCEPTED_FORMS in form.errors["started_on"][0]


def test_the_change_form_sets_the_precision_from_what_was_typed(admin_client):
    use = f.make_use(started_on=datetime.date(2019, 10, 1), started_on_precision="month")
    url = reverse("admin:agencies_use_change", args=[use.pk])
    page = admin_client.get(url).content.decode()
    assert 'value="Oct 2019"' in page  # shown as it is known, not as 2019-10-01
    assert ACCEPTED_FORMS in page
    data = form_data(page, "use_form") | {"started_on": "2019", "ended_on": "27/02/2020"}
    assert admin_client.post(url, data).status_code == 302
    use.refresh_from_db()
    assert (str(use.started), str(use.ended)) == ("2019", "27 Feb 2020")


def test_a_use_is_recorded_with_all_its_facts_from_its_agencys_page(admin_client):
    agency = f.make_agency()
    page = admin_client.get(reverse("admin:agencies_agency_change", args=[agency.pk]))
    html = page.content.decode()
    for name in ("disclosed_on", "summary", "accounts", "searches", "cost", "cost_currency"):
        assert f'name="uses-__prefix__-{name}"' in html, name


@pytest.mark.parametrize("kind", ["agency", "use", "incident", "action", "vendor", "authority"])
def test_an_editor_previews_a_draft_bannered_uncached_and_unindexed(
    client, admin_client, settings, kind
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    maker = getattr(f, f"make_{kind}")
    draft = maker(publication="review")
    url = draft.get_absolute_url()
    assert client.get(url).status_code == 404  # the public never sees it
    assert client.get(f"{url}?preview").status_code == 404  # nor by asking for a preview
    response = admin_client.get(f"{url}?preview")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>Preview.</strong>" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert response["Cache-Control"] == "no-store, private"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert client.get(url).status_code == 404  # and no cache kept the preview


def test_the_review_queue_lists_every_kind_with_what_changed_and_publishes(
    client, django_user_model, seeded
):
    from agencies.choices import Publication
    from agencies.models import Agency
    from agencies.roles import EDITORS, PUBLISHERS

    from .test_publishing import make_member

    new_agency = f.make_agency(name="Queueville Police", publication=Publication.DRAFT)
    new_use = f.make_use(agency=new_agency, publication=Publication.DRAFT)
    toronto = Agency.objects.get(slug="toronto-police-service")
    toronto.summary, toronto.publication = "A corrected summary.", Publication.REVIEW
    toronto.save()
    unsourced = f.make_incident(
        title="Unsourced incident", publication=Publication.DRAFT, sourced=False
    )

    editor = make_member(django_user_model, "eddie", EDITORS)
    client.force_login(editor)
    for model, record in (("agency", new_agency), ("use", new_use), ("incident", unsourced)):
        client.post(
            reverse(f"admin:agencies_{model}_changelist"),
            {
                "action": "mark_ready_for_review",
                "_selected_action": [record.pk],
                "shown_at": shown_now(),
            },
        )
    page = client.get("/admin/review/").content.decode()
    assert "Queueville Police" in page and "Unsourced incident" in page
    assert "New: never published." in page
    assert "A corrected summary." in page  # what changed since Toronto was last published
    assert 'name="publish"' not in page  # an editor may not publish
    client.post("/admin/review/", {"publish": [f"agency:{new_agency.pk}"], "shown_at": shown_now()})
    new_agency.refresh_from_db()
    assert new_agency.publication == Publication.REVIEW

    client.force_login(make_member(django_user_model, "pat", PUBLISHERS))
    response = client.post(
        "/admin/review/",
        {
            "publish": [
                f"agency:{new_agency.pk}",
                f"use:{new_use.pk}",
                f"incident:{unsourced.pk}",
                f"agency:{toronto.pk}",
                "agency:x",
            ],
            "shown_at": shown_now(),
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Published: Queueville Police." in html
    assert "Refused. incident “Unsourced incident” has no citation" in html
    for record, state in (
        (new_agency, "published"),
        (new_use, "published"),
        (toronto, "published"),
        (unsourced, "review"),
    ):
        record.refresh_from_db()
        assert record.publication == state
    assert "Queueville Police" in client.get("/agencies/").content.decode()
    assert "Queueville" not in client.get("/admin/review/").content.decode()
