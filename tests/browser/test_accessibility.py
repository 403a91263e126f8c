"""Accessibility in a real browser: axe-core on the main pages, and keyboard use."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from .helpers import action_chip, is_htmx_response

pytestmark = pytest.mark.browser

# path -> screenshot name (None: the visitor walk already takes that page's picture)
PAGES = {
    "/": "dashboard",
    "/agencies/": None,
    "/agencies/toronto-police-service/": None,
    "/vendors/clearview-ai/": "vendor-clearview",
    "/search/?q=toronto": "search",
    "/search/?q=clearview": None,
    "/search/?q=meaghan": None,
    "/uses/1/": "use-page",
    "/authorities/crown-attorneys-office-ontario/": None,
    "/sources/ctv-2020-02-26-clearview-breach/": None,
    "/incidents/": None,
    "/actions/": None,
    "/actions/joint-investigation-into-clearview-ai/": "action-steps",
    "/statements/": "statements",
    "/statements/?contradicted=yes": None,
    "/data/": "data",
    "/changes/": "changes",
    "/agencies/toronto-police-service/history/": None,
}


@pytest.fixture(scope="module")
def axe():
    return Axe()


def assert_no_violations(axe, page, where: str) -> None:
    results = axe.run(page)
    assert results.violations_count == 0, f"axe found problems on {where}:\n" + (
        results.generate_report()
    )


@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_axe_violations(seeded_live, page, axe, screenshot, path):
    response = page.goto(f"{seeded_live}{path}")
    assert response is not None and response.ok, f"{path} answered {response and response.status}"
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_no_violations(axe, page, path)
    if PAGES[path]:
        screenshot(page, PAGES[path])


def test_pages_after_htmx_swaps_have_no_axe_violations(seeded_live, page, axe):
    """The fragments htmx swaps in must be as accessible as the pages they land in."""
    page.goto(f"{seeded_live}/agencies/")
    with page.expect_response(is_htmx_response("status=ended")):
        page.locator("#filter-status").select_option("ended")
    expect(page.locator("#results-heading")).to_have_text("16 agencies")
    assert_no_violations(axe, page, "/agencies/ after filtering by status")

    page.goto(f"{seeded_live}/agencies/toronto-police-service/")
    with page.expect_response(is_htmx_response("kind=action")):
        action_chip(page).click()
    expect(page.locator("#timeline li.event-action")).not_to_have_count(0)
    page.locator("#timeline details.citations summary").first.click()
    assert_no_violations(axe, page, "the Toronto timeline filtered to actions, a citation open")


def test_agency_page_on_a_phone_has_no_axe_violations(seeded_live, new_page, axe):
    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page.goto(f"{seeded_live}/agencies/toronto-police-service/")
    assert_no_violations(axe, page, "the Toronto page at 390x844")


def test_skip_link_is_the_first_tab_stop_and_shows_when_focused(seeded_live, page):
    page.goto(f"{seeded_live}/agencies/")
    skip = page.locator("a.skip-link")
    expect(skip).not_to_be_in_viewport()

    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_have_text("Skip to content")
    expect(skip).to_be_in_viewport()
    # It is drawn on screen, not merely scrolled into view: a real box inside the window.
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0
    assert box["width"] > 20 and box["height"] > 10

    # Following it puts the keyboard in the main content.
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    expect(skip).not_to_be_in_viewport()


def test_keyboard_filtering_keeps_focus_on_the_control(seeded_live, page):
    page.goto(f"{seeded_live}/agencies/")
    status = page.locator("#filter-status")
    expect(status).to_have_value("")
    status.focus()
    expect(status).to_be_focused()

    # The options in the rule's order: "" (any), confirmed, testing, ended, reported.
    for value, count in (("confirmed", "2 agencies"), ("testing", "1 agency")):
        with page.expect_response(is_htmx_response(f"status={value}")):
            page.keyboard.press("ArrowDown")
        expect(page.locator("#results-heading")).to_have_text(count)
        expect(page).to_have_url(re.compile(rf"[?&]status={value}(&|$)"))
        # htmx replaced the whole form; the new select has the focus, so the keys keep working.
        expect(page.locator("#filter-status")).to_be_focused()
        expect(page.locator("#filter-status")).to_have_value(value)

    # And Tab moves on from it as usual, to the next filter.
    page.keyboard.press("Tab")
    expect(page.locator("#filter-country")).to_be_focused()
