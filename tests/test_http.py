"""How public pages answer HTTP methods other than GET, and the CSRF failure page."""

from __future__ import annotations

import pytest
from django.test import Client

PUBLIC_PAGES = [
    "/",
    "/agencies/",
    "/agencies/toronto-police-service/",
    "/incidents/",
    "/sources/ctv-2020-02-26-clearview-breach/",
    "/data/",
    "/feeds/events.atom",
    "/agencies/export.csv",
]


@pytest.fixture
def browser_client():
    """A client that checks CSRF tokens as the live site does (the test client skips it)."""
    return Client(enforce_csrf_checks=True)


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_head_answers_like_get_without_a_body(client, seeded, url):
    get = client.get(url)
    head = client.head(url)
    assert head.status_code == get.status_code == 200
    assert head["Content-Type"] == get["Content-Type"]
    assert b"".join(head) == b""


@pytest.mark.parametrize("url", PUBLIC_PAGES)
@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_a_write_to_a_public_page_is_method_not_allowed(browser_client, seeded, url, method):
    response = getattr(browser_client, method)(url)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_a_real_csrf_failure_is_in_the_site_design(browser_client, db):
    response = browser_client.post("/admin/login/", {"username": "a", "password": "b"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "The form could not be sent" in html
    assert "css/site.css" in html and 'class="site-header"' in html
