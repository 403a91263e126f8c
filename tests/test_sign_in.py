"""Signing in to admin: the lockout after wrong passwords (django-axes), and the authenticator
code (django-otp) that sign-in asks of those who enrolled one, and of publishers when required."""

from __future__ import annotations

import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.roles import EDITORS, PUBLISHERS
from agencies.sign_in import client_ip

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
TWO_FACTOR = "/admin/two-factor/"
PASSWORD = "a long and right password"


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    """Hashing at full strength costs ~0.25 s a password; these tests sign in dozens of times."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.PUBLISHERS_NEED_TWO_FACTOR = False


def member(django_user_model, username: str, group: str = EDITORS):
    user = django_user_model.objects.create_user(username, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def sign_in(client, username: str, password: str = PASSWORD, code: str = "", address="10.0.0.1"):
    data = {"username": username, "password": password, "otp_token": code, "next": "/admin/"}
    return client.post(LOGIN, data, REMOTE_ADDR=address)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail_until_locked(client, username: str, address="10.0.0.1"):
    """Five wrong passwords: the first four answer the form again, the fifth locks."""
    for _ in range(4):
        assert sign_in(client, username, "wrong", address=address).status_code == 200
    return sign_in(client, username, "wrong", address=address)


def current_code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the user's app shows, or will show steps_ahead periods from now (a code once
    accepted is never accepted again; the next period's is, within the device's tolerance)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    window = {current_code(device, steps) for steps in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222") if code not in window)


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=True)


# The lockout


def test_the_fifth_wrong_password_locks_even_the_right_one(client, django_user_model):
    member(django_user_model, "alice")
    locked = fail_until_locked(client, "alice")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "<h1>Sign-in locked</h1>" in page
    assert "15 minutes" in page and "ask a publisher" in page
    assert locked["Retry-After"] == "900"

    right = sign_in(client, "alice")
    assert right.status_code == 429
    assert not signed_in(client)


def test_a_locked_name_is_locked_from_every_address_and_no_one_else(client, django_user_model):
    member(django_user_model, "alice")
    member(django_user_model, "bob")
    assert fail_until_locked(client, "alice", address="10.0.0.1").status_code == 429

    assert sign_in(Client(), "alice", address="10.0.0.2").status_code == 429
    bob = Client()
    assert sign_in(bob, "bob", address="10.0.0.2").status_code == 302
    assert signed_in(bob)


def test_a_locked_address_is_locked_for_every_name(client, django_user_model):
    member(django_user_model, "bob")
    for guess in ("root", "admin", "editor", "test"):  # one wrong password per name
        assert sign_in(client, guess, "wrong", address="10.0.0.3").status_code == 200
    assert sign_in(client, "guest", "wrong", address="10.0.0.3").status_code == 429

    assert sign_in(Client(), "bob", address="10.0.0.3").status_code == 429
    assert sign_in(Client(), "bob", address="10.0.0.4").status_code == 302


def test_a_right_password_starts_the_count_again(client, django_user_model):
    member(django_user_model, "alice")
    for _ in range(4):
        sign_in(client, "alice", "wrong")
    assert sign_in(client, "alice").status_code == 302
    client.post(reverse("admin:logout"))
    for _ in range(4):
        assert sign_in(client, "alice", "wrong").status_code == 200
    assert sign_in(client, "alice").status_code == 302


def test_a_publisher_unlocks_by_deleting_the_attempts_in_admin(client, django_user_model):
    member(django_user_model, "alice")
    fail_until_locked(client, "alice")
    publisher = Client()
    publisher.force_login(member(django_user_model, "pat", PUBLISHERS))

    listing = publisher.get(reverse("admin:axes_accessattempt_changelist"), {"q": "alice"})
    assert listing.status_code == 200
    assert "alice" in listing.content.decode()
    for attempt in AccessAttempt.objects.filter(username="alice"):
        url = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
        assert publisher.post(url, {"post": "yes"}).status_code == 302
    # Unlocked by name; the address the guesses came from is counted apart, and is unlocked too.
    assert not AccessAttempt.objects.exists()

    assert sign_in(client, "alice").status_code == 302


def test_an_editor_cannot_unlock(client, django_user_model):
    client.force_login(member(django_user_model, "eddie"))
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403


def test_the_shell_command_unlocks_a_name(client, django_user_model):
    member(django_user_model, "alice")
    fail_until_locked(client, "alice")
    call_command("axes_reset_username", "alice", verbosity=0)
    assert sign_in(client, "alice").status_code == 302


def test_the_client_address_is_read_from_the_proxy_only_behind_one(settings):
    request = RequestFactory().post(
        LOGIN, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )
    settings.BEHIND_PROXY = False
    assert client_ip(request) == "127.0.0.1"  # the header is anyone's to write
    settings.BEHIND_PROXY = True
    settings.PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.7"  # what the proxy appended, not what came in


# The authenticator


def test_an_editor_enrols_and_sign_in_then_asks_for_the_code(client, django_user_model):
    editor = member(django_user_model, "eddie")
    client.force_login(editor)
    page = client.get(TWO_FACTOR)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Set up an authenticator" in html
    assert '<svg width="' in html and 'class="segno"' in html
    assert "style=" not in html.split('class="qr-code"')[1].split("</div>")[0]
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    assert page.context["key"].replace(" ", "") in html.replace(" ", "")

    assert client.post(TWO_FACTOR, {"otp_token": wrong_code(device)}).status_code == 200  # refused
    device.throttle_reset()
    confirmed = client.post(TWO_FACTOR, {"otp_token": current_code(device)})
    assert confirmed.status_code == 302
    device.refresh_from_db()
    assert device.confirmed

    client.post(reverse("admin:logout"))
    without = sign_in(client, "eddie")
    assert without.status_code == 200
    assert "type the code it shows now" in without.content.decode()
    assert not signed_in(client)
    assert sign_in(client, "eddie", code=current_code(device, steps_ahead=1)).status_code == 302
    assert signed_in(client)


def test_a_wrong_code_is_refused_and_the_next_try_throttled(client, django_user_model):
    device = enrolled(member(django_user_model, "eddie"))
    wrong = sign_in(client, "eddie", code=wrong_code(device))
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()
    # django-otp waits 1 s after one wrong code, 2 s after two, and so on: even the right code.
    throttled = sign_in(client, "eddie", code=current_code(device))
    assert "Too many wrong codes" in throttled.content.decode()
    assert not signed_in(client)


def test_an_enrolment_never_confirmed_asks_no_code(client, django_user_model):
    TOTPDevice.objects.create(user=member(django_user_model, "eddie"), confirmed=False)
    assert sign_in(client, "eddie").status_code == 302


def test_an_enrolled_user_removes_the_authenticator_with_a_code(client, django_user_model):
    device = enrolled(member(django_user_model, "eddie"))
    assert sign_in(client, "eddie", code=current_code(device)).status_code == 302
    page = client.get(TWO_FACTOR)
    assert "Remove my authenticator" in page.content.decode()
    assert client.post(TWO_FACTOR, {"otp_token": current_code(device, 1)}).status_code == 302
    assert not TOTPDevice.objects.exists()


def test_a_publisher_removes_someone_elses_authenticator_in_admin(client, django_user_model):
    device = enrolled(member(django_user_model, "eddie"))
    client.force_login(member(django_user_model, "pat", PUBLISHERS))
    # Seen, but never the key or its QR code: with it, anyone could make eddie's codes.
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200 and device.key not in page.content.decode()
    config = reverse("admin:otp_totp_totpdevice_config", args=[device.pk])
    assert client.get(config).status_code == 403
    url = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.exists()


def test_publishers_give_a_code_first_when_the_setting_says(client, django_user_model, settings):
    settings.PUBLISHERS_NEED_TWO_FACTOR = True
    publisher = member(django_user_model, "pat", PUBLISHERS)
    client.force_login(publisher)
    response = client.get("/admin/agencies/agency/")
    assert response.status_code == 302
    assert response["Location"] == f"{TWO_FACTOR}?next=/admin/agencies/agency/"
    assert client.get(reverse("review_queue")).status_code == 302
    assert "Set up an authenticator" in client.get(TWO_FACTOR).content.decode()

    device = TOTPDevice.objects.get(user=publisher)
    enrol = client.post(
        f"{TWO_FACTOR}?next=/admin/agencies/agency/", {"otp_token": current_code(device)}
    )
    assert enrol["Location"] == "/admin/agencies/agency/"
    assert client.get("/admin/agencies/agency/").status_code == 200

    # A new session asks again; one who has a device gives its code, and may always log out.
    again = Client()
    again.force_login(publisher)
    assert again.get("/admin/")["Location"] == f"{TWO_FACTOR}?next=/admin/"
    assert "Type your authenticator code" in again.get(TWO_FACTOR).content.decode()
    assert again.post(reverse("admin:logout")).status_code == 200
    assert not signed_in(again)


def test_publishers_sign_in_as_before_when_the_setting_is_off(client, django_user_model):
    client.force_login(member(django_user_model, "pat", PUBLISHERS))
    assert client.get("/admin/").status_code == 200


def test_editors_need_no_code_even_when_publishers_do(client, django_user_model, settings):
    settings.PUBLISHERS_NEED_TWO_FACTOR = True
    member(django_user_model, "eddie")
    assert sign_in(client, "eddie").status_code == 302
    assert client.get("/admin/").status_code == 200
