"""Signing in to admin: a lockout after repeated wrong passwords (django-axes), and a second
factor, the codes of an authenticator app (django-otp's TOTP devices).

The admin site here is Django's, with three additions: its sign-in form asks for the code once a
user has enrolled an authenticator; /admin/two-factor/ enrols, verifies and removes one; and, with
PUBLISHERS_NEED_TWO_FACTOR, a publisher gives a code before any other admin page."""

from __future__ import annotations

import math
from base64 import b32encode
from datetime import timedelta
from functools import update_wrapper

import segno
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .roles import is_publisher

CODE_WIDGET = forms.TextInput(
    attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}
)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address (AXES_CLIENT_IP_CALLABLE): the socket's, or behind a proxy, the one
    the nearest trusted proxy appended to X-Forwarded-For. Entries left of it are the client's
    own to write, so they are never believed."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= settings.PROXY_COUNT:
            return hops[-settings.PROXY_COUNT]
    return request.META.get("REMOTE_ADDR")


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The "Sign-in locked" page (AXES_LOCKOUT_CALLABLE), in admin's look: 429 Too Many Requests."""
    cool_off: timedelta = settings.AXES_COOLOFF_TIME
    context = {
        **admin.site.each_context(request),
        "title": "Sign-in locked",
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": round(cool_off.total_seconds() / 60),
    }
    response = render(request, "admin/locked_out.html", context, status=429)
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


def confirmed_device(user) -> TOTPDevice | None:
    """The user's authenticator, once enrolled (confirmed by a code)."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def check_code(device: TOTPDevice, code: str) -> TOTPDevice:
    """The device, if the code is one it shows now; else a ValidationError. Wrong codes are
    throttled by django-otp: after n wrong ones, the next is refused for 2^(n-1) seconds."""
    code = code.replace(" ", "")
    with transaction.atomic():  # one verification at a time, so the throttle counts every one
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, refusal = device.verify_is_allowed()
        # A failure is saved (throttle_increment) before it is raised, outside the transaction.
        verified = allowed and device.verify_token(code)
    if not allowed:
        wait = math.ceil((refusal["locked_until"] - timezone.now()).total_seconds())
        raise ValidationError(
            f"Too many wrong codes in a row: wait {max(wait, 1)} s, then type the newest code.",
            code="throttled",
        )
    if not verified:
        raise ValidationError(
            "That code is not right, or has been used. Type the code your app shows now.",
            code="invalid_code",
        )
    return device


class CodeForm(forms.Form):
    """One code from the authenticator app, checked against one device."""

    otp_token = forms.CharField(
        label="Code",
        max_length=10,
        # The page's one field: the cursor starts in it.
        widget=forms.TextInput(attrs={**CODE_WIDGET.attrs, "autofocus": True}),
        help_text="The 6-digit code your authenticator app shows now.",
    )

    def __init__(self, *args, device: TOTPDevice, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_otp_token(self) -> str:
        self.device = check_code(self.device, self.cleaned_data["otp_token"])
        return self.cleaned_data["otp_token"]


class SignInForm(AdminAuthenticationForm):
    """Admin's sign-in, asking also for a code from those who enrolled an authenticator."""

    otp_token = forms.CharField(
        label="Authenticator code",
        required=False,
        max_length=10,
        widget=CODE_WIDGET,
        help_text="Only if you have set up an authenticator app: the code it shows now.",
    )

    def clean(self):
        cleaned_data = super().clean()  # the password; django-axes counts a wrong one
        user = self.get_user()
        device = confirmed_device(user) if user is not None else None
        if device is not None:
            if not cleaned_data.get("otp_token"):
                raise ValidationError(
                    "This account has an authenticator: type the code it shows now.",
                    code="code_required",
                )
            # django-otp keeps the device in the session at login: the session is verified.
            user.otp_device = check_code(device, cleaned_data["otp_token"])
        return cleaned_data


def needs_second_factor(user) -> bool:
    """A publisher who has not given a code this session, when PUBLISHERS_NEED_TWO_FACTOR."""
    return (
        settings.PUBLISHERS_NEED_TWO_FACTOR
        and user.is_active
        and user.is_staff
        and not user.is_verified()
        and is_publisher(user)
    )


def qr_code_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// link as a QR code, inline SVG: no image request, no style."""
    qr = segno.make(device.config_url, error="m")
    return mark_safe(qr.svg_inline(scale=5, border=4, dark="#000", light="#fff"))


def grouped_key(device: TOTPDevice) -> str:
    """The secret key in base32, in groups of four, for typing into an app by hand."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[start : start + 4] for start in range(0, len(key), 4))


class TrackerAdminSite(admin.AdminSite):
    login_form = SignInForm
    login_template = "admin/sign_in.html"

    def get_urls(self):
        two_factor = path("two-factor/", self.admin_view(self.two_factor), name="two_factor")
        return [two_factor, *super().get_urls()]

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)
        if view in (self.logout, self.two_factor):  # always reachable
            return inner

        def after_second_factor(request, *args, **kwargs):
            if needs_second_factor(request.user):
                return redirect_to_login(request.get_full_path(), reverse("admin:two_factor"))
            return inner(request, *args, **kwargs)

        return update_wrapper(after_second_factor, inner)

    def two_factor(self, request: HttpRequest) -> HttpResponse:
        """Enrol an authenticator (scan, then confirm with a code), give a code for this
        session, or remove the authenticator (with a code)."""
        user = request.user
        device = confirmed_device(user)
        if device is None:
            stage = "enrol"
            device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
            if device is None:
                device = TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=False)
        else:
            stage = "remove" if user.is_verified() else "verify"

        form = CodeForm(request.POST or None, device=device)
        if request.method == "POST" and form.is_valid():
            device = form.device
            if stage == "remove":
                device.delete()
                messages.success(request, "Your authenticator is removed: sign-in asks no code.")
                return HttpResponseRedirect(reverse("admin:two_factor"))
            if stage == "enrol":
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                messages.success(request, "Your authenticator is set up: sign-in asks its code.")
            otp_login(request, device)
            return HttpResponseRedirect(self.next_url(request))

        context = {
            **self.each_context(request),
            "title": {
                "enrol": "Set up an authenticator",
                "verify": "Type your authenticator code",
                "remove": "Your authenticator",
            }[stage],
            "stage": stage,
            "form": form,
            "next": self.next_url(request),
            "publisher_required": needs_second_factor(user),
        }
        if stage == "enrol":
            context |= {"qr_code": qr_code_svg(device), "key": grouped_key(device)}
        request.current_app = self.name
        return TemplateResponse(request, "admin/two_factor.html", context)

    def next_url(self, request: HttpRequest) -> str:
        wanted = request.POST.get("next") or request.GET.get("next", "")
        allowed = url_has_allowed_host_and_scheme(
            wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        return wanted if allowed else reverse("admin:index", current_app=self.name)
