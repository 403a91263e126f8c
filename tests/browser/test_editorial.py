"""Review, then publish, in a real browser: an editor drafts an agency with its citation in
admin, a publisher publishes it, and a visitor finds it on the public site."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SOURCE_TITLE = "Company behind controversial facial recognition software used by Toronto police"
QUOTE = "York Regional Police confirmed it had tested the software."


@pytest.fixture
def staff(seeded_live, django_user_model):
    from django.contrib.auth.models import Group

    from agencies.roles import EDITORS, PUBLISHERS, ensure_roles

    ensure_roles()
    users = {}
    for username, group in (("eddie", EDITORS), ("pat", PUBLISHERS)):
        user = django_user_model.objects.create_user(
            username, password="a long passphrase", is_staff=True
        )
        user.groups.add(Group.objects.get(name=group))
        users[username] = user
    return users


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("a long passphrase")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_an_editor_drafts_a_publisher_publishes_a_visitor_finds(
    seeded_live, staff, new_page, screenshot
):
    base = seeded_live
    editor = new_page(viewport={"width": 1280, "height": 1000})
    log_in(editor, base, "eddie")

    # The editor adds the agency, with the quote that supports it.
    editor.goto(f"{base}/admin/agencies/agency/add/")
    editor.get_by_label("Name:", exact=True).press_sequentially("York Regional Police")
    expect(editor.get_by_label("Slug:", exact=True)).to_have_value(
        "york-regional-police"
    )  # filled from name
    editor.get_by_label("Kind:", exact=True).select_option("regional_police")
    editor.get_by_label("Country:", exact=True).fill("CA")
    editor.get_by_label("Province or state:", exact=True).fill("CA-ON")
    expect(editor.locator("select[name=publication]")).to_have_count(0)  # not theirs to change

    editor.get_by_role("button", name=re.compile(r"Add another citation", re.I)).click()
    citation = editor.locator("#citations-0")
    citation.locator('[aria-labelledby="select2-id_citations-0-source-container"]').click()
    editor.locator(".select2-container--open .select2-search__field").fill("Company behind")
    editor.locator(".select2-results__option", has_text=SOURCE_TITLE).first.click()
    citation.get_by_label("Quote:", exact=True).fill(QUOTE)
    editor.get_by_role("button", name="Save", exact=True).click()

    expect(editor.locator(".messagelist")).to_contain_text("was added successfully")
    expect(editor.locator("#result_list")).to_contain_text("York Regional Police")
    expect(editor.locator("#result_list tr", has_text="York Regional Police")).to_contain_text(
        "Draft"
    )
    screenshot(editor, "admin-editor-draft")

    visitor = new_page(viewport={"width": 1280, "height": 900})
    assert visitor.request.get(f"{base}/agencies/york-regional-police/").status == 404
    visitor.goto(f"{base}/agencies/?q=york+regional")
    expect(visitor.locator("#results-count")).to_have_text("0 agencies")

    editor.get_by_role("button", name="Log out").click()

    # The publisher publishes it from the list.
    publisher = new_page(viewport={"width": 1280, "height": 1000})
    log_in(publisher, base, "pat")
    publisher.goto(f"{base}/admin/agencies/agency/?q=York")
    row = publisher.locator("#result_list tr", has_text="York Regional Police")
    row.get_by_role("checkbox").check()
    publisher.locator("select[name=action]").select_option("publish_selected")
    publisher.get_by_role("button", name="Run").or_(
        publisher.get_by_role("button", name="Go")
    ).click()
    expect(publisher.locator(".messagelist")).to_contain_text("Published.")
    expect(row).to_contain_text("Published")
    screenshot(publisher, "admin-publisher-published")

    # The visitor now finds it, with its citation.
    visitor.goto(f"{base}/agencies/?q=york+regional")
    expect(visitor.locator("#results-count")).to_have_text("1 agency")
    visitor.locator("#results").get_by_role("link", name="York Regional Police").click()
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("York Regional Police")
    expect(visitor.locator("main")).to_contain_text(QUOTE)
    screenshot(visitor, "agency-published-by-publisher")
