"""A timeline paged in the database (agencies/selectors/timeline_pages.py) holds the same
events, in the same order, as the whole timeline built in Python from every record, which is
how the pages were built before: the reference here."""

import datetime
from itertools import chain

import pytest
from django.db.models import Prefetch, Q

from agencies import stored_public_rule
from agencies.choices import TimelineKind
from agencies.models import Agency, RegulatoryAction, Statement, Use, Vendor
from agencies.selectors import records, timeline, timeline_pages
from tests import factories as f

pytestmark = pytest.mark.django_db


def whole_agency_timeline(agency: Agency) -> list:
    """Every event, from every public record of the agency, in Python."""
    agency = Agency.objects.prefetch_related(
        Prefetch("uses", queryset=Use.objects.public().select_related("agency", "product")),
        records.public("incidents", timeline.Incident),
        Prefetch("actions", queryset=RegulatoryAction.objects.public().with_steps()),
    ).get(pk=agency.pk)
    statements = list(
        records.statements_shown().filter(records.by_or_about(agency)).order_by("said_on", "pk")
    )
    uses, incidents, actions = agency.uses.all(), agency.incidents.all(), agency.actions.all()
    quoted = timeline.spoken_citations(
        Q(agency=agency)
        | Q(use__in=[use.pk for use in uses])
        | Q(incident__in=[incident.pk for incident in incidents])
        | Q(action__in=[action.pk for action in actions])
    )
    return timeline.sort_timeline(
        chain(
            chain.from_iterable(map(timeline.use_events, uses)),
            map(timeline.incident_event, incidents),
            chain.from_iterable(map(timeline.action_events, actions)),
            map(timeline.said_event, statements),
            timeline.statement_events(timeline.quoted_elsewhere(quoted, statements)),
        )
    )


def whole_vendor_timeline(vendor: Vendor) -> list:
    vendor = Vendor.objects.prefetch_related(
        records.public("incidents", timeline.Incident),
        Prefetch("actions", queryset=RegulatoryAction.objects.public().with_steps()),
        Prefetch("statements", queryset=records.statements_shown()),
    ).get(pk=vendor.pk)
    incidents, actions = vendor.incidents.all(), vendor.actions.all()
    statements = vendor.statements.all()
    quoted = timeline.spoken_citations(
        Q(vendor=vendor)
        | Q(incident__in=[incident.pk for incident in incidents])
        | Q(action__in=[action.pk for action in actions])
    )
    return timeline.sort_timeline(
        chain(
            map(timeline.incident_event, incidents),
            chain.from_iterable(map(timeline.action_events, actions)),
            map(timeline.said_event, statements),
            timeline.statement_events(timeline.quoted_elsewhere(quoted, statements)),
        )
    )


def told(events) -> list[tuple]:
    return [(event.key, event.title, event.date, event.detail) for event in events]


def in_pages(paged, size: int) -> list:
    """Every page of the paged timeline, one after another."""
    count = paged.count()
    return list(chain.from_iterable(paged[start : start + size] for start in range(0, count, size)))


def assert_same_as_whole(paged_of, whole: list) -> None:
    assert told(in_pages(paged_of(""), 3)) == told(whole)
    for kind in TimelineKind.values:
        paged = paged_of(kind)
        expected = [event for event in whole if event.kind == kind]
        assert paged.count() == len(expected) == paged.counts()[kind]
        assert told(in_pages(paged, 2)) == told(expected)


def test_every_seeded_agency_and_vendor_pages_as_its_whole_timeline(seeded):
    agencies = Agency.objects.public()
    assert any(len(whole_agency_timeline(agency)) > 3 for agency in agencies)
    for agency in agencies:
        assert_same_as_whole(
            lambda kind, a=agency: timeline_pages.agency_timeline(a, kind),
            whole_agency_timeline(agency),
        )
    for vendor in Vendor.objects.public():
        assert_same_as_whole(
            lambda kind, v=vendor: timeline_pages.vendor_timeline(v, kind),
            whole_vendor_timeline(vendor),
        )


def test_dates_of_every_precision_undated_events_and_ties_order_alike():
    agency = f.make_agency()
    day = datetime.date(2020, 1, 1)
    for precision in ("year", "month", "day"):  # the same first day, three precisions
        f.make_use(agency=agency, started_on=day, started_on_precision=precision)
    f.make_use(agency=agency)  # undated
    f.make_use(
        agency=agency, status="ended", started_on=day, disclosed_on=day, ended_on=day
    )  # three events on one day
    incident = f.make_incident(disclosed_on=day)
    incident.agencies.add(agency)
    opened_and_closed = f.make_action(
        opened_on=day, closed_on=datetime.date(2021, 3, 1), state="closed"
    )
    closed_the_day_it_opened = f.make_action(opened_on=day, closed_on=day, state="closed")
    undated_action = f.make_action()
    for action in (opened_and_closed, closed_the_day_it_opened, undated_action):
        action.agencies.add(agency)
    whole = whole_agency_timeline(agency)
    assert len(whole) == 3 + 1 + 3 + 1 + 2 + 1 + 1
    assert_same_as_whole(lambda kind: timeline_pages.agency_timeline(agency, kind), whole)
    assert whole[-1].date is None and whole[0].date.value == datetime.date(2021, 3, 1)


