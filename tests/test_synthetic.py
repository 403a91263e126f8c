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
    StatusChange,
    Use,
    Vendor,
)
from agencies.synthetic import Sizes, agency_slug, generate, vendor_slug

pytestmark = pytest.mark.django_db

# The vendor ladder's top rung is more than twice the agencies: several products an agency.
SMALL = Sizes(
    agencies=300,
    vendors=6,
    facts=3000,
    sources=40,
    agency_facts=(5, 20, 60),
    vendor_customers=(10, 120, 700),
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
    for model in (*PUBLISHABLE_MODELS, Citation):
        assert not model.objects.filter(synthetic=False).exists(), model
    # Statuses come from the site's rule, not left at the default, each kept as a change.
    assert Agency.objects.exclude(status="no_known_use").count() == 300
    changes = StatusChange.objects.values_list("agency__status", "from_status", "to_status")
    assert counts["status changes"] == len(changes) == 300
    assert all(before == "no_known_use" and after == now for now, before, after in changes)


def test_the_ladders_hold_the_stated_facts_and_customers():
    """Counted as the pages count: an agency's public uses, incidents and actions; a vendor's
    public uses of its products (the vendor page's customer list)."""
    generate(SMALL, seed=2)
    for facts in SMALL.agency_facts:
        agency = Agency.objects.get(slug=agency_slug(facts))
        public = (
            Use.objects.public().filter(agency=agency).count()
            + Incident.objects.public().filter(agencies=agency).count()
            + RegulatoryAction.objects.public().filter(agencies=agency).count()
        )
        assert public == facts, agency.slug
    for customers in SMALL.vendor_customers:
        vendor = Vendor.objects.get(slug=vendor_slug(customers))
        assert Use.objects.public().filter(product__vendor=vendor).count() == customers
    # 700 over 297 agencies: three products, every agency using two or three of them.
    top = Vendor.objects.get(slug=vendor_slug(700))
    assert Product.objects.filter(vendor=top).count() == 3
    per_agency = set(
        Use.objects.filter(product__vendor=top)
        .values("agency")
        .annotate(n=Count("pk"))
        .values_list("n", flat=True)
    )
    assert per_agency == {2, 3}
    # Every agency has a use; the ladder agencies none of a ladder vendor's products.
    assert not Agency.objects.filter(uses__isnull=True).exists()
    assert not Use.objects.filter(
        agency__slug__startswith="synthetic-agency-facts-",
        product__vendor__slug__startswith="synthetic-vendor-customers-",
    ).exists()


def test_sizes_refuse_a_ladder_that_cannot_be_built():
    with pytest.raises(ValueError, match="distinct"):
        Sizes(agency_facts=(50, 50))
    with pytest.raises(ValueError, match="vendors"):
        Sizes(vendors=3)


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
        "--vendors=4",
        "--vendor-customers=5,30",
        "--facts=300",
        "--agency-facts=3,10",
        "--sources=5",
        "--allow-real-data",
        stdout=io.StringIO(),
    )
    assert Agency.objects.filter(synthetic=True).count() == 20
    assert Agency.objects.filter(synthetic=False).count() == real_agencies
    assert Agency.objects.filter(slug__in=[agency_slug(3), agency_slug(10)]).count() == 2
    assert Vendor.objects.filter(slug__in=[vendor_slug(5), vendor_slug(30)]).count() == 2
