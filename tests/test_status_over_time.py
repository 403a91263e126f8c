"""Status over time: each change of an agency's derived status is kept, dated, with the fact
that decided it and when it was last reported, and shown on the page, in /changes/, in the
agency's feed, the API and the CSV."""

import datetime

import pytest

from agencies.choices import AgencyStatus
from agencies.models import Agency, StatusChange, Use

from . import factories as f

pytestmark = pytest.mark.django_db

HALTON = "halton-regional-police-service"


def end_haltons_use(reported: datetime.date) -> Use:
    use = Use.objects.get(agency__slug=HALTON)
    f.make_citation(use=use, source=f.make_source(published_on=reported), quote="It ended.")
    use.ended_on = datetime.date(2020, 2, 14)
    return f.edited(use)


def test_the_seed_keeps_each_first_derivation_as_a_change(seeded):
    halton = Agency.objects.get(slug=HALTON)
    (first,) = halton.status_changes.all()
    assert (first.from_status, first.to_status) == (AgencyStatus.NO_KNOWN_USE, AgencyStatus.TESTING)
    assert first.use == halton.uses.get()
    assert str(first.reported) == str(halton.status_reported)


def test_a_change_of_status_is_kept_with_what_decided_it(seeded):
    before = StatusChange.objects.count()
    use = end_haltons_use(datetime.date(2020, 3, 1))
    halton = Agency.objects.get(slug=HALTON)
    assert halton.status == AgencyStatus.ENDED
    assert StatusChange.objects.count() == before + 1
    change = halton.status_changes.first()
    assert (change.from_status, change.to_status) == (AgencyStatus.TESTING, AgencyStatus.ENDED)
    assert change.use == use and change.fact_public_at == use.published_at
    assert change.reported.value == datetime.date(2020, 3, 1)
    assert halton.status_reported.value == datetime.date(2020, 3, 1)
    # Deriving again with nothing changed keeps no new change.
    f.edited(halton)
    assert StatusChange.objects.count() == before + 1


def test_the_change_is_shown_on_the_page_in_changes_the_feed_the_api_and_the_csv(client, seeded):
    end_haltons_use(datetime.date(2020, 3, 1))
    page = client.get(f"/agencies/{HALTON}/").content.decode()
    over_time = page.split('id="status-over-time"')[1].split("</section>")[0]
    assert "Trial or testing → <strong>Use ended</strong>" in over_time
    assert "reported by a source of 1 Mar 2020" in over_time
    assert "last reported <time" in page
    changes = client.get("/changes/").content.decode()
    assert "Status Trial or testing → Use ended" in changes
    feed = client.get(f"/agencies/{HALTON}/feed.atom").content.decode()
    assert "Status: Trial or testing → Use ended" in feed
    api = client.get(f"/api/v1/agencies/{HALTON}").json()
    newest = api["status_changes"][0]
    assert (newest["from_status"], newest["to_status"]) == ("testing", "ended")
    assert api["status_reported"] == "2020-03-01"
    csv = b"".join(client.get("/agencies/export.csv").streaming_content).decode()
    assert "status_reported" in csv.splitlines()[0]
    assert "2020-03-01" in next(line for line in csv.splitlines() if HALTON in line)
