"""The status rule (agencies/status.py): derived from uses and actions, never typed."""

import datetime

import pytest

from agencies.choices import AgencyStatus
from agencies.models import Agency
from agencies.services import publishing
from agencies.services.statuses import touched_by

from . import factories as f

pytestmark = pytest.mark.django_db


def status_of(agency: Agency) -> tuple[str, str]:
    agency.refresh_from_db()
    return agency.status, agency.status_summary


def test_an_agency_with_no_uses_has_no_known_use():
    agency = f.make_agency()
    assert status_of(agency) == (AgencyStatus.NO_KNOWN_USE, "No known use")  # derived on save
    f.deleted(f.make_use(agency=agency, status="denied"))
    assert status_of(agency) == (AgencyStatus.NO_KNOWN_USE, "No known use")


def test_status_follows_uses_as_they_change():
    agency = f.make_agency()
    use = f.make_use(
        agency=agency,
        status="trial",
        started_on=datetime.date(2019, 10, 1),
        started_on_precision="month",
    )
    assert status_of(agency) == (
        AgencyStatus.TESTING,
        "Trial or testing, from Oct 2019, no end recorded",
    )
    use.ended_on = datetime.date(2020, 2, 5)
    f.edited(use)
    assert status_of(agency) == (AgencyStatus.ENDED, "Trial or testing, Oct 2019 – 5 Feb 2020")


def test_a_confirmed_open_use_outranks_an_ended_one():
    agency = f.make_agency()
    f.make_use(agency=agency, status="ended", ended_on=datetime.date(2019, 1, 1))
    f.make_use(agency=agency, status="confirmed")
    assert status_of(agency)[0] == AgencyStatus.CONFIRMED


def test_reported_and_denied_rank_below_any_use_the_agency_confirmed():
    agency = f.make_agency()
    f.make_use(agency=agency, status="denied")
    assert status_of(agency)[0] == AgencyStatus.DENIED
    f.make_use(agency=agency, status="reported")
    assert status_of(agency)[0] == AgencyStatus.REPORTED
    f.make_use(agency=agency, status="suspended")
    assert status_of(agency)[0] == AgencyStatus.SUSPENDED


def test_actions_about_the_agency_join_the_summary_and_leave_it():
    agency = f.make_agency()
    f.make_use(agency=agency, status="confirmed")
    review = f.make_action(kind="internal_review", state="open")
    review.agencies.add(agency)
    f.edited(review)
    assert status_of(agency)[1] == "Confirmed use, dates not known; under review"
    review.state, review.closed_on = "closed", None
    f.edited(review)
    assert status_of(agency)[1] == "Confirmed use, dates not known; reviewed"
    before = touched_by(review)
    review.agencies.remove(agency)
    f.edited(review, touched_before=before)
    assert status_of(agency)[1] == "Confirmed use, dates not known"
    review.agencies.add(agency)
    f.edited(review)
    f.deleted(review)
    assert status_of(agency)[1] == "Confirmed use, dates not known"


def test_guidance_is_a_reason_but_not_part_of_the_summary():
    from agencies.status import derive_status

    agency = f.make_agency()
    f.make_use(agency=agency, status="confirmed")
    guidance = f.make_action(kind="guidance")
    agency.actions.add(guidance)  # the reverse side of the relation updates too
    assert status_of(agency)[1] == "Confirmed use, dates not known"
    derived = derive_status(agency.uses.all(), agency.actions.all())
    assert any(guidance.title in reason for reason in derived.reasons)


# The seed records: the article's three Ontario services, as the rule reads them.


def test_toronto_status_from_the_seed_data(seeded):
    toronto = Agency.objects.get(slug="toronto-police-service")
    assert toronto.status == AgencyStatus.ENDED
    # The review's latest step, its finding, and the chief's report accepting it, name it.
    assert toronto.status_summary == (
        "Trial or testing (not authorised), Oct 2019 – 5 Feb 2020; ordered stopped; "
        "Clearview AI used in 84 investigations without approval, found 28 Feb 2022; "
        "accepted by the agency"
    )