def test_a_page_costs_the_same_queries_for_ten_events_or_two_hundred(
    django_assert_max_num_queries,
):
    agency = f.make_agency()
    product = f.make_product()
    for n in range(10):
        f.make_use(agency=agency, product=product, started_on=datetime.date(2000 + n, 1, 1))
    paged = timeline_pages.agency_timeline(agency)
    with django_assert_max_num_queries(8) as few:
        first = paged[:50]
        paged.count()
    uses = [
        Use(
            agency=agency,
            product=product,
            status="reported",
            started_on=datetime.date(1900 + n % 100, 1, 1),
            publication="published",
        )
        for n in range(190)
    ]
    created = Use.objects.bulk_create(uses)
    source = f.make_source()
    timeline.Citation.objects.bulk_create(
        [timeline.Citation(source=source, use=use, claim="Synthetic.") for use in created]
    )
    stored_public_rule.store_all()  # a bulk insert sends no signal
    paged = timeline_pages.agency_timeline(agency)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(paged[:50]) == 50
        assert paged.count() == 200
    assert told(first) == told(paged[:10])  # the newest ten are still the first ten


def test_statements_are_merged_into_their_place():
    agency = f.make_agency()
    f.make_use(agency=agency, started_on=datetime.date(2019, 1, 1))
    f.make_use(agency=agency, started_on=datetime.date(2021, 1, 1))
    statement = f.make_statement(agency=agency, said_on=datetime.date(2020, 6, 1))
    assert isinstance(statement, Statement)
    paged = timeline_pages.agency_timeline(agency)
    assert [event.date.value.year for event in paged[:3]] == [2021, 2020, 2019]
    assert paged.counts()[TimelineKind.STATEMENT] == 1


def test_the_stored_order_follows_the_next_write(client):
    agency = f.make_agency()
    f.make_use(agency=agency, started_on=datetime.date(2019, 1, 1))
    assert [e.date.value.year for e in timeline_pages.agency_timeline(agency)[:5]] == [2019]
    later = f.make_use(agency=agency, started_on=datetime.date(2022, 1, 1))
    paged = timeline_pages.agency_timeline(agency)
    assert [e.date.value.year for e in paged[:5]] == [2022, 2019]
    assert paged.counts()[TimelineKind.USE] == 2
    page = client.get(agency.get_absolute_url())
    assert [e.date.value.year for e in page.context["timeline"].object_list] == [2022, 2019]
    later.publication = "draft"
    later.save()
    assert told(timeline_pages.agency_timeline(agency)[:5]) == told(whole_agency_timeline(agency))
    assert len(whole_agency_timeline(agency)) == 1


def test_a_record_deleted_after_the_order_was_read_is_left_out():
    agency = f.make_agency()
    kept = f.make_use(agency=agency, started_on=datetime.date(2019, 1, 1))
    gone = f.make_use(agency=agency, started_on=datetime.date(2020, 1, 1))
    paged = timeline_pages.agency_timeline(agency)
    stored = paged.stored()  # read before another request's delete commits
    Use.objects.filter(pk=gone.pk).delete()
    assert [event.links_to for event in timeline_pages.load(stored.order, stored.quotes)] == [kept]


def test_an_agency_page_lists_the_statements_by_or_about_it_or_its_uses_oldest_first(client):
    agency = f.make_agency()
    use = f.make_use(agency=agency)
    vendor = use.product.vendor
    by_it = f.make_statement(agency=agency, said_on=datetime.date(2021, 1, 1))
    about_it = f.make_statement(vendor=vendor, about_agency=agency)  # 1 Feb 2020
    about_its_use = f.make_statement(
        vendor=vendor, about_use=use, said_on=datetime.date(2022, 1, 1)
    )
    f.make_statement(agency=f.make_agency())  # another agency's
    f.make_statement(agency=agency, publication="draft")

    page = client.get(agency.get_absolute_url())
    assert page.context["statements"] == [about_it, by_it, about_its_use]
    # The statements the timeline holds are the ones listed, on every kind of its page.
    actions = client.get(agency.get_absolute_url(), {"kind": TimelineKind.ACTION})
    assert actions.context["statements"] == [about_it, by_it, about_its_use]
    assert client.get(f.make_agency().get_absolute_url()).context["statements"] == []


def test_an_agency_pages_vendors_and_authorities_follow_each_write(client):
    agency = f.make_agency()
    f.make_use(agency=agency, product=f.make_product(vendor=f.make_vendor(name="Zeta Vision")))
    action = f.make_action()
    action.agencies.add(agency)
    action.participants.create(authority=f.make_authority(name="Privacy Board"), role="lead")
    f.make_use(product=f.make_product(vendor=f.make_vendor(name="Another agency's vendor")))

    def named(key: str) -> list[str]:
        return [record.name for record in client.get(agency.get_absolute_url()).context[key]]

    assert named("vendors") == ["Zeta Vision"]
    assert named("authorities") == ["Privacy Board"]
    f.make_use(agency=agency, product=f.make_product(vendor=f.make_vendor(name="Acme Faces")))
    action.participants.create(authority=f.make_authority(name="Data Commissioner"), role="lead")
    hidden = f.make_action(publication="draft")
    hidden.agencies.add(agency)
    hidden.participants.create(authority=f.make_authority(name="Unseen Office"), role="lead")
    assert named("vendors") == ["Acme Faces", "Zeta Vision"]
    assert named("authorities") == ["Data Commissioner", "Privacy Board"]
