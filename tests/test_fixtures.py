"""The seed data: the first story and what followed (2020 to 2026) load into an empty database,
and every fact in it is public only because it cites a published source, with its words."""

import pytest
from django.core.management import call_command

from agencies.choices import Stance
from agencies.models import (
    CITED_FIELDS,
    ActionStep,
    Agency,
    Authority,
    Citation,
    Incident,
    Person,
    Product,
    RegulatoryAction,
    Source,
    Statement,
    Use,
    Vendor,
)
from agencies.services.seed import load_seed_data

pytestmark = pytest.mark.django_db

CITED_MODELS = [
    Agency,
    Vendor,
    Product,
    Use,
    Incident,
    RegulatoryAction,
    Authority,
    Person,
    Statement,
    ActionStep,
]
ARTICLE = "ctv-2020-02-26-clearview-breach"
# The records of the first story, all of which the CTV News article reports.
FIRST_STORY = {
    Agency: [
        "toronto-police-service",
        "peel-regional-police",
        "durham-regional-police-service",
        "halton-regional-police-service",
        "federal-bureau-of-investigation",
        "us-department-of-homeland-security",
    ],
    Vendor: ["clearview-ai"],
    Incident: ["clearview-ai-customer-list-breach"],
    RegulatoryAction: ["joint-investigation-into-clearview-ai"],
}


def test_the_seed_loads_into_an_empty_database_once(seeded):
    counts = {model: model.objects.count() for model in [*CITED_MODELS, Source, Citation]}
    assert counts[Agency] >= 25 and counts[Source] >= 40
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


@pytest.mark.parametrize("model", CITED_MODELS, ids=lambda model: model.__name__)
def test_every_seed_record_is_public_through_a_published_source(seeded, model):
    """Every statement, step and other fact loads published and cited: none is hidden for
    want of a source, so what the fixtures hold is what the public sees."""
    assert model.objects.count() == model.objects.public().count() > 0


def test_the_first_storys_records_cite_the_article_with_a_quote(seeded):
    for model, slugs in FIRST_STORY.items():
        records = model.objects.filter(slug__in=slugs)
        assert len(records) == len(slugs)
        uncited = records.exclude(citations__source__slug=ARTICLE, citations__quote__gt="")
        assert list(uncited) == []


def test_every_source_has_its_address_publisher_and_date(seeded):
    for source in Source.objects.all():
        assert source.url.startswith("https://") or source.url.startswith("http://"), source
        assert source.publisher.strip(), source
        assert source.published is not None, source
        assert not source.published_on_inferred or source.date_note, source


def test_every_citation_of_a_linked_source_quotes_it_or_says_what_it_supports(seeded):
    for citation in Citation.objects.exclude(source__url="").select_related("source"):
        assert citation.quote.strip() or citation.claim.strip(), citation.pk


def test_every_statement_and_step_is_dated_and_cited_with_a_published_source(seeded):
    for record in [*Statement.objects.all(), *ActionStep.objects.all()]:
        supporting = record.citations.filter(source__publication="published")
        assert supporting.exists(), record
        assert all(c.quote or c.claim for c in supporting), record
    assert not Statement.objects.filter(said_on_inferred=True, date_note="").exists()
    assert not ActionStep.objects.filter(dates_inferred=True, date_note="").exists()


def test_the_seed_records_the_rcmps_denial_and_its_contradiction(seeded):
    """The RCMP told reporters in January 2020 it did not use Clearview AI, then confirmed use on
    27 February 2020: the ledger flags the denial, derived from the two statements."""
    rcmp = Agency.objects.get(short_name="RCMP")
    denial = rcmp.statements.get(stance=Stance.DENIES_USE)
    assert str(denial.said) == "17 Jan 2020"
    confirmations = {
        str(c.confirmation.said) for c in denial.contradicted_by.all() if c.confirmation
    }
    assert "27 Feb 2020" in confirmations
    assert "Privacy Act contravened" in rcmp.status_summary
    assert "disputed by the agency" in rcmp.status_summary


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
    assert len(names) == Person.objects.count()  # each person once
    assert {"Tor Ekeland", "Mark Saunders", "Meaghan Gray", "Brian Beamish"} <= names
    assert Citation.objects.filter(speaker__name="Tor Ekeland", source__slug=ARTICLE).exists()


def test_statuses_are_derived_after_loading(seeded):
    assert not Agency.objects.filter(status_summary="").exists()
