"""What record pages say beyond their facts: how to cite them, and the sources of the record
itself (an agency's, a vendor's and its products'), read with its timeline's."""

from __future__ import annotations

import datetime

import pytest

from .factories import (
    make_agency,
    make_citation,
    make_incident,
    make_product,
    make_source,
    make_use,
    make_vendor,
)


def cite_this(client, record) -> str:
    html = client.get(record.get_absolute_url()).content.decode()
    start = html.index('<p class="cite-this">')
    return html[start : html.index("</p>", start)]


@pytest.mark.parametrize(
    ("name", "cited"),
    [
        ("Clearview AI, Inc.", "“Clearview AI, Inc.”"),
        ("Acme Vision", "“Acme Vision.”"),
    ],
)
def test_cite_this_ends_the_title_with_one_period(client, db, name, cited):
    line = cite_this(client, make_vendor(name=name))
    assert cited in line
    assert "..”" not in line


def test_cite_this_keeps_a_title_s_question_mark_alone(client, db):
    line = cite_this(client, make_incident(title="Who approved the trial?"))
    assert "“Who approved the trial?”" in line


def test_a_supplied_title_is_bracketed_never_quoted_as_a_headline(client, db):
    from .factories import make_agency, make_citation, make_source

    headline = make_source(title="Police used app", publisher="Daily Example")
    described = make_source(
        title="Report on the police's use of the app", publisher="Weekly Example"
    )
    described.title_supplied = True
    described.save()
    agency = make_agency(name="Example Police", slug="example-police")
    make_citation(source=headline, agency=agency, quote="One.")
    make_citation(source=described, agency=agency, quote="Two.")

    html = client.get("/agencies/example-police/").content.decode()
    assert "Daily Example, “Police used app”" in html
    assert "Weekly Example, [Report on the police&#x27;s use of the app]" in html
    assert "“Report on the police" not in html

    page = client.get(described.get_absolute_url()).content.decode()
    assert "<h1>[Report on the police&#x27;s use of the app]</h1>" in page
    assert "its own headline is not recorded" in page
    assert "its own headline" not in client.get(headline.get_absolute_url()).content.decode()


def test_a_fact_counts_its_sources_not_its_quotes():
    from types import SimpleNamespace

    from agencies.templatetags.pages import sources_summary

    def cited(*source_ids):
        return [SimpleNamespace(source_id=source_id) for source_id in source_ids]

    assert sources_summary(cited(1)) == "1 source"
    assert sources_summary(cited(1, 2)) == "2 sources"
    assert sources_summary(cited(1, 1, 1)) == "3 citations from 1 source"
    assert sources_summary(cited(1, 1, 2)) == "3 citations from 2 sources"


def test_a_citation_without_a_quote_or_a_link_says_so(client, seeded):
    from . import factories as f

    # Every seed source has its address now; a source an editor adds may not.
    action = f.make_action(sourced=False)
    f.make_citation(action=action, source=f.make_source(url=""), quote="", claim="The date.")
    page = client.get(action.get_absolute_url()).content.decode()
    assert "No quote recorded; the source supports: The date." in page
    assert "no link recorded" in page


def test_a_citation_shows_its_words_speaker_claim_and_source_escaped(client, seeded):
    from . import factories as f

    action = f.make_action(sourced=False)
    source = f.make_source(
        publisher="Example <News>",
        url="https://example.org/a?b=1&c=2",
        published_on=datetime.date(2020, 2, 1),
        published_on_precision="month",
        published_on_inferred=True,
        date_note="The month of the issue.",
    )
    speaker = f.make_person(name="Ann O'Neil", role="chief", organisation="X & Y Police")
    f.make_citation(
        action=action, source=source, speaker=speaker, quote="We <b>never</b> did.", claim="Use."
    )
    page = client.get(action.get_absolute_url()).content.decode()
    assert "<blockquote>“We &lt;b&gt;never&lt;/b&gt; did.”</blockquote>" in page
    assert '<p class="speaker">— Ann O&#x27;Neil, chief, X &amp; Y Police</p>' in page
    assert '<p class="claim">Supports: Use.</p>' in page
    assert (
        f'<a href="{source.get_absolute_url()}">Example &lt;News&gt;, “{source.title}”</a>, '
        'Feb 2020 (date inferred) · <a href="https://example.org/a?b=1&amp;c=2" '
        'rel="noopener external">original</a>'
    ) in page
    assert "<summary>1 source</summary>" in page
    # The source's own page: the same words, each with the record it supports, linked where
    # the record has a page (a person has none).
    f.make_citation(person=speaker, source=source, quote="", claim="Is the chief.")
    page = client.get(source.get_absolute_url()).content.decode()
    assert "<blockquote>“We &lt;b&gt;never&lt;/b&gt; did.”</blockquote>" in page
    assert '<p class="speaker">— Ann O&#x27;Neil, chief, X &amp; Y Police</p>' in page
    assert f'On: <a href="{action.get_absolute_url()}">{action.title}</a></p>' in page
    assert "On: Ann O&#x27;Neil, chief, X &amp; Y Police</p>" in page


