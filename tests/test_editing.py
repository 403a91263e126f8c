"""What editors meet in admin: dates typed as a newsroom writes them, a use recorded with all
its facts from its agency's page, a state for review between draft and published, one review
queue, and a preview of a draft's public page."""

import datetime

import pytest
from django.urls import reverse

from agencies.admin.dates import PreciseDatesForm
from agencies.choices import DatePrecision
from agencies.dates import ACCEPTED_FORMS, parse_typed
from agencies.models import Use

from . import factories as f
from .forms import form_data

pytestmark = pytest.mark.django_db


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
