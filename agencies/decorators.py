"""Decorators for the public site's views."""

from __future__ import annotations

from collections.abc import Callable

from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe


def public_page(view: Callable) -> Callable:
    """A read-only public page: GET and HEAD, anything else a 405 that names them (Allow).

    Exempt from CSRF, which checks only unsafe methods and runs before the view: without this a
    POST met a CSRF failure (403) instead of the 405 it is. The view never accepts a write.
    """
    return csrf_exempt(require_safe(view))
