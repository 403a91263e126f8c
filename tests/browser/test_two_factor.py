"""An editor enrols an authenticator app and signs in with its code, by keyboard alone."""

from __future__ import annotations

import time
from base64 import b32decode

import pytest
from playwright.sync_api import expect

from .test_accessibility import assert_no_violations

pytestmark = pytest.mark.browser

USERNAME = "edna"
PASSWORD = "edna-writes-drafts-42"


def code_from_key(key: str, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the key typed into it (RFC 6238: SHA-1, 30 s, 6
    digits), steps_ahead periods from now."""
    from django_otp.oath import TOTP

    totp = TOTP(b32decode(key.replace(" ", "")))
    totp.time = time.time() + steps_ahead * 30
    return f"{totp.token():06d}"


def sign_in_by_keyboard(page, base_url: str, code: str = "") -> None:
    page.goto(f"{base_url}/admin/")
    expect(page.get_by_label("Username")).to_be_focused()  # admin's autofocus
    page.keyboard.type(USERNAME)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Authenticator code")).to_be_focused()
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{base_url}/admin/")
    expect(page.locator("#user-tools")).to_contain_text(f"Welcome, {USERNAME}")


def test_an_editor_enrols_an_authenticator_and_signs_in_with_it(
    transactional_db, live_server, new_page, screenshot
):
    from django.contrib.auth.models import Group, User

    from agencies.roles import EDITORS, ensure_roles

    ensure_roles()
    editor = User.objects.create_user(USERNAME, password=PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name=EDITORS))

    page = new_page(viewport={"width": 1280, "height": 900})
    sign_in_by_keyboard(page, live_server.url)  # no authenticator yet: no code asked

    page.goto(f"{live_server.url}/admin/two-factor/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator")
    expect(page.get_by_role("img", name="QR code holding the key below")).to_be_visible()
    assert_no_violations(page=page, axe=_axe(), where="the enrolment page")
    screenshot(page, "two-factor-enrol")

    key = page.locator("#totp-key").inner_text()
    expect(page.get_by_role("textbox", name="Code:")).to_be_focused()
    page.keyboard.type(code_from_key(key))
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/admin/")
    expect(page.locator("ul.messagelist .success")).to_contain_text("authenticator is set up")

    # A new session: the password alone is refused, the password with the app's code signs in.
    later = new_page(viewport={"width": 1280, "height": 900})
    later.goto(f"{live_server.url}/admin/login/")
    # Typed only once each field has the focus: on a loaded machine keys typed before the
    # autofocus landed were lost, and the password alone was refused as a wrong password.
    expect(later.get_by_label("Username")).to_be_focused()
    later.keyboard.type(USERNAME)
    later.keyboard.press("Tab")
    expect(later.get_by_label("Password")).to_be_focused()
    later.keyboard.type(PASSWORD)
    later.keyboard.press("Enter")
    expect(later.locator(".errornote")).to_contain_text("type the code it shows now")
    # The code just used is spent; the app's next one is accepted.
    sign_in_by_keyboard(later, live_server.url, code=code_from_key(key, steps_ahead=1))


def _axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()
