"""Small helpers shared by the browser tests."""

from __future__ import annotations

import re


def is_htmx_response(url_part: str):
    """A predicate for page.expect_response: an htmx (fragment) request whose URL has url_part."""

    def predicate(response) -> bool:
        return url_part in response.url and response.request.headers.get("hx-request") == "true"

    return predicate


def action_chip(page):
    """The Toronto timeline's "Regulatory action (n)" filter chip."""
    return page.locator("nav.chips").get_by_role("link", name=re.compile(r"^Regulatory action"))
