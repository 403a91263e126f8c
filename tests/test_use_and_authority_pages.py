"""A page for each use (its permalink, with everything known of it and its sources) and for
each authority (the actions it led, joined or was consulted on, each with its role)."""

import datetime
import re

import pytest
from django.utils.html import escape

from agencies.models import Authority, Use

from . import factories as f

pytestmark = pytest.mark.django_db


def test_a_use_page_shows_all_that_is_known_of_the_use(client, seeded):
    use = Use.objects.get(agency__slug="toronto-police-service")
    use.accounts, use.searches, use.cost, use.cost_currency = 144, 3400, 0, "CAD"
    use.summary = "Informal tests by officers."
    f.edited(use)
    response = client.get(use.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    for expected in (
        "Toronto Police Service: use of",
        'Oct 2019</time> <span class="muted">(known to the month)',
        "5 Feb 2020",
        "Not authorised",
        ">144<",
        "0 CAD",
        "Informal tests by officers.",
        "History of this record",
    ):
        assert expected in html, expected
    assert re.search(r"3\D{1,6}400", html)  # grouped as the locale groups thousands
    assert all(escape(c.quote) in html for c in use.citations.public() if c.quote)
    assert client.get(f"/uses/{use.pk}/history/").status_code == 200


def test_a_draft_or_unknown_use_has_no_page(client, seeded):
    draft = f.make_use(publication="draft")
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get("/uses/999999/").status_code == 404
    assert client.get("/uses/abc/").status_code == 404


def test_timeline_rows_link_to_the_use_and_show_its_sources_once(client, seeded):
    use = Use.objects.get(agency__slug="toronto-police-service")
    timeline = client.get("/agencies/toronto-police-service/").context["timeline"]
    rows = [event for event in timeline.object_list if event.record == ("use", use.pk)]
    assert len(rows) >= 2  # began, made public, stopped
    assert all(event.url == use.get_absolute_url() for event in rows)
    assert [bool(event.citations) for event in rows] == [True] + [False] * (len(rows) - 1)
    assert all(event.sources_above for event in rows[1:])


def test_the_timeline_as_rendered_points_later_rows_to_the_first_ones_sources(client, seeded):
    use = Use.objects.get(agency__slug="toronto-police-service")
    html = client.get("/agencies/toronto-police-service/").content.decode()
    url = escape(use.get_absolute_url())
    pointer = (
        f'Sources: listed with this use\'s first entry above, and on <a href="{url}">its page</a>.'
    )
    assert pointer in html
    first_row = html.index(f'<h3 class="event-title"><a href="{url}">')
    assert '<details class="citations">' in html[first_row : html.index(pointer)]


def test_the_timeline_escapes_what_it_shows_and_says_when_a_kind_is_empty(client):
    agency = f.make_agency(name="Harbour Police")
    incident = f.make_incident(
        title="<script>alert(1)</script> breach", occurred_on=datetime.date(2021, 5, 4)
    )
    incident.agencies.add(agency)
    html = client.get(agency.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; breach" in html
    assert "<script>alert(1)" not in html
    assert '<time datetime="2021-05-04">4 May 2021</time>' in html
    actions = client.get(agency.get_absolute_url(), {"kind": "action"}).content.decode()
    assert '<li class="empty">Nothing recorded of this kind.</li>' in actions


def test_an_authority_page_lists_its_actions_with_its_role(client, seeded):
    crown = Authority.objects.get(slug="crown-attorneys-office-ontario")
    html = client.get(crown.get_absolute_url()).content.decode()
    assert "Actions it took part in" in html
    assert "Consulted ·" in html
    listing = client.get("/actions/", {"authority": crown.slug}).content.decode()
    assert "took part, whether it led them, acted jointly or was consulted" in listing
    assert "internal reviews by" not in listing


def test_an_authority_page_leaves_out_draft_actions(client):
    authority = f.make_authority(name="Privacy Board")
    draft = f.make_action(title="Unpublished probe", publication="draft")
    draft.participants.create(authority=authority, role="lead")
    public = f.make_action(title="Open probe", opened_on=datetime.date(2021, 1, 1))
    public.participants.create(authority=authority, role="partner")
    html = client.get(authority.get_absolute_url()).content.decode()
    assert "Open probe" in html and "Acts jointly ·" in html
    assert "Unpublished probe" not in html


def test_an_authority_with_many_actions_lists_them_a_page_at_a_time(client, monkeypatch):
    monkeypatch.setattr("agencies.views.RECORD_LIST_PAGE", 2)
    authority = f.make_authority()
    for year in (2019, 2021, 2020):
        action = f.make_action(title=f"Probe {year}", opened_on=datetime.date(year, 1, 1))
        action.participants.create(authority=authority, role="lead")
    pages = [client.get(authority.get_absolute_url(), {"page": n}) for n in (1, 2)]
    titles = [[p.action.title for p in page.context["parts"].object_list] for page in pages]
    assert titles == [["Probe 2021", "Probe 2020"], ["Probe 2019"]]  # newest first, once each
    assert "3 actions, newest first, 2 a page." in pages[0].content.decode()


def test_a_source_cited_many_times_lists_its_citations_a_page_at_a_time(client, monkeypatch):
    monkeypatch.setattr("agencies.views.RECORD_LIST_PAGE", 2)
    source = f.make_source()
    for n in range(3):
        f.make_citation(source=source, agency=f.make_agency(), quote=f"Words {n}.")
    pages = [client.get(source.get_absolute_url(), {"page": n}) for n in (1, 2)]
    quotes = [[c.quote for c in page.context["citations"].object_list] for page in pages]
    assert quotes == [["Words 0.", "Words 1."], ["Words 2."]]
    assert 'rel="next"' in pages[0].content.decode()
