"""The statement ledger: every stance recorded and shown, contradictions derived (never typed)
and flagged on both statements, and the ledger's page, CSV and API in agreement."""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse

from agencies.choices import DatePrecision, Stance
from agencies.contradictions import contradictions
from agencies.dates import PreciseDate
from agencies.models import Contradiction, Statement

from . import factories as f
from .forms import form_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stored_rule_kept")]

D = datetime.date


def flags_of(statement) -> list[Contradiction]:
    return list(
        Contradiction.objects.shown().filter(denial=statement)
        | Contradiction.objects.shown().filter(confirmation=statement)
    )


@pytest.mark.parametrize("stance", Stance.values)
def test_each_stance_is_recorded_and_shown(client, stance):
    agency = f.make_agency(name="Example Police Service")
    person = f.make_person(name="Pat Spokes", role="spokesperson")
    statement = f.make_statement(
        stance=stance, agency=agency, speaker=person, venue="told Example News"
    )
    label = Stance(stance).label
    page = client.get(statement.get_absolute_url()).content.decode()
    assert label in page and "Pat Spokes" in page and "Told Example News" in page
    assert label in client.get(f"/statements/?stance={stance}").content.decode()
    assert f"statement-{statement.pk}" in client.get(agency.get_absolute_url()).content.decode()


def test_a_denial_then_a_confirmation_is_flagged_on_both(client):
    agency = f.make_agency()
    denial = f.make_statement(agency=agency, stance=Stance.DENIES_USE, said_on=D(2020, 1, 17))
    assert flags_of(denial) == []
    confirmation = f.make_statement(
        agency=agency, stance=Stance.CONFIRMS_USE, said_on=D(2020, 2, 27)
    )
    [flag] = flags_of(denial)
    assert flag.confirmation == confirmation and flags_of(confirmation) == [flag]
    page = client.get(agency.get_absolute_url()).content.decode()
    assert "Contradicted" in page and "Contradicts" in page and "1 denial contradicted" in page
    ledger = client.get("/statements/?contradicted=yes").content.decode()
    assert f"statement-{denial.pk}" in ledger and f"statement-{confirmation.pk}" in ledger


def test_a_confirmation_alone_or_one_by_another_agency_is_not_flagged():
    agency = f.make_agency()
    confirmation = f.make_statement(agency=agency, stance=Stance.CONFIRMS_USE)
    other = f.make_statement(stance=Stance.DENIES_USE, said_on=D(2020, 1, 1))
    assert flags_of(confirmation) == [] and flags_of(other) == []


def test_a_denial_inside_the_agencys_own_use_is_flagged(client):
    agency = f.make_agency()
    use = f.make_use(
        agency=agency,
        status="trial",
        started_on=D(2019, 10, 1),
        started_on_precision=DatePrecision.MONTH,
        ended_on=D(2020, 2, 5),
    )
    denial = f.make_statement(
        agency=agency,
        stance=Stance.DENIES_USE,
        said_on=D(2020, 1, 1),
        said_on_precision=DatePrecision.MONTH,
    )
    [flag] = flags_of(denial)
    assert flag.use == use
    assert "falls inside the agency" in client.get(denial.get_absolute_url()).content.decode()
    # After the use ended, a denial is not contradicted by it.
    late = f.make_statement(agency=agency, stance=Stance.DENIES_USE, said_on=D(2020, 3, 1))
    assert flags_of(late) == []


def test_only_a_certain_order_counts():
    """A confirmation in the month a denial is known only to is not known to follow it."""

    def said(value, precision=DatePrecision.DAY, stance=Stance.DENIES_USE, pk=1):
        return type("S", (), {"said": PreciseDate(value, precision), "stance": stance, "pk": pk})

    denial = said(D(2020, 1, 1), DatePrecision.MONTH)
    same_month = said(D(2020, 1, 20), stance=Stance.CONFIRMS_USE, pk=2)
    next_month = said(D(2020, 2, 3), stance=Stance.CORRECTS_EARLIER, pk=3)
    found = contradictions([denial, same_month, next_month], [])
    assert [(c.denial.pk, c.confirmation.pk) for c in found] == [(1, 3)]


def test_contradictions_follow_edits_and_drafts():
    agency = f.make_agency()
    denial = f.make_statement(agency=agency, stance=Stance.DENIES_USE, said_on=D(2020, 1, 17))
    confirmation = f.make_statement(
        agency=agency, stance=Stance.CONFIRMS_USE, said_on=D(2020, 2, 27), publication="draft"
    )
    assert flags_of(denial) == []  # a draft says nothing yet
    confirmation.publication = "published"
    f.edited(confirmation)
    assert len(flags_of(denial)) == 1
    confirmation.stance = Stance.OTHER
    f.edited(confirmation)
    assert flags_of(denial) == []
    confirmation.stance = Stance.CONFIRMS_USE
    f.edited(confirmation)
    f.deleted(confirmation)
    assert flags_of(denial) == []


