"""Status over time: each change of an agency's derived status is kept, dated, with the fact
that decided it and when it was last reported, and shown on the page, in /changes/, in the
agency's feed, the API and the CSV."""

import csv as csv_module
import datetime
import io

import pytest

from agencies.choices import AgencyStatus
from agencies.models import Agency, StatusChange, Use

from . import factories as f

pytestmark = pytest.mark.django_db

# A service whose test has no end recorded: its status is "Trial or testing" until one is.
CORNWALL = "cornwall-police-service"


def end_cornwalls_use(reported: datetime.date) -> Use:
    use = Use.objects.get(agency__slug=CORNWALL)
    f.make_citation(use=use, source=f.make_source(published_on=reported), quote="It ended.")
    use.ended_on = datetime.date(2020, 2, 14)
    return f.edited(use)


def test_the_seed_keeps_each_first_derivation_as_a_change(seeded):
    cornwall = Agency.objects.get(slug=CORNWALL)
    (first,) = cornwall.status_changes.all()
    assert (first.from_status, first.to_status) == (AgencyStatus.NO_KNOWN_USE, AgencyStatus.TESTING)
    assert first.use == cornwall.uses.get()
    assert str(first.reported) == str(cornwall.status_reported)


def test_a_change_of_status_is_kept_with_what_decided_it(seeded):
    before = StatusChange.objects.count()
    use = end_cornwalls_use(datetime.date(2031, 3, 1))
    cornwall = Agency.objects.get(slug=CORNWALL)
    assert cornwall.status == AgencyStatus.ENDED
    assert StatusChange.objects.count() == before + 1
    change = cornwall.status_changes.first()
    assert (change.from_status, change.to_status) == (AgencyStatus.TESTING, AgencyStatus.ENDED)
    assert change.use == use and change.fact_public_at == use.published_at
    assert change.reported.value == datetime.date(2031, 3, 1)
    assert cornwall.status_reported.value == datetime.date(2031, 3, 1)
    # Deriving again with nothing changed keeps no new change.
    f.edited(cornwall)
    assert StatusChange.objects.count() == before + 1


def test_the_change_is_shown_on_the_page_in_changes_the_feed_the_api_and_the_csv(client, seeded):
    end_cornwalls_use(datetime.date(2031, 3, 1))
    page = client.get(f"/agencies/{CORNWALL}/").content.decode()
    over_time = page.split('id="status-over-time"')[1].split("</section>")[0]
    assert "Trial or testing → <strong>Use ended</strong>" in over_time
    assert "reported by a source of 1 Mar 2031" in over_time
    assert "last reported <time" in page
    changes = client.get("/changes/").content.decode()
    assert "Status Trial or testing → Use ended" in changes
    feed = client.get(f"/agencies/{CORNWALL}/feed.atom").content.decode()
    assert "Status: Trial or testing → Use ended" in feed
    api = client.get(f"/api/v1/agencies/{CORNWALL}").json()
    newest = api["status_changes"][0]
    assert (newest["from_status"], newest["to_status"]) == ("testing", "ended")
    assert api["status_reported"] == "2031-03-01"
    csv = b"".join(client.get("/agencies/export.csv").streaming_content).decode()
    assert "status_reported" in csv.splitlines()[0]
    assert "2031-03-01" in next(line for line in csv.splitlines() if CORNWALL in line)


def test_status_as_of_a_date_from_the_kept_changes(client, seeded):
    today = datetime.date.today()
    yesterday = today - datetime.timedelta(1)
    end_cornwalls_use(datetime.date(2031, 3, 1))

    def as_of(day) -> str:
        items = client.get("/api/v1/agencies", {"as_of": day.isoformat()}).json()["items"]
        return next(item["status_as_of"] for item in items if item["slug"] == CORNWALL)

    assert as_of(yesterday) == AgencyStatus.NO_KNOWN_USE  # the record did not exist yet
    assert as_of(today) == AgencyStatus.ENDED
    csv = b"".join(
        client.get("/agencies/export.csv", {"as_of": yesterday.isoformat()}).streaming_content
    ).decode()
    rows = list(csv_module.DictReader(io.StringIO(csv)))
    assert next(r for r in rows if r["slug"] == CORNWALL)["status_as_of"] == "no_known_use"
    assert client.get("/api/v1/agencies", {"as_of": "2020-13-01"}).status_code == 422


