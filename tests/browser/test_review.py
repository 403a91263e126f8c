"""A correction through review, in a real browser: an editor ends Halton's use with a citation
and sends it for review; a publisher publishes it from the review queue; a visitor then sees
the change of status on Halton's page, in /changes/ and as an updated entry in its feed."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from .test_editorial import SOURCE_TITLE, log_in, log_out, make_staff

pytestmark = pytest.mark.browser

HALTON = "halton-regional-police-service"
QUOTE = "Halton police said the free trial ended on 14 February."


def test_an_end_of_use_goes_through_review_to_the_public(seeded_live, new_page, screenshot):
    from agencies.models import Use
    from agencies.roles import EDITORS, PUBLISHERS

    make_staff("erin", "erin-edits-facts-42", EDITORS)
    make_staff("pete", "pete-publishes-42", PUBLISHERS)
    use = Use.objects.get(agency__slug=HALTON)
    started = datetime.datetime.now(datetime.UTC).replace(microsecond=0)

    # --- The editor ends the use, cites it, and sends it for review. ----------------------
    editor = new_page(viewport={"width": 1280, "height": 900})
    log_in(editor, seeded_live, "erin", "erin-edits-facts-42")
    editor.goto(f"{seeded_live}/admin/agencies/use/{use.pk}/change/")
    expect(editor.get_by_label("Started:", exact=True)).to_have_value("Oct 2019")
    editor.get_by_label("Ended:", exact=True).fill("14 Feb 2020")
    citations = editor.locator("#citations-group")
    citations.get_by_role("button", name="Add another citation").click()
    citation = citations.locator(".inline-related:not(.empty-form)").last
    citation.locator("[role=combobox][aria-labelledby$='-source-container']").click()
    search_box = editor.locator(".select2-container--open .select2-search__field")
    search_box.press_sequentially("controversial facial recognition")
    editor.locator(".select2-results__option", has_text=SOURCE_TITLE).click()
    citation.get_by_label("Quote:", exact=True).fill(QUOTE)
    editor.get_by_label("Publication:", exact=True).select_option(label="Ready for review")
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(editor.locator("ul.messagelist .success")).to_contain_text("was changed successfully")
    log_out(editor)

    # --- The publisher publishes it from the one review queue. ----------------------------
    publisher = new_page(viewport={"width": 1280, "height": 900})
    log_in(publisher, seeded_live, "pete", "pete-publishes-42")
    publisher.get_by_role("link", name="Ready for review").click()
    expect(publisher).to_have_url(f"{seeded_live}/admin/review/")
    row = publisher.locator("tr", has_text="Halton Regional Police Service")
    expect(row).to_contain_text("Ended: — → 2020-02-14")
    row.get_by_role("checkbox").check()
    screenshot(publisher, "admin-review-queue")
    publisher.get_by_role("button", name="Publish the ticked records").click()
    expect(publisher.locator("ul.messagelist .success")).to_contain_text(
        "Published: Halton Regional Police Service"
    )
    expect(publisher.get_by_text("Nothing is waiting for review.")).to_be_visible()

    # --- A visitor sees the change of status, in three places. ----------------------------
    visitor = new_page(viewport={"width": 1280, "height": 900})
    visitor.goto(f"{seeded_live}/agencies/{HALTON}/")
    over_time = visitor.locator("#status-over-time")
    expect(over_time.locator("li").first).to_contain_text("→ Use ended")
    expect(visitor.locator("#status-heading")).to_contain_text("Use ended")
    screenshot(visitor, "agency-halton-status-over-time")
    visitor.goto(f"{seeded_live}/changes/")
    expect(visitor.locator("ol.changes li").first).to_contain_text("Use ended")

    feed = visitor.request.get(f"{seeded_live}/agencies/{HALTON}/feed.atom").text()
    entries = re.findall(r"<entry>(.*?)</entry>", feed, re.S)
    status = [e for e in entries if "Status:" in e and "Use ended" in e]
    assert status, "no status entry in the feed"
    ended = next(e for e in entries if f"use-{use.pk}-ended" in e)
    updated = re.search(r"<updated>(.*?)</updated>", ended).group(1)
    assert datetime.datetime.fromisoformat(updated) >= started  # a correction, updated