def test_the_same_words_reported_twice_are_one_statement_citing_both(client, seeded):
    from agencies.models import Citation

    from . import factories as f

    agency = f.make_agency()
    spoken = f.make_citation(agency=agency, speaker=f.make_person(), quote="We tried it once.")
    later = f.make_source()
    Citation.objects.create(source=later, agency=agency, speaker=spoken.speaker, quote=spoken.quote)
    events = client.get(agency.get_absolute_url(), {"kind": "statement"}).context["timeline"]
    saying = [event for event in events if event.detail == spoken.quote]
    assert len(saying) == 1
    assert {c.source_id for c in saying[0].citations} >= {spoken.source_id, later.pk}


def between(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end, html.index(start))]


def test_a_vendor_page_shows_its_own_and_each_products_sources_in_their_places(client, db):
    vendor = make_vendor(summary="Sells face search to police.")
    make_citation(vendor=vendor, quote="We sell to police.")
    finder = make_product(vendor=vendor, name="FaceFind", description="Finds faces.")
    make_citation(product=finder, quote="FaceFind matches faces.")
    gallery = make_product(vendor=vendor, name="Gallery", description="Keeps photos.")
    make_citation(
        product=gallery, quote="Not yet published.", source=make_source(publication="draft")
    )
    incident = make_incident(occurred_on=datetime.date(2021, 3, 1))
    incident.vendors.add(vendor)
    make_citation(incident=incident, quote="A breach was reported.")

    html = client.get(vendor.get_absolute_url()).content.decode()
    assert "“We sell to police.”" in between(html, 'id="about-heading"', "</section>")
    assert "“FaceFind matches faces.”" in between(html, "<h3>FaceFind</h3>", "</div>")
    assert "“FaceFind matches faces.”" not in between(html, "<h3>Gallery</h3>", "</div>")
    assert "Not yet published." not in html
    assert "“A breach was reported.”" in between(html, 'class="timeline"', "</ol>")


def test_an_agency_page_shows_its_own_sources_apart_from_its_timeline(client, db):
    agency = make_agency(summary="Polices the harbour.")
    make_citation(agency=agency, quote="The harbour police began in 1901.")
    incident = make_incident(occurred_on=datetime.date(2021, 3, 1))
    incident.agencies.add(agency)
    make_citation(incident=incident, quote="Photos were searched.")

    html = client.get(agency.get_absolute_url()).content.decode()
    about = between(html, 'id="about-heading"', "</section>")
    timeline = between(html, 'class="timeline"', "</ol>")
    assert "“The harbour police began in 1901.”" in about
    assert "“The harbour police began in 1901.”" not in timeline
    assert "“Photos were searched.”" in timeline and "Photos were searched." not in about


def test_a_vendors_customers_are_rows_of_agency_product_status_and_dates(client, db):
    vendor = make_vendor()
    empty = client.get(vendor.get_absolute_url()).content.decode()
    assert '<tr><td colspan="4">No customers recorded.</td></tr>' in empty
    product = make_product(vendor=vendor, name="Face & Co")
    use = make_use(
        agency=make_agency(name="Harbour <Police>"),
        product=product,
        status="ended",
        started_on=datetime.date(2019, 10, 1),
        started_on_precision="month",
        ended_on=datetime.date(2020, 2, 5),
    )
    rows = between(client.get(vendor.get_absolute_url()).content.decode(), "<tbody>", "</tbody>")
    assert f'<a href="{use.agency.get_absolute_url()}">Harbour &lt;Police&gt;</a>' in rows
    assert "<td>Face &amp; Co</td>" in rows
    assert use.get_status_display() in rows
    assert f"<td>{use.period[:1].upper()}{use.period[1:]}</td>" in rows
    assert "No customers recorded." not in rows


def test_an_agencys_child_agencies_cost_no_query_each(client, db):
    """Its public children are linked from its page, read in one query however many there
    are (a child's parent was once read again for each), and a draft child is not shown."""
    from .test_views import count_queries

    parent = make_agency()
    children = [make_agency(parent=parent)]
    client.get(parent.get_absolute_url())
    one = count_queries(client, parent.get_absolute_url())
    children += [make_agency(parent=parent) for _ in range(3)]
    draft = make_agency(parent=parent, sourced=False)
    client.get(parent.get_absolute_url())
    assert count_queries(client, parent.get_absolute_url()) == one
    html = client.get(parent.get_absolute_url()).content.decode()
    for child in children:
        assert f'<a href="{child.get_absolute_url()}">{child.name}</a>' in html
    assert draft.get_absolute_url() not in html
