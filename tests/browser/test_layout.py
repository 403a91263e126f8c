"""How pages lay out in a real browser: on paper, on a narrow phone, and on a desktop."""

from __future__ import annotations

from itertools import pairwise

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

TORONTO = "/agencies/toronto-police-service/"
CTV_SOURCE = "/sources/ctv-2020-02-26-clearview-breach/"


def test_a_printed_record_shows_every_citation(seeded_live, page):
    page.goto(f"{seeded_live}{TORONTO}")
    closed = page.locator("details.citations:not([open])")
    assert closed.count() > 0, "the record shows no closed citation lists to print"
    quotes = page.locator("details.citations:not([open]) blockquote")
    sources = page.locator("details.citations:not([open]) .cite a")
    # On screen the lists stay closed until a reader opens them...
    expect(quotes.first).to_be_hidden()

    # ...on paper every source and quote shows, though nobody opened them.
    page.emulate_media(media="print")
    assert closed.count() == page.locator("details.citations").count()
    for items in (quotes, sources):
        assert items.count() > 0
        for index in range(items.count()):
            expect(items.nth(index)).to_be_visible()
    expect(page.locator("details.citations summary").first).to_be_hidden()


@pytest.mark.parametrize("path", ["/data/", CTV_SOURCE, TORONTO, "/agencies/"])
def test_a_phone_never_scrolls_sideways(seeded_live, new_page, path):
    page = new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{seeded_live}{path}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{path} is {width}px wide on a 390px screen"


def test_the_data_page_command_scrolls_in_its_own_box(seeded_live, new_page):
    page = new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{seeded_live}/data/")
    command = page.locator("pre").first
    assert command.evaluate("pre => getComputedStyle(pre).overflowX") == "auto"
    # Kept on one line, so it can be copied as it is: the box scrolls, the page does not.
    assert command.evaluate("pre => pre.scrollWidth > pre.clientWidth")
    # A keyboard can scroll it too: it takes focus.
    assert command.evaluate("pre => pre.tabIndex") == 0


def test_the_agency_filters_read_in_tab_order_on_a_desktop(seeded_live, page, screenshot):
    page.goto(f"{seeded_live}/agencies/")
    controls = page.locator("form.filters").locator("input, select, button, a")
    boxes = [controls.nth(index).bounding_box() for index in range(controls.count())]
    assert len(boxes) >= 5 and all(boxes)
    # Each control Tab reaches next stands to the right on the same row, or on a lower row.
    for before, after in pairwise(boxes):
        same_row = abs(after["y"] - before["y"]) < before["height"] / 2
        assert (same_row and after["x"] >= before["x"] + before["width"]) or (
            after["y"] >= before["y"] + before["height"]
        ), f"a control at {after} comes after {before} in Tab order but not in reading order"
    # The facet selects line up in a grid: each row's selects share one width.
    selects = page.locator("#facet-fields select")
    widths = {round(selects.nth(i).bounding_box()["width"]) for i in range(selects.count())}
    assert len(widths) == 1, f"the facet selects have uneven widths {widths}"
    screenshot(page, "agency-filters-desktop")