def ids_in_page(html: str) -> set[int]:
    return {
        int(n) for n in re.findall(r'<article class="statement[^"]*" id="statement-(\d+)"', html)
    }


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"stance": "denies_use"},
        {"contradicted": "yes"},
        {"contradicted": "no"},
        {"agency": "ledger-police"},
        {"speaker": "lee-speaker"},
        {"agency": "ledger-police", "contradicted": "yes", "stance": "confirms_use"},
    ],
)
def test_the_ledgers_page_csv_and_api_agree(client, query):
    agency = f.make_agency(name="Ledger Police", slug="ledger-police")
    speaker = f.make_person(name="Lee Speaker", slug="lee-speaker")
    f.make_statement(agency=agency, stance=Stance.DENIES_USE, said_on=D(2020, 1, 17))
    f.make_statement(
        agency=agency, speaker=speaker, stance=Stance.CONFIRMS_USE, said_on=D(2020, 2, 27)
    )
    f.make_statement(stance=Stance.DECLINES_COMMENT, said_on=D(2020, 2, 1))
    f.make_statement(vendor=f.make_vendor(), stance=Stance.DISPUTES_FINDING)
    page = ids_in_page(client.get("/statements/", query).content.decode())
    body = client.get("/statements/export.csv", query)
    rows = list(csv.DictReader(io.StringIO(b"".join(body.streaming_content).decode())))
    api = client.get("/api/v1/statements", query).json()
    assert page == {int(row["id"]) for row in rows} == {item["id"] for item in api["items"]}
    expected = set(Statement.objects.public().values_list("pk", flat=True))
    if query.get("stance"):
        expected &= set(
            Statement.objects.filter(stance=query["stance"]).values_list("pk", flat=True)
        )
    if query.get("contradicted"):
        flagged = set(Contradiction.objects.values_list("denial", flat=True)) | set(
            Contradiction.objects.values_list("confirmation", flat=True)
        )
        expected = expected & flagged if query["contradicted"] == "yes" else expected - flagged
    if query.get("agency"):
        expected &= set(agency.statements.values_list("pk", flat=True))
    if query.get("speaker"):
        expected &= set(speaker.statements_made.values_list("pk", flat=True))
    assert page == expected
    if query == {"contradicted": "yes"}:
        assert len(page) == 2 and all(row["contradicted"] == "True" for row in rows)


def test_an_unknown_filter_value_is_named_not_an_error(client):
    response = client.get("/statements/?agency=nobody&stance=lying")
    assert response.status_code == 200
    assert "Nothing published has this value" in response.content.decode() or "nobody" in (
        response.content.decode()
    )
    assert client.get("/api/v1/statements?stance=lying").status_code == 422
    assert client.get("/statements/999999/").status_code == 404
    assert client.get("/api/v1/statements/999999").status_code == 404


def test_a_statement_is_public_only_with_a_published_source(client):
    statement = f.make_statement(sourced=False)
    assert client.get(statement.get_absolute_url()).status_code == 404
    assert not Statement.objects.public().filter(pk=statement.pk).exists()


def test_a_reply_to_a_finding_shows_on_the_action(client):
    agency = f.make_agency(name="Replying Police")
    action = f.make_action(title="Investigation of Replying Police")
    action.agencies.add(agency)
    f.make_step(
        action=action, kind="finding", finding="Privacy Act contravened", occurred_on=D(2021, 6, 10)
    )
    reply = f.make_statement(
        agency=agency, about_action=action, stance=Stance.DISPUTES_FINDING, said_on=D(2021, 6, 10)
    )
    page = client.get(action.get_absolute_url()).content.decode()
    assert f"statement-{reply.pk}" in page and "Disputes a finding" in page
    agency.refresh_from_db()
    assert "Privacy Act contravened, found 10 Jun 2021; disputed by the agency" in (
        agency.status_summary
    )


