"""Every database constraint rejects the record that breaks it, on SQLite and PostgreSQL."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from agencies.models import Agency, Citation, Use

from . import factories as f

pytestmark = pytest.mark.django_db

OCT_2019 = datetime.date(2019, 10, 1)
FEB_2020 = datetime.date(2020, 2, 5)


def rejected(build) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        build()


def test_slugs_are_unique_for_every_kind_of_record():
    for make in (
        f.make_agency,
        f.make_vendor,
        f.make_incident,
        f.make_authority,
        f.make_action,
        f.make_person,
        f.make_source,
    ):
        make(slug="same-slug")
        rejected(lambda make=make: make(slug="same-slug"))
    f.make_product(slug="same-product")
    rejected(lambda: f.make_product(slug="same-product"))


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (f.make_agency, "kind"),
        (f.make_incident, "kind"),
        (f.make_authority, "kind"),
        (f.make_action, "kind"),
        (f.make_action, "state"),
        (f.make_use, "status"),
        (f.make_use, "authorisation"),
        (f.make_use, "started_on_precision"),
        (f.make_use, "ended_on_precision"),
        (f.make_use, "disclosed_on_precision"),
        (f.make_incident, "occurred_on_precision"),
        (f.make_incident, "disclosed_on_precision"),
        (f.make_action, "opened_on_precision"),
        (f.make_action, "closed_on_precision"),
        (f.make_source, "kind"),
        (f.make_source, "published_on_precision"),
    ],
)
def test_choices_are_guarded_by_the_database(make, field):
    # Short enough to fit every column, so the check constraint is what refuses it.
    rejected(lambda: make(**{field: "bad"}))


def test_agency_status_is_guarded():
    agency = f.make_agency()
    rejected(lambda: Agency.objects.filter(pk=agency.pk).update(status="made-up"))


def test_subdivision_must_be_in_the_country():
    f.make_agency(country="CA", subdivision="CA-ON")
    f.make_agency(country="US", subdivision="")
    rejected(lambda: f.make_agency(country="US", subdivision="CA-ON"))


def test_agency_cannot_be_its_own_parent():
    agency = f.make_agency()
    rejected(lambda: Agency.objects.filter(pk=agency.pk).update(parent=agency))


def test_use_cannot_end_before_it_starts():
    f.make_use(started_on=OCT_2019, ended_on=FEB_2020)
    rejected(lambda: f.make_use(started_on=FEB_2020, ended_on=OCT_2019))


@pytest.mark.parametrize("field", ["accounts", "searches"])
def test_use_counts_are_never_negative(field):
    f.make_use(**{field: 0})
    rejected(lambda: f.make_use(**{field: -1}))


def test_use_cost_is_never_negative_and_has_a_currency():
    f.make_use(cost=Decimal("0.00"), cost_currency="CAD")
    rejected(lambda: f.make_use(cost=Decimal("-1.00"), cost_currency="CAD"))
    rejected(lambda: f.make_use(cost=Decimal("10.00"), cost_currency=""))


def test_incident_is_not_made_public_before_it_occurred():
    rejected(lambda: f.make_incident(occurred_on=FEB_2020, disclosed_on=OCT_2019))


def test_action_closes_after_it_opens_and_only_when_closed():
    f.make_action(state="closed", opened_on=OCT_2019, closed_on=FEB_2020)
    rejected(lambda: f.make_action(state="closed", opened_on=FEB_2020, closed_on=OCT_2019))
    rejected(lambda: f.make_action(state="open", opened_on=OCT_2019, closed_on=FEB_2020))


def test_an_authority_is_listed_once_per_action():
    action, authority = f.make_action(), f.make_authority()
    action.authorities.add(authority)
    rejected(lambda: action.participants.create(authority=authority, role="partner"))
    rejected(lambda: action.participants.create(authority=f.make_authority(), role="boss"))


def test_source_with_an_inferred_date_says_how():
    f.make_source(published_on_inferred=True, date_note="Dated by a follow-up report.")
    rejected(lambda: f.make_source(published_on_inferred=True, date_note=""))


def test_citation_supports_exactly_one_record():
    agency, vendor = f.make_agency(), f.make_vendor()
    f.make_citation(agency=agency)
    rejected(lambda: f.make_citation())
    rejected(lambda: f.make_citation(agency=agency, vendor=vendor))


def test_citation_needs_a_quote_or_a_claim():
    agency = f.make_agency()
    f.make_citation(agency=agency, quote="", claim="Dates the start to October 2019.")
    rejected(lambda: f.make_citation(agency=agency, quote="", claim=""))


def test_deleting_a_cited_source_is_refused():
    citation = f.make_citation(agency=f.make_agency())
    with pytest.raises(ProtectedError):
        citation.source.delete()
    assert Citation.objects.filter(pk=citation.pk).exists()


def test_deleting_a_product_in_use_is_refused():
    use = f.make_use()
    with pytest.raises(ProtectedError):
        use.product.delete()


def test_validation_speaks_the_editors_language():
    use = Use(agency=f.make_agency(), product=f.make_product(), status="trial")
    use.started_on, use.ended_on = FEB_2020, OCT_2019
    with pytest.raises(ValidationError) as error:
        use.full_clean()
    assert "The end date cannot be before the start date." in error.value.messages

    agency = Agency(name="X", slug="x", kind="municipal_police", country="US", subdivision="CA-ON")
    with pytest.raises(ValidationError) as error:
        agency.full_clean()
    assert any("must be in the agency's country" in message for message in error.value.messages)


def test_dates_are_stored_as_the_start_of_their_period():
    use = f.make_use(started_on=datetime.date(2019, 10, 17), started_on_precision="month")
    use.refresh_from_db()
    assert use.started_on == OCT_2019
    assert str(use.started) == "Oct 2019"