def test_lists_filter_by_when_a_fact_last_changed(client, seeded):
    long_ago = datetime.datetime(2021, 1, 1, tzinfo=datetime.UTC)
    Agency.objects.update(changed_at=long_ago)
    Use.objects.update(updated_at=long_ago)
    since = "2022-01-01"
    assert client.get("/api/v1/agencies", {"changed_since": since}).json()["count"] == 0
    end_cornwalls_use(datetime.date(2031, 3, 1))  # a fact about Halton changes: its use
    items = client.get("/api/v1/agencies", {"changed_since": since}).json()["items"]
    assert [item["slug"] for item in items] == [CORNWALL]
    page = client.get("/agencies/", {"changed_since": since})
    assert [a.slug for a in page.context["page"].object_list] == [CORNWALL]
    assert "In the last 7 days" in page.content.decode()
    sorted_by_change = client.get("/agencies/", {"sort": "updated"}).context["page"]
    assert sorted_by_change.object_list[0].slug == CORNWALL
    uses = client.get("/api/v1/uses", {"changed_since": since}).json()["items"]
    assert [use["agency"] for use in uses] == [CORNWALL]


def test_a_record_page_says_when_it_was_published_and_last_changed(client, seeded):
    cornwall = Agency.objects.get(slug=CORNWALL)
    first = cornwall.history.earliest()
    html = client.get(f"/agencies/{CORNWALL}/").content.decode()
    shown = first.history_date.strftime("%-d %b %Y")
    footer = html.split('class="record-footer"')[1]
    assert "First published here: <time datetime=" in footer
    assert footer.count(f">{shown}</time>") == 2  # first published, last changed: one day
    assert cornwall.created_at == cornwall.updated_at == cornwall.published_at == first.history_date
    action = client.get("/actions/").context["page"].object_list[0]
    assert "Happened: <time" in client.get(action.get_absolute_url()).content.decode()


def test_an_agencys_history_holds_the_changes_to_its_uses_and_their_citations(client, seeded):
    use = end_cornwalls_use(datetime.date(2031, 3, 1))
    html = client.get(f"/agencies/{CORNWALL}/history/").content.decode()
    product = use.product.name
    assert f"Changed: Use of {product}" in html
    assert "Ended</th><td>—</td><td>2020-02-14" in html
    assert "Published: Citation: It ended." in html
    changes = client.get("/changes/").content.decode()
    assert f"Cornwall Police Service – {product}" in changes
    assert client.get(use.get_absolute_url() + "history/").status_code == 200


def test_a_records_last_change_moves_with_its_facts(client, seeded):
    from agencies.models import RegulatoryAction

    action = RegulatoryAction.objects.public().first()
    RegulatoryAction.objects.filter(pk=action.pk).update(
        updated_at=datetime.datetime(2021, 1, 1, tzinfo=datetime.UTC)
    )
    f.edited(f.make_citation(action=action, quote="A new report."))
    action.refresh_from_db()
    assert action.updated_at.year == datetime.date.today().year


def feed_entries(client, url: str) -> dict[str, tuple[str, str, str]]:
    """Each entry of an Atom feed by id: (title, published, updated)."""
    from xml.etree import ElementTree

    atom = "{http://www.w3.org/2005/Atom}"
    root = ElementTree.fromstring(client.get(url).content)
    return {
        entry.findtext(f"{atom}id"): (
            entry.findtext(f"{atom}title"),
            entry.findtext(f"{atom}published"),
            entry.findtext(f"{atom}updated"),
        )
        for entry in root.iter(f"{atom}entry")
    }


