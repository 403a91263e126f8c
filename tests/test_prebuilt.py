"""Querysets built once per process and cloned for each read (agencies/prebuilt.py): a clone
never carries another read's results, filters or rows, and a related manager still reads its
own record's rows."""

from __future__ import annotations

import pytest

from agencies.models import Agency, Citation
from agencies.prebuilt import built_once
from agencies.selectors import records

from . import factories as f

pytestmark = pytest.mark.django_db


def test_each_call_is_a_fresh_clone_that_sees_rows_written_since():
    first = Agency.objects.public()
    assert first is not Agency.objects.public()
    before = list(first)
    added = f.make_agency(name="Harbour Police")
    assert added not in before
    assert added in Agency.objects.public()
    assert list(first) == before  # the first clone keeps its own results, and only they do


def test_what_a_read_chains_on_its_clone_is_not_in_the_next():
    kept = f.make_agency(name="Kept")
    f.make_agency(name="Filtered out")
    narrowed = Agency.objects.public().filter(name="Kept")
    assert list(narrowed) == [kept]
    assert Agency.objects.public().count() == 2
    statements = records.statements_shown().filter(pk=-1)
    assert not statements and "-1" not in str(records.statements_shown().query)


def test_drafts_stay_out_of_the_public_shape_and_in_the_preview_one():
    draft = f.make_agency(publication="draft")
    assert draft not in records.agency_detail_queryset()
    assert draft in records.agency_detail_queryset(drafts=True)


def test_a_related_manager_reads_its_own_records_rows():
    source = f.make_source()
    mine = f.make_citation(source=source, agency=f.make_agency())
    f.make_citation(agency=f.make_agency())  # another source's
    assert list(source.citations.public()) == [mine]
    assert Citation.objects.public().count() > 1


def test_a_shape_is_built_once_for_the_same_arguments():
    built = []

    @built_once
    def shape(*, drafts: bool = False):
        built.append(drafts)
        return Agency.objects.all() if drafts else Agency.objects.public()

    shape(), shape(), shape(drafts=True), shape(drafts=True)
    assert built == [False, True]
