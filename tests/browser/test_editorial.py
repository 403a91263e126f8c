"""The editorial workflow in a real browser: an editor writes a draft, a publisher publishes it,
and only then does a visitor see it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import TIMEOUT_MS, watch_for_errors

pytestmark = pytest.mark.browser

AGENCY_NAME = "Kingston Police"
AGENCY_SLUG = "kingston-police"
SOURCE_TITLE = (
    "Company behind controversial facial recognition software used by Toronto police "
    "suffers data breach"
)
QUOTE = "Kingston Police confirmed that officers had tried the software in a pilot."
RESULT_LINKS = "#results table.records tbody th[scope=row] a"


def make_staff(username: str, password: str, group_name: str):
    """A staff member in one of the editorial groups (committed: the live server must see it)."""
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(username, password=password, is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


def log_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/"))
    page.get_by_label("Username").press_sequentially(username)
    page.get_by_label("Password").press_sequentially(password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base_url}/admin/")
    expect(page.locator("#user-tools")).to_contain_text(f"Welcome, {username}")


def log_out(page) -> None:
    page.locator("#user-tools").get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Logged out")).to_be_visible()


def visitor_page(new_page):
    return new_page(viewport={"width": 1280, "height": 900})


def assert_not_found_for_visitor(browser, url: str) -> None:
    """A visitor opening the address gets the site's "Not found" page, and nothing else goes wrong.

    The `new_page` pages fail the test on any console error, and Chromium logs one for every 404
    document; so this visit gets its own context and allows exactly that one message.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        errors = watch_for_errors(page)
        response = page.goto(url)
        assert response is not None and response.status == 404, (url, response and response.status)
        expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
        expected = "Failed to load resource: the server responded with a status of 404"
        unexpected = [error for error in errors if expected not in error]
        assert not unexpected, unexpected
    finally:
        context.close()


