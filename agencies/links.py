"""Addresses of record pages, built from a pattern reversed once per process: a timeline of
fifty events and their sources links to a hundred pages, and Django's reverse() matches the
arguments against the pattern again on every call (a tenth of a record page's rendering)."""

from __future__ import annotations

from functools import cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, reverse

# Matches both <int:pk> and <slug:slug>, and is no real record's id or slug.
PLACEHOLDER = "9081726354"


def record_url(view_name: str, key: int | str) -> str:
    """reverse(view_name, args=[key]) for a record page's one argument, a slug or an id (which
    never need quoting)."""
    before, after = around(view_name, get_script_prefix())
    return f"{before}{key}{after}"


@cache
def around(view_name: str, script_prefix: str) -> tuple[str, str]:
    """The address of view_name under the script prefix (as reverse() encodes it), either side
    of its argument."""
    before, found, after = reverse(view_name, args=[PLACEHOLDER]).partition(PLACEHOLDER)
    if not found:
        raise ValueError(f"{view_name}'s address does not hold its argument as given")
    return before, after


@receiver(setting_changed)
def forget_patterns(*, setting: str, **kwargs) -> None:
    if setting == "ROOT_URLCONF":
        around.cache_clear()
