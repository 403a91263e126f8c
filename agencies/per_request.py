"""Values a request reads many times, read once and kept for the rest of it."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any


class PerRequestMiddleware:
    """Sets `variable` to what `start()` gives as each request begins, and back after it (None
    outside a request: readers then read the value themselves)."""

    variable: ContextVar

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def start(self) -> Any:
        raise NotImplementedError

    def __call__(self, request):
        token = self.variable.set(self.start())
        try:
            return self.get_response(request)
        finally:
            self.variable.reset(token)