def test_peel_status_from_the_seed_data(seeded):
    peel = Agency.objects.get(slug="peel-regional-police")
    assert peel.status == AgencyStatus.ENDED
    assert peel.status_summary == "Trial or testing, until 27 Jan 2020; ordered stopped"


def test_halton_status_from_the_seed_data(seeded):
    halton = Agency.objects.get(slug="halton-regional-police-service")
    # Its chief said it would not use the tool again: ended, on a date no source gives.
    assert halton.status == AgencyStatus.ENDED
    assert halton.status_summary == "Ended, from Oct 2019, end date not known"


def test_an_undated_action_sorts_after_dated_ones():
    agency = f.make_agency()
    f.make_use(agency=agency, status="confirmed")
    agency.actions.add(f.make_action(kind="order", state="closed"))
    agency.actions.add(f.make_action(kind="investigation", opened_on=datetime.date(2020, 2, 21)))
    f.edited(agency)
    assert (
        status_of(agency)[1]
        == "Confirmed use, dates not known; under investigation; ordered stopped"
    )


def test_a_use_of_an_unpublished_vendor_leaves_the_status_until_the_vendor_is_published(client):
    """The stored status, which lists and the dashboard show, follows public facts only: the
    same the agency's own page derives its status from."""
    vendor = f.make_vendor(publication="draft")
    agency = f.make_agency()
    f.make_use(agency=agency, product=f.make_product(vendor=vendor), status="confirmed")
    assert status_of(agency)[0] == AgencyStatus.NO_KNOWN_USE
    page = client.get(agency.get_absolute_url()).context["agency"]
    assert page.status == AgencyStatus.NO_KNOWN_USE

    assert publishing.publish(records=[vendor]).done == [vendor]
    assert status_of(agency)[0] == AgencyStatus.CONFIRMED
    assert publishing.withdraw(records=[vendor]).done == [vendor]
    assert status_of(agency)[0] == AgencyStatus.NO_KNOWN_USE


def test_a_draft_product_counts_only_once_published():
    product = f.make_product(publication="draft")
    agency = f.make_agency()
    f.make_use(agency=agency, product=product, status="confirmed")
    assert status_of(agency)[0] == AgencyStatus.NO_KNOWN_USE
    publishing.publish(records=[product])
    assert status_of(agency)[0] == AgencyStatus.CONFIRMED


def test_saving_an_agency_loaded_before_its_use_changed_keeps_the_derived_status():
    agency = f.make_agency()
    stale = Agency.objects.get(pk=agency.pk)  # an editor's form, opened before the use was added
    f.make_use(agency=agency, status="confirmed")
    stale.summary = "An edited summary."
    f.edited(stale)
    assert status_of(agency)[0] == AgencyStatus.CONFIRMED


def test_why_names_the_use_that_decides_the_status_as_stored(client):
    agency = f.make_agency()
    confirmed = f.make_use(agency=agency, status="confirmed", started_on=datetime.date(2019, 1, 1))
    f.make_use(agency=agency, status="suspended", started_on=datetime.date(2021, 1, 1))
    html = client.get(agency.get_absolute_url()).content.decode()
    why = html[html.index("<h3>Why</h3>") : html.index("one published rule")]
    # Though the suspension is newer, the confirmed use decides: the stored status says so.
    assert f'Decided by <a href="{confirmed.get_absolute_url()}">the use of' in why
    assert "(confirmed use)" in why


def test_why_counts_the_timeline_events_it_is_derived_from(client):
    agency = f.make_agency()
    for year in range(2000, 2012):
        f.make_use(agency=agency, status="ended", started_on=datetime.date(year, 1, 1))
    html = client.get(agency.get_absolute_url()).content.decode()
    why = html[html.index("<h3>Why</h3>") : html.index("one published rule")]
    assert '<a href="?kind=use#timeline-heading">12 use events</a>' in why
    assert "0 regulatory action events" in why
