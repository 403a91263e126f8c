"""The public rule, stored: each record's own half (published_and_sourced) and the whole rule
(is_public, on records and citations). Every write that can change them, from a save, a delete,
a citation or a source, keeps them as the rules read, in the same transaction. Modules that
write through admin, imports and services check the same after each test (the stored_rule_kept
fixture)."""

import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from agencies import stored_public_rule
from agencies.choices import Publication
from agencies.models import (
    Agency,
    Citation,
    Incident,
    Product,
    RegulatoryAction,
    Source,
    Statement,
    Use,
    Vendor,
)

from . import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stored_rule_kept")]


def stored(record) -> bool:
    return type(record).objects.values_list("published_and_sourced", flat=True).get(pk=record.pk)


def test_the_seed_data_is_stored_as_the_rule_reads(seeded):
    assert stored_public_rule.store_all() == 0
    assert Agency.objects.filter(published_and_sourced=True).count() > 30


def test_a_citation_of_a_published_source_makes_a_published_record_public():
    agency = f.make_agency(sourced=False)
    assert not stored(agency)
    citation = f.make_citation(agency=agency)
    assert stored(agency)
    assert Agency.objects.public().filter(pk=agency.pk).exists()
    citation.delete()
    assert not stored(agency)
    assert not Agency.objects.public().filter(pk=agency.pk).exists()


def test_a_citation_moved_to_another_record_moves_the_support():
    first, second = f.make_agency(sourced=False), f.make_agency(sourced=False)
    citation = f.make_citation(agency=first)
    citation.agency = second
    citation.save()
    assert (stored(first), stored(second)) == (False, True)


def test_a_citation_moved_to_a_draft_source_leaves_its_record_unsourced():
    agency = f.make_agency(sourced=False)
    citation = f.make_citation(agency=agency)
    citation.source = f.make_source(publication=Publication.DRAFT)
    citation.save()
    assert not stored(agency)


def test_a_source_published_or_withdrawn_changes_every_record_it_alone_supports():
    source = f.make_source(publication=Publication.DRAFT)
    agency, use = f.make_agency(sourced=False), f.make_use(sourced=False)
    f.make_citation(agency=agency, source=source)
    f.make_citation(use=use, source=source)
    assert not stored(agency) and not stored(use)
    source.publication = Publication.PUBLISHED
    source.save()
    assert stored(agency) and stored(use) and stored(source)
    source.publication = Publication.DRAFT
    source.save()
    assert not stored(agency) and not stored(use) and not stored(source)


def test_a_withdrawn_record_is_not_public_even_with_its_sources():
    agency = f.make_agency()
    assert stored(agency)
    agency.publication = Publication.DRAFT
    agency.save()
    assert not stored(agency)


def test_a_record_is_public_only_with_what_it_belongs_to():
    use = f.make_use()
    assert Use.objects.public().filter(pk=use.pk).exists()
    use.agency.publication = Publication.DRAFT
    use.agency.save()
    assert stored(use)  # its own half holds; the agency's does not
    assert not Use.objects.public().filter(pk=use.pk).exists()


def public_as_stored(record) -> bool:
    return type(record).objects.values_list("is_public", flat=True).get(pk=record.pk)


def test_a_vendor_withdrawn_takes_its_products_uses_and_their_citations_with_it():
    use = f.make_use()
    citation = use.citations.get()
    product, vendor = use.product, use.product.vendor
    assert all(map(public_as_stored, (vendor, product, use))) and public_as_stored(citation)
    vendor.publication = Publication.DRAFT
    vendor.save()
    assert not any(map(public_as_stored, (vendor, product, use)))
    assert not public_as_stored(citation)
    assert stored(product) and stored(use)  # their own halves hold
    vendor.publication = Publication.PUBLISHED
    vendor.save()
    assert all(map(public_as_stored, (vendor, product, use))) and public_as_stored(citation)


def test_a_use_moved_to_a_draft_agency_leaves_the_public_with_its_citations():
    use = f.make_use()
    use.agency = f.make_agency(publication=Publication.DRAFT)
    use.save()
    assert not public_as_stored(use)
    assert not Citation.objects.public().filter(use=use).exists()


def test_a_speaker_withdrawn_takes_their_quotes_and_statements_with_them():
    statement = f.make_statement(speaker=f.make_person())
    quote = f.make_citation(agency=f.make_agency(), speaker=statement.speaker)
    assert public_as_stored(statement) and public_as_stored(quote)
    statement.speaker.publication = Publication.DRAFT
    statement.speaker.save()
    assert not public_as_stored(statement) and not public_as_stored(quote)
    assert public_as_stored(quote.agency)


def test_deleting_what_a_statement_is_about_lets_it_be_public_again():
    # The statement's action is a draft, so it is not public; deleting the action empties the
    # relation (SET_NULL) without a save of the statement.
    action = f.make_action(publication=Publication.DRAFT)
    statement = f.make_statement(about_action=action)
    assert not public_as_stored(statement)
    action.delete()
    statement.refresh_from_db()
    assert statement.about_action is None
    assert public_as_stored(statement)
    assert Statement.objects.public().filter(pk=statement.pk).exists()


