"""The seed data: the facts of the first story load into an empty database and each is cited."""

import pytest
from django.core.management import call_command

from agencies.models import (
    CITED_FIELDS,
    Agency,
    Authority,
    Citation,
    Incident,
    Person,
    Product,
    RegulatoryAction,
    Source,
    Use,
    Vendor,
)
from agencies.services.seed import load_seed_data

pytestmark = pytest.mark.django_db

CITED_MODELS = [Agency, Vendor, Product, Use, Incident, RegulatoryAction, Authority, Person]
ARTICLE = "ctv-2020-02-26-clearview-breach"


def test_the_seed_loads_into_an_empty_database_once(seeded):
    counts = {model: model.objects.count() for model in [*CITED_MODELS, Source, Citation]}
    assert counts[Agency] == 6
    assert all(counts.values())
    assert load_seed_data() is False  # a second run loads nothing ...
    assert {
        model: model.objects.count() for model in counts
    } == counts  # ... and duplicates nothing


def test_the_seed_command_reports_what_it_did(db, capsys):
    call_command("seed")
    call_command("seed")
    out = capsys.readouterr().out
    assert "Loaded the seed data." in out
    assert "already holds agencies" in out


# Facts the article does not report: the research notes date them from reports whose words they
# do not give, so they cite those reports (a claim, no quote) and not the article.
NOT_IN_THE_ARTICLE = {
    RegulatoryAction: {
        "ipc-ontario-says-police-should-stop-clearview",
        "peel-orders-clearview-testing-stopped",
    },
}


@pytest.mark.parametrize("model", CITED_MODELS, ids=lambda model: model.__name__)
def test_every_seed_record_cites_the_article_with_a_quote(seeded, model):
    records = model.objects.all()
    if model in NOT_IN_THE_ARTICLE:
        records = records.exclude(slug__in=NOT_IN_THE_ARTICLE[model])
    uncited = records.exclude(citations__source__slug=ARTICLE, citations__quote__gt="")
    assert list(uncited) == []


def test_facts_the_article_does_not_report_cite_the_reports_that_do(seeded):
    for model, slugs in NOT_IN_THE_ARTICLE.items():
        records = model.objects.filter(slug__in=slugs)
        assert len(records) == len(slugs)
        for record in records:
            assert record.citations.exclude(source__slug=ARTICLE).exists()
            assert not record.citations.filter(source__slug=ARTICLE).exists()


def test_every_citation_supports_exactly_one_record(seeded):
    for citation in Citation.objects.all():
        assert sum(getattr(citation, f"{field}_id") is not None for field in CITED_FIELDS) == 1


def test_the_article_is_dated_and_says_the_date_is_inferred(seeded):
    article = Source.objects.get(slug=ARTICLE)
    assert article.published.isoformat() == "2020-02-26"
    assert article.published_on_inferred and article.date_note


def test_dates_the_article_does_not_give_cite_the_source_that_does(seeded):
    toronto_use = Use.objects.get(agency__slug="toronto-police-service")
    assert str(toronto_use.started) == "Oct 2019"
    other_sources = toronto_use.citations.exclude(source__slug=ARTICLE)
    assert other_sources.exists()


def test_the_people_named_in_the_article(seeded):
    names = set(Person.objects.values_list("name", flat=True))
    assert {"Tor Ekeland", "Mark Saunders", "Meaghan Gray", "Brian Beamish"} <= names
    assert Citation.objects.filter(speaker__name="Tor Ekeland", source__slug=ARTICLE).exists()


def test_statuses_are_derived_after_loading(seeded):
    assert not Agency.objects.filter(status_summary="").exists()
