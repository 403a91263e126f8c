"""Fixtures for the browser tests: one headless Chromium per session, a fresh page per test.

The browser is Debian's Chromium (Playwright cannot download its own here). Without it the
browser tests are skipped, unless REQUIRE_BROWSER=1 says they must run (as in CI).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).parent / "screenshots"
# Generous enough for a first page on a loaded machine (two test processes, one per core), short
# enough that a real hang fails fast.
TIMEOUT_MS = 30_000


def _missing_browser(reason: str):
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} and REQUIRE_BROWSER=1 says the browser tests must run.")
    pytest.skip(f"{reason}; browser tests skipped (set REQUIRE_BROWSER=1 to make this fail).")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        _missing_browser(f"No Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing_browser("Playwright is not installed")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def watch_for_errors(page) -> list[str]:
    """Collect console errors and uncaught exceptions; the caller fails the test on any."""
    errors: list[str] = []

    def on_console(message):
        if message.type == "error":
            location = message.location or {}
            where = f"{location.get('url', '?')}:{location.get('lineNumber', '?')}"
            errors.append(f"console.error: {message.text} ({where})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
    return errors


@pytest.fixture
def new_page(browser):
    """A factory for pages in fresh contexts (pass context options, e.g. viewport).

    Every page it makes is watched: a console error or page error in any fails the test.
    """
    contexts = []
    watched: list[tuple[str, list[str]]] = []

    def make(**context_options):
        context = browser.new_context(**context_options)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        watched.append((f"page {len(watched) + 1}", watch_for_errors(page)))
        return page

    yield make

    for context in contexts:
        context.close()
    problems = [f"{name}: {error}" for name, errors in watched for error in errors]
    if problems:
        pytest.fail("The browser reported errors:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def page(new_page):
    """A desktop-sized page; the test fails at teardown if the page logged an error."""
    return new_page(viewport={"width": 1280, "height": 900})


@pytest.fixture
def seeded_live(transactional_db, live_server):
    """The live server's URL with the seed data loaded.

    live_server answers from another thread, so the data must be committed: transactional_db,
    which flushes the tables after each test, hence seeding per test.
    """
    from agencies.services.seed import load_seed_data

    assert load_seed_data()
    return live_server.url


@pytest.fixture
def screenshot():
    """Save a full-page screenshot as tests/browser/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def save(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
