"""A visitor's walk through the site in a real browser: filtering, history, timeline, sources."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from agencies.models import Source

from .helpers import action_chip, is_htmx_response

pytestmark = pytest.mark.browser

RESULT_LINKS = "#results table.records tbody th[scope=row] a"


def set_marker(page, value: int = 1) -> None:
    """A value that lives on `window`: a full page load would wipe it."""
    page.evaluate("value => { window.__marker = value; }", value)


def marker(page):
    return page.evaluate("window.__marker")


# The seed's agencies, and those whose use ended, by name: what the list shows unfiltered and
# with status=ended (one page of 25).
ALL = 36
ENDED = [
    "Barrie Police Service",
    "Calgary Police Service",
    "Durham Regional Police Service",
    "Edmonton Police Service",
    "Guelph Police Service",
    "Halton Regional Police Service",
    "Hamilton Police Service",
    "London Police Service",
    "Niagara Regional Police Service",
    "Ontario Provincial Police",
    "Peel Regional Police",
    "Royal Canadian Mounted Police",
    "Toronto Police Service",
    "Vancouver Police Department",
    "Waterloo Regional Police Service",
    "Windsor Police Service",
]


def query(url: str, name: str) -> str | None:
    match = re.search(rf"[?&]{name}=([^&#]*)", url)
    return match.group(1) if match else None


def test_visitor_filters_agencies_then_follows_a_citation_to_its_source(
    seeded_live, page, screenshot
):
    results = page.locator(RESULT_LINKS)
    heading = page.locator("#results-heading")

    # The full list.
    page.goto(f"{seeded_live}/agencies/")
    expect(heading).to_have_text(f"{ALL} agencies")
    set_marker(page)

    # Choosing a status swaps in new results through htmx: no page load, the URL follows.
    page.locator("#filter-status").focus()
    with page.expect_response(is_htmx_response("/agencies/")) as response:
        page.locator("#filter-status").select_option("ended")
    assert response.value.ok
    expect(page).to_have_url(re.compile(r"/agencies/\?(.*&)?status=ended(&|$)"))
    expect(heading).to_have_text(f"{len(ENDED)} agencies")
    expect(results).to_have_text(ENDED)
    expect(page.locator("#filter-status")).to_have_value("ended")
    assert marker(page) == 1, "choosing a status reloaded the whole page"
    # The address bar holds only the filters that apply, and focus stays on the control used.
    assert page.url == f"{seeded_live}/agencies/?status=ended"
    assert page.evaluate("document.activeElement.id") == "filter-status"
    # The other filters' counts follow the choice ("what it would leave").
    expect(page.locator("#filter-country option[value=US]")).to_have_count(0)
    screenshot(page, "agency-list-filtered")

    # Typing narrows the results the same way, once the typing pauses; the search box is never
    # replaced, so what is typed while a request is in flight stays, and so does the focus.
    page.evaluate("document.getElementById('results-count').dataset.kept = 'yes'")
    search_box = page.locator("#agency-q")
    with page.expect_response(is_htmx_response("q=Pe")):
        search_box.press_sequentially("Pe")
    with page.expect_response(is_htmx_response("q=Peel")):
        search_box.press_sequentially("el")
    expect(search_box).to_have_value("Peel")
    expect(search_box).to_be_focused()
    # The live region that announces the count is the same element, so screen readers hear it.
    expect(page.locator("#results-count")).to_have_attribute("data-kept", "yes")
    expect(page).to_have_url(re.compile(r"[?&]q=Peel(&|$)"))
    assert query(page.url, "status") == "ended"
    expect(heading).to_have_text("1 agency")
    expect(results).to_have_text(["Peel Regional Police"])
    assert marker(page) == 1, "typing a search reloaded the whole page"

    # Back returns to the status-only view: its URL, its results and its form.
    page.go_back()
    expect(page).to_have_url(re.compile(r"[?&]status=ended(&|$)"))
    assert query(page.url, "q") in (None, "")
    expect(heading).to_have_text(f"{len(ENDED)} agencies")
    expect(results).to_have_text(ENDED)
    expect(page.locator("#agency-q")).to_have_value("")
    expect(page.locator("#filter-status")).to_have_value("ended")

    # An agency's page is an ordinary link: a real page load.
    page.locator("#results").get_by_role("link", name="Toronto Police Service", exact=True).click()
    expect(page).to_have_url(f"{seeded_live}/agencies/toronto-police-service/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Toronto Police Service")
    assert marker(page) is None, "the marker survived a real page load: the check proves nothing"
    screenshot(page, "agency-toronto")

    # A timeline chip swaps in only that kind of event, again without a page load.
    set_marker(page, 2)
    chip = action_chip(page)
    expected_count = int(re.search(r"\((\d+)\)", chip.inner_text()).group(1))
    assert expected_count > 0
    with page.expect_response(is_htmx_response("kind=action")):
        chip.click()
    expect(page).to_have_url(re.compile(r"/agencies/toronto-police-service/\?kind=action$"))
    events = page.locator("#timeline li.event")
    expect(events).to_have_count(expected_count)
    expect(page.locator("#timeline li.event:not(.event-action)")).to_have_count(0)
    expect(page.locator("#timeline .event-kind")).to_have_text(
        [re.compile(r"^Action\b")] * expected_count
    )
    # The chosen chip is marked as current, and only it.
    expect(action_chip(page)).to_have_attribute("aria-current", "true")
    expect(page.locator("nav.chips [aria-current]")).to_have_count(1)
    expect(page.locator("#timeline-status")).to_have_text(
        f"Showing {expected_count} event{'s' if expected_count != 1 else ''}: regulatory action."
    )
    assert marker(page) == 2, "a timeline chip reloaded the whole page"

    # A citation opens to show its quote and a link to the source's own page.
    citations = events.first.locator("details.citations")
    source_link = citations.locator("p.cite a[href^='/sources/']").first
    expect(source_link).to_be_hidden()
    citations.locator("summary").click()
    expect(citations).to_have_attribute("open", "")
    expect(source_link).to_be_visible()
    quote = citations.locator("li").first.locator("blockquote").inner_text()
    href = source_link.get_attribute("href")
    source_link.click()

    expect(page).to_have_url(f"{seeded_live}{href}")
    # The source's page, headed by the headline the citation named.
    cited = Source.objects.get(slug=href.strip("/").split("/")[-1])
    expect(page.get_by_role("heading", level=1)).to_have_text(cited.shown_title)
    expect(page.get_by_role("heading", name="What this source supports")).to_be_visible()
    quotes = page.locator("ol.quotes > li blockquote")
    expect(quotes.first).to_be_visible()
    # The page lists every quote taken from the source, including the one the visitor opened.
    opened = page.locator("ol.quotes > li blockquote", has_text=quote.strip("“”"))
    expect(opened.first).to_be_visible()


def test_filters_work_without_javascript(seeded_live, new_page):
    page = new_page(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page.goto(f"{seeded_live}/agencies/")
    expect(page.locator("#results-heading")).to_have_text(f"{ALL} agencies")

    page.locator("#filter-status").select_option("ended")
    # Nothing happens until the form is submitted: no script is listening for the change.
    expect(page.locator("#results-heading")).to_have_text(f"{ALL} agencies")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply").click()

    expect(page).to_have_url(re.compile(r"/agencies/\?(.*&)?status=ended(&|$)"))
    expect(page.locator("#results-heading")).to_have_text(f"{len(ENDED)} agencies")
    expect(page.locator(RESULT_LINKS)).to_have_text(ENDED)
    expect(page.locator("#filter-status")).to_have_value("ended")

    # The timeline chips are plain links too.
    page.goto(f"{seeded_live}/agencies/toronto-police-service/")
    with page.expect_navigation():
        action_chip(page).click()
    expect(page).to_have_url(re.compile(r"\?kind=action$"))
    expect(page.locator("#timeline li.event:not(.event-action)")).to_have_count(0)
    expect(page.locator("#timeline li.event-action")).not_to_have_count(0)


def test_agency_page_fits_a_phone(seeded_live, new_page, screenshot):
    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page.goto(f"{seeded_live}/agencies/toronto-police-service/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Toronto Police Service")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px on a phone"
    screenshot(page, "phone-agency")


@pytest.mark.parametrize("pause_ms", [0, 150, 450, 900])
def test_typing_then_enter_in_the_agency_search_logs_no_error(seeded_live, page, pause_ms):
    """The typed request and the one Enter sends are queued, not aborted: no htmx error in the
    console (the page fixture fails the test on any), and the view and address are right."""
    page.goto(f"{seeded_live}/agencies/")
    box = page.get_by_label("Search agencies")
    box.press_sequentially("peel", delay=40)
    page.wait_for_timeout(pause_ms)  # before, around and after the 400 ms typing delay
    box.press("Enter")
    expect(page.locator(RESULT_LINKS)).to_have_text(["Peel Regional Police"])
    expect(page).to_have_url(f"{seeded_live}/agencies/?q=peel")
    page.wait_for_timeout(600)  # any late request has landed
    expect(page.locator(RESULT_LINKS)).to_have_text(["Peel Regional Police"])
    page.go_back()
    expect(page).to_have_url(f"{seeded_live}/agencies/")


@pytest.mark.parametrize("pause_ms", [0, 450])
def test_typing_then_enter_in_the_search_page_logs_no_error(seeded_live, page, pause_ms):
    page.goto(f"{seeded_live}/search/")
    box = page.get_by_label("Words to find in names, summaries and quotes")
    box.press_sequentially("halton", delay=40)
    page.wait_for_timeout(pause_ms)
    box.press("Enter")
    expect(page.locator("#r-agencies")).to_be_visible()
    expect(page).to_have_url(f"{seeded_live}/search/?q=halton")
    page.wait_for_timeout(600)