def test_the_rows_a_rule_reads_are_read_off_the_rule_itself():
    assert stored_public_rule.rule_paths(Use) == {
        ("agency__", Agency),
        ("product__", Product),
        ("product__vendor__", Vendor),
    }
    # A citation reads its record's stored flag: it is decided after it, through its readers.
    assert ("use__", Use) in stored_public_rule.rule_paths(Citation)
    assert ("use__product__vendor__", Vendor) not in stored_public_rule.rule_paths(Citation)
    assert stored_public_rule.emptied_on_delete() == {RegulatoryAction}


def test_a_stale_flag_is_found_and_mended_by_store_all():
    agency = f.make_agency()
    Agency.objects.filter(pk=agency.pk).update(published_and_sourced=False)  # no signal
    assert stored_public_rule.store_all() == 1
    assert stored(agency)
    Agency.objects.filter(pk=agency.pk).update(is_public=False)
    assert stored_public_rule.store_all() == 1
    assert public_as_stored(agency)


def test_the_rows_written_are_stored_in_batches_and_no_others(monkeypatch):
    """A write names its rows by id, in batches of what the engine takes, rather than as a
    subquery PostgreSQL would join the whole table against."""
    agencies = [f.make_agency() for _ in range(5)]
    untouched = f.make_agency()
    every = [*agencies, untouched]
    Agency.objects.filter(pk__in=[a.pk for a in every]).update(is_public=False)  # no signal
    monkeypatch.setattr(connection.features, "max_query_params", 2)
    written = Agency.objects.filter(pk__in=[a.pk for a in agencies])
    assert written.store_public() == 5
    assert all(public_as_stored(agency) for agency in agencies)
    assert not public_as_stored(untouched)
    Agency.objects.filter(pk=untouched.pk).update(is_public=True)  # as the rule reads


def test_generated_data_is_stored_as_the_rule_reads():
    call_command(
        "generate_scale_data",
        "--agencies=30",
        "--vendors=3",
        "--facts=200",
        "--sources=10",
        "--agency-facts=2,5",
        "--vendor-customers=2,4",
        verbosity=0,
    )
    assert stored_public_rule.store_all() == 0
    for model in (Agency, Vendor, Product, Use, Incident, RegulatoryAction, Source):
        assert model.objects.filter(published_and_sourced=True).exists(), model
    assert Citation.objects.public().exists() and Source.objects.public().exists()


def lock_waits() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database()"
        )
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers whole")
@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(60)
def test_a_citation_added_while_its_source_is_being_published_waits_and_counts():
    """Neither write sees the other's uncommitted half: the source's publisher does not see
    the new citation, and the citation's editor would see the source still a draft. The
    citation's write waits for the source's row, and the record ends public."""
    source = f.make_source(publication=Publication.DRAFT)
    agency = f.make_agency(sourced=False)
    holding, release = threading.Event(), threading.Event()

    def publish() -> None:
        try:
            with transaction.atomic():
                source.publication = Publication.PUBLISHED
                source.save()
                holding.set()
                release.wait(timeout=15)  # not committed yet
        finally:
            connection.close()

    def cite() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '15s'")
            f.make_citation(agency=agency, source=source)
        finally:
            connection.close()

    publishing = threading.Thread(target=publish)
    publishing.start()
    assert holding.wait(timeout=15)
    citing = threading.Thread(target=cite)
    citing.start()
    deadline = time.monotonic() + 5
    while not lock_waits() and time.monotonic() < deadline:
        time.sleep(0.05)
    waited = lock_waits()
    release.set()
    for thread in (publishing, citing):
        thread.join(timeout=30)
    assert waited == 1  # the citation's write waited for the source's publisher
    assert stored(agency)
    assert Agency.objects.public().filter(pk=agency.pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers whole")
@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(60)
def test_a_record_published_while_its_only_citation_is_deleted_ends_unsourced():
    """The publisher's write sees the citation (not yet deleted for it), the deleting editor's
    sees a draft (not yet published for them): neither alone can tell. Each writes the flag
    again once it commits, so the later one decides on what both committed."""
    agency = f.make_agency(sourced=False, publication=Publication.DRAFT)
    citation = f.make_citation(agency=agency)
    holding, release = threading.Event(), threading.Event()

    def publish() -> None:
        try:
            with transaction.atomic():
                agency.publication = Publication.PUBLISHED
                agency.save()
                holding.set()
                release.wait(timeout=15)  # not committed yet
        finally:
            connection.close()

    def delete() -> None:
        try:
            Citation.objects.get(pk=citation.pk).delete()
        finally:
            connection.close()

    publishing = threading.Thread(target=publish)
    publishing.start()
    assert holding.wait(timeout=15)
    deleting = threading.Thread(target=delete)
    deleting.start()
    deadline = time.monotonic() + 5
    while not lock_waits() and time.monotonic() < deadline:
        time.sleep(0.05)
    # The deletion has decided on the agency as it was (a draft), and now waits for the
    # publisher, whose write decided on the citation as it was (still there).
    release.set()
    for thread in (publishing, deleting):
        thread.join(timeout=30)
    assert not Citation.objects.filter(pk=citation.pk).exists()
    assert not stored(agency)
    assert not Agency.objects.public().filter(pk=agency.pk).exists()