@pytest.mark.parametrize("draft", ["source", "speaker", "agency"])
def test_a_statement_shows_nowhere_until_its_source_speaker_and_agency_are_public(client, draft):
    agency = f.make_agency(name="Hidden Police", slug="hidden-police")
    speaker = f.make_person(name="Sam Hidden", slug="sam-hidden")
    source = f.make_source(slug="hidden-report")
    statement = f.make_statement(
        agency=agency, speaker=speaker, stance=Stance.DENIES_USE, sourced=False
    )
    f.make_citation(statement=statement, source=source, quote="We never used it.")
    record = {"source": source, "speaker": speaker, "agency": agency}[draft]
    record.publication = "draft"
    record.save()
    f.edited(statement)

    def shown() -> dict[str, bool]:
        csv_body = b"".join(client.get("/statements/export.csv").streaming_content).decode()
        return {
            "ledger": "We never used it." in client.get("/statements/").content.decode(),
            "page": client.get(statement.get_absolute_url()).status_code == 200,
            "csv": "We never used it." in csv_body,
            "api": any(
                item["id"] == statement.pk
                for item in client.get("/api/v1/statements").json()["items"]
            ),
        }

    assert not any(shown().values()), shown()
    record.publication = "published"
    record.save()
    f.edited(statement)
    assert all(shown().values()), shown()


def test_an_editor_records_a_confirmation_in_admin_and_the_denial_is_flagged(admin_client):
    agency = f.make_agency()
    denial = f.make_statement(agency=agency, stance=Stance.DENIES_USE, said_on=D(2020, 1, 17))
    url = reverse("admin:agencies_statement_add")
    data = form_data(admin_client.get(url).content.decode(), "statement_form") | {
        "stance": "confirms_use",
        "agency": str(agency.pk),
        "said_on": "27 Feb 2020",
        "venue": "news release",
        "publication": "published",
        "citations-TOTAL_FORMS": "1",
        "citations-0-source": str(f.make_source().pk),
        "citations-0-quote": "We used it.",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    [flag] = flags_of(denial)
    assert flag.confirmation.venue == "news release"
    # Without any organisation or person, the form says what is missing.
    bad = data | {"agency": "", "said_on": "27 Feb 2020"}
    response = admin_client.post(url, bad)
    assert response.status_code == 200
    assert "Say who made the statement" in response.content.decode()


def test_a_statement_about_a_use_or_an_agency_names_it_everywhere_it_is_shown(client):
    """Statements are read with only what names the records they are about (records.
    STATEMENT_NAMES): every page, download and API answer that shows one about an agency's use
    or about another agency names it, with no column read afterwards (tests/conftest.py)."""
    agency = f.make_agency(name="Example Police Service", slug="example-police")
    product = f.make_product(name="FaceFinder")
    use = f.make_use(agency=agency, product=product)
    about_use = f.make_statement(
        agency=agency,
        speaker=f.make_person(name="Pat Spokes"),
        about_use=use,
        summary="Said of its use of FaceFinder.",
    )
    about_agency = f.make_statement(
        vendor=product.vendor,
        about_agency=agency,
        about_action=f.make_action(title="An inquiry into FaceFinder"),
        summary="Said of the police service.",
    )

    detail = client.get(about_use.get_absolute_url()).content.decode()
    assert "FaceFinder" in detail and "Example Police Service" in detail
    vendor_said = client.get(about_agency.get_absolute_url()).content.decode()
    assert "Example Police Service" in vendor_said and "An inquiry into FaceFinder" in vendor_said
    agency_page = client.get(agency.get_absolute_url()).content.decode()
    assert "Said of its use of FaceFinder." in agency_page
    assert "Said of the police service." in agency_page
    listed = client.get(reverse("agencies:statement_list")).content.decode()
    assert "Pat Spokes" in listed and "An inquiry into FaceFinder" in listed

    body = b"".join(client.get("/statements/export.csv").streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    api = {item["id"]: item for item in client.get("/api/v1/statements").json()["items"]}
    for said in (rows, api.values()):
        assert {row["about_agency"] for row in said} == {"example-police"}
    assert api[about_agency.pk]["about_action"] == about_agency.about_action.slug


def test_the_ledgers_choices_follow_each_write(client):
    """The agencies and people offered as filters are kept per write generation: a new
    statement adds its agency, the agency it is about and its speaker at once."""

    def offered() -> dict[str, list[str]]:
        options = client.get("/statements/").context["options"]
        return {name: [label for _, label in choices] for name, choices in options.items()}

    assert offered() == {"agency": [], "speaker": []}
    agency, about = f.make_agency(name="Bay Police"), f.make_agency(name="Alder Police")
    f.make_statement(agency=agency, about_agency=about, speaker=f.make_person(name="Kim Ray"))
    assert offered() == {"agency": ["Alder Police", "Bay Police"], "speaker": ["Kim Ray"]}