def test_editor_drafts_publisher_publishes_visitor_sees(seeded_live, browser, new_page, screenshot):
    from agencies.choices import Publication
    from agencies.models import Agency
    from agencies.roles import EDITORS, PUBLISHERS

    make_staff("edna", "edna-writes-drafts-42", EDITORS)
    make_staff("paul", "paul-publishes-42", PUBLISHERS)

    # --- The editor writes the record. ---------------------------------------------------
    editor = new_page(viewport={"width": 1280, "height": 900})
    log_in(editor, seeded_live, "edna", "edna-writes-drafts-42")

    editor.get_by_role("link", name="Agencies", exact=True).click()
    expect(editor).to_have_url(f"{seeded_live}/admin/agencies/agency/")
    # Editors have no publishing action on the list.
    expect(
        editor.locator("select[name=action] option", has_text="Publish the selected records")
    ).to_have_count(0)
    editor.get_by_role("link", name="Add agency").click()
    expect(editor).to_have_url(f"{seeded_live}/admin/agencies/agency/add/")

    # The slug follows the name as it is typed.
    editor.get_by_label("Name:", exact=True).press_sequentially(AGENCY_NAME)
    expect(editor.get_by_label("Slug:", exact=True)).to_have_value(AGENCY_SLUG)
    editor.get_by_label("Kind:", exact=True).select_option(label="Regional police")
    editor.get_by_label("Country:", exact=True).fill("CA")
    editor.get_by_label("Province or state:", exact=True).fill("CA-ON")

    # An editor may mark a draft ready for review, never publish it: no such choice.
    choices = editor.locator("[name=publication] option")
    expect(choices).to_have_text(["Draft", "Ready for review"])

    # One citation, its source chosen through the autocomplete by typing part of the title.
    citations = editor.locator("#citations-group")
    expect(citations.locator(".inline-related:not(.empty-form)")).to_have_count(0)
    citations.get_by_role("button", name="Add another citation").click()
    citation = citations.locator("#citations-0")
    expect(citation).to_be_visible()
    # Select2 hides the <select> and shows a combobox named after its rendered choice.
    source_box = citation.locator(
        "[role=combobox][aria-labelledby='select2-id_citations-0-source-container']"
    )
    source_box.click()
    search_box = editor.locator(".select2-container--open .select2-search__field")
    expect(search_box).to_be_focused()
    search_box.press_sequentially("controversial facial recognition")
    option = editor.locator(".select2-results__option", has_text=SOURCE_TITLE)
    expect(option).to_have_count(1)
    option.click()
    expect(citation.locator("#select2-id_citations-0-source-container")).to_have_text(
        re.compile(re.escape(SOURCE_TITLE))
    )
    citation.get_by_label("Quote:", exact=True).fill(QUOTE)
    editor.get_by_role("button", name="Save", exact=True).click()

    # Saved, as a draft.
    expect(editor).to_have_url(f"{seeded_live}/admin/agencies/agency/")
    expect(editor.locator("ul.messagelist .success")).to_contain_text(
        f"The agency “{AGENCY_NAME}” was added successfully."
    )
    row = editor.locator("#result_list tbody tr", has_text=AGENCY_NAME)
    expect(row).to_have_count(1)
    expect(row.locator("td.field-publication")).to_have_text("Draft")
    expect(row.locator("td.field-citation_count")).to_have_text("1")

    row.get_by_role("link", name=AGENCY_NAME).click()
    expect(editor.get_by_label("Name:", exact=True)).to_have_value(AGENCY_NAME)
    expect(editor.locator("[name=publication] option")).to_have_text(["Draft", "Ready for review"])
    saved_citation = editor.locator("#citations-0")
    expect(saved_citation.get_by_label("Quote:", exact=True)).to_have_value(QUOTE)
    expect(saved_citation.locator("#select2-id_citations-0-source-container")).to_have_text(
        re.compile(re.escape(SOURCE_TITLE))
    )
    screenshot(editor, "admin-editor-draft")

    agency = Agency.objects.get(slug=AGENCY_SLUG)
    assert agency.publication == Publication.DRAFT
    assert (agency.kind, agency.country, agency.subdivision) == ("regional_police", "CA", "CA-ON")
    assert [(c.source.slug, c.quote) for c in agency.citations.all()] == [
        ("ctv-2020-02-26-clearview-breach", QUOTE)
    ]

    # The public does not see the draft.
    assert_not_found_for_visitor(browser, f"{seeded_live}/agencies/{AGENCY_SLUG}/")
    visitor = visitor_page(new_page)
    visitor.goto(f"{seeded_live}/agencies/")
    expect(visitor.locator(RESULT_LINKS).first).to_be_visible()
    expect(visitor.locator(RESULT_LINKS, has_text=AGENCY_NAME)).to_have_count(0)

    log_out(editor)

    # --- The publisher publishes it from the list. ------------------------------------------
    publisher = editor  # the same browser, as the next person at the desk
    log_in(publisher, seeded_live, "paul", "paul-publishes-42")
    publisher.get_by_role("link", name="Agencies", exact=True).click()
    expect(publisher).to_have_url(f"{seeded_live}/admin/agencies/agency/")
    by_publication = publisher.locator("#changelist-filter details[data-filter-title=publication]")
    by_publication.get_by_role("link", name="Draft", exact=True).click()
    expect(publisher).to_have_url(re.compile(r"[?&]publication__exact=draft(&|$)"))
    row = publisher.locator("#result_list tbody tr", has_text=AGENCY_NAME)
    expect(row).to_have_count(1)
    expect(row.locator("td.field-publication")).to_have_text("Draft")
    row.get_by_role("checkbox").check()
    publisher.get_by_label("Action:").select_option(label="Publish the selected records")
    publisher.get_by_role("button", name="Go").click()

    expect(publisher.locator("ul.messagelist .success")).to_have_text("Published: Kingston Police.")
    expect(publisher.locator("ul.messagelist .error")).to_have_count(0)
    # Back on the drafts it came from, where it no longer is; it is among the published ones.
    expect(publisher).to_have_url(re.compile(r"[?&]publication__exact=draft(&|$)"))
    expect(row).to_have_count(0)
    by_publication.get_by_role("link", name="Published", exact=True).click()
    expect(publisher).to_have_url(re.compile(r"[?&]publication__exact=published(&|$)"))
    expect(row).to_have_count(1)
    expect(row.locator("td.field-publication")).to_have_text("Published")
    screenshot(publisher, "admin-publisher-published")
    agency.refresh_from_db()
    assert agency.publication == Publication.PUBLISHED
    assert agency.published_at is not None

    # --- A visitor now finds it, with its quote. --------------------------------------------
    visitor = visitor_page(new_page)
    visitor.goto(f"{seeded_live}/agencies/")
    link = visitor.locator("#results").get_by_role("link", name=AGENCY_NAME, exact=True)
    expect(link).to_be_visible()
    screenshot(visitor, "agency-list-after-publish")
    link.click()
    expect(visitor).to_have_url(f"{seeded_live}/agencies/{AGENCY_SLUG}/")
    expect(visitor.get_by_role("heading", level=1)).to_have_text(AGENCY_NAME)
    about = visitor.get_by_role("region", name="About")
    citations = about.locator("details.citations")
    quote = citations.locator("blockquote", has_text=QUOTE)
    expect(quote).to_be_hidden()
    citations.locator("summary").click()
    expect(quote).to_be_visible()
    expect(citations.get_by_role("link", name=re.compile(re.escape(SOURCE_TITLE)))).to_be_visible()
    screenshot(visitor, "agency-kingston-after-publish")