def test_a_correction_updates_the_same_feed_entry(client, seeded):
    from agencies.models import RegulatoryAction

    url = "/feeds/events.atom"
    # An action among the newest events: its opening, or one of its steps.
    key = next(k for k in feed_entries(client, url) if ":action-" in k)
    action = RegulatoryAction.objects.get(pk=key.split(":action-")[1].split("-")[0])
    entries_before = feed_entries(client, url)
    _, published, updated = entries_before[key]
    action.title = "Joint investigation of Clearview AI (retitled)"
    f.edited(action)
    new_title, new_published, new_updated = feed_entries(client, url)[key]
    assert "retitled" in new_title and new_published == published and new_updated > updated
    # The same entries, corrected in place: no entry is added, and only the action's own
    # events (its opening, or each of its steps) carry the new title.
    after = feed_entries(client, url)
    assert after.keys() == entries_before.keys()
    own = f":action-{action.pk}-"
    assert all(own in k for k, (t, _, _) in after.items() if "retitled" in t)


def test_the_site_feed_holds_statements_and_incidents_and_actions_have_feeds(client, seeded):
    entries = feed_entries(client, "/feeds/events.atom")
    assert any(entry_id.split(":")[-1].startswith("statement-") for entry_id in entries)
    incident = feed_entries(client, "/incidents/clearview-ai-customer-list-breach/feed.atom")
    assert any(":incident-" in entry_id for entry_id in incident)
    action = feed_entries(client, "/actions/joint-investigation-into-clearview-ai/feed.atom")
    assert any(":action-" in entry_id for entry_id in action)
    page = client.get("/actions/joint-investigation-into-clearview-ai/").content.decode()
    assert 'rel="alternate" type="application/atom+xml"' in page


def test_an_open_action_says_as_of_when_it_is_known_open(client, seeded):
    """An open action without steps says as of when its newest source knew it open; one with
    steps is known by its latest step instead (a later comment on it is not a step)."""
    from agencies.lifecycle import latest_step, step_phrase
    from agencies.models import Citation, RegulatoryAction

    plain = RegulatoryAction.objects.get(slug="ipc-ontario-guidance-on-biometric-technologies")
    assert plain.state == "open" and not plain.steps.exists()
    newest = max(
        c.source.published
        for c in Citation.objects.supporting(RegulatoryAction, plain).select_related("source")
        if c.source.published
    )
    expected = f'Open as of <time datetime="{newest.isoformat()}">{newest}</time>'
    assert expected in client.get(plain.get_absolute_url()).content.decode()
    assert expected in client.get("/actions/?kind=guidance").content.decode()
    api = client.get(f"/api/v1/actions/{plain.slug}").json()
    assert api["last_reported"] == newest.isoformat() and api["latest_step"] is None

    stepped = RegulatoryAction.objects.get(slug="opc-investigation-of-rcmp-use-of-clearview-ai")
    latest = latest_step(stepped.steps.all())
    page = client.get(stepped.get_absolute_url()).content.decode()
    # The report of 10 Jun 2021 found and recommended; the RCMP's response does not move it on.
    assert latest.kind == "recommendation"
    assert "Open; latest step: recommendation, <time" in page
    assert f'<time datetime="{latest.occurred.isoformat()}">{latest.occurred}</time>' in page
    assert "Open as of" not in page.split("<dt>State</dt>")[1].split("</dd>")[0]
    assert step_phrase(latest) in Agency.objects.get(short_name="RCMP").status_summary
    api = client.get(f"/api/v1/actions/{stepped.slug}").json()
    assert (api["latest_step"], api["latest_step_on"]) == ("recommendation", "2021-06-10")
    assert "latest step: recommendation" in client.get("/").content.decode()
