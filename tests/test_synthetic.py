"""The synthetic data set for load tests: deterministic, sized as asked, marked, and refused
beside real records unless that is said explicitly."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from agencies.models import (
    PUBLISHABLE_MODELS,
    Agency,
    Citation,
    Incident,
    Product,
    RegulatoryAction,
    Use,
    Vendor,
)
from agencies.synthetic import Sizes, generate

pytestmark = pytest.mark.django_db

SMALL = Sizes(
    agencies=300, vendors=6, big_vendor_customers=120, facts=3000, heavy_agency_facts=60, sources=40
)


def snapshot() -> list:
    return [
        list(Agency.objects.order_by("slug").values_list("slug", "name", "status", "subdivision")),
        list(
            Use.objects.order_by("agency__slug", "product__slug", "started_on").values_list(
                "agency__slug", "product__slug", "status", "started_on", "started_on_precision"
            )
        ),
        list(
            Citation.objects.order_by("quote", "source__slug").values_list("quote", "source__slug")
        ),
    ]


def delete_everything() -> None:
    for model in (Citation, Use, RegulatoryAction, Incident, Product, *PUBLISHABLE_MODELS):
        model.objects.all().delete()


def test_the_same_seed_gives_the_same_data_and_another_seed_does_not():
    generate(SMALL, seed=7)
    first = snapshot()
    delete_everything()
    generate(SMALL, seed=7)
    assert snapshot() == first
    delete_everything()
    generate(SMALL, seed=8)
    assert snapshot() != first


def test_sizes_are_as_asked_and_everything_is_marked_synthetic():
    counts = generate(SMALL, seed=1)
    assert Agency.objects.count() == counts["agencies"] == 300
    assert counts["facts"] == 3000
    assert (
        Use.objects.count()
        + Incident.objects.count()
        + RegulatoryAction.objects.count()
        + (Citation.objects.count())
        == 3000
    )
    big = (
        Vendor.objects.annotate(customers=Count("products__uses__agency", distinct=True))
        .order_by("-customers")
        .first()
    )
    assert big.customers >= 120
    heavy = Agency.objects.get(slug="synthetic-agency-00000")
    heavy_facts = heavy.uses.count() + heavy.incidents.count() + heavy.actions.count()
    assert heavy_facts == 60
    for model in (*PUBLISHABLE_MODELS, Citation):
        assert not model.objects.filter(synthetic=False).exists(), model
    # Statuses come from the site's rule, not left at the default.
    assert Agency.objects.exclude(status="no_known_use").count() == 300


def test_no_synthetic_event_lies_in_the_future():
    import datetime

    from django.db.models import Max

    generate(SMALL, seed=3)
    today = datetime.date.today()
    latest = [
        *Use.objects.aggregate(Max("started_on"), Max("ended_on"), Max("disclosed_on")).values(),
        *Incident.objects.aggregate(Max("occurred_on"), Max("disclosed_on")).values(),
        *RegulatoryAction.objects.aggregate(Max("opened_on"), Max("closed_on")).values(),
    ]
    assert all(date is None or date <= today for date in latest), latest


def test_it_refuses_a_database_with_real_records_unless_told(seeded):
    real_agencies = Agency.objects.count()
    with pytest.raises(CommandError, match="holds real records"):
        call_command("generate_scale_data", "--agencies=10", stdout=io.StringIO())
    assert Agency.objects.count() == real_agencies
    call_command(
        "generate_scale_data",
        "--agencies=20",
        "--vendors=3",
        "--big-vendor-customers=5",
        "--facts=300",
        "--heavy-agency-facts=10",
        "--sources=5",
        "--allow-real-data",
        stdout=io.StringIO(),
    )
    assert Agency.objects.filter(synthetic=True).count() == 20
    assert Agency.objects.filter(synthetic=False).count() == real_agencies
