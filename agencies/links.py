"""Addresses of record pages, built from a pattern reversed once per process: a timeline of
fifty events and their sources links to a hundred pages, and Django's reverse() matches the
arguments against the pattern again on every call (a tenth of a record page's rendering)."""

from __future__ import annotations

from contextvars import ContextVar
from functools import cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, reverse

from .per_request import PerRequestMiddleware

# Matches both <int:pk> and <slug:slug>, and is no real record's id or slug.
PLACEHOLDER = "9081726354"
# The script prefix of the request being served (None outside a request): Django sets it as
# the request starts, in an asgiref Local whose every read cost most of what writing an address
# costs, and a record page writes hundreds.
_request_prefix: ContextVar[str | None] = ContextVar("script_prefix", default=None)


class OneScriptPrefixPerRequestMiddleware(PerRequestMiddleware):
    """Reads the request's script prefix once, for every address record_url writes."""

    variable = _request_prefix

    def start(self) -> str:
        return get_script_prefix()


def record_url(view_name: str, key: int | str) -> str:
    """reverse(view_name, args=[key]) for a record page's one argument, a slug or an id (which
    never need quoting)."""
    before, after = around(view_name, _request_prefix.get() or get_script_prefix())
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
