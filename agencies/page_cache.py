"""A whole-page cache for anonymous visitors, emptied by every write to the record.

Any save, delete or relation change of a record, from admin, an import, a command or a shell,
moves the cache to a new generation, so the next visitor sees the edit. Editors (anyone with a
session) always get fresh pages. Downloads stream and are never cached."""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse

GENERATION_KEY = "public-pages:generation"
# Admin is for editors; the health checks must answer without the cache (tracker/outage.py).
UNCACHED_PATHS = ("/admin/", "/healthz", "/readyz")


def cache_seconds() -> int:
    return settings.PUBLIC_PAGE_CACHE_SECONDS


def new_generation() -> str:
    # In the cache every worker shares (settings.CACHES), so a write in one worker empties the
    # pages of all of them.
    generation = uuid.uuid4().hex
    cache.set(GENERATION_KEY, generation, timeout=None)
    return generation


def current_generation() -> str:
    return cache.get(GENERATION_KEY) or new_generation()


def invalidate() -> None:
    """Every cached page is stale: the next request of each renders afresh."""
    if cache_seconds():
        new_generation()
        # A page rendered between the write and its commit shows the old data under the new
        # generation: move on again once the write is visible to every reader.
        transaction.on_commit(new_generation)


def page_key(request) -> str:
    fragment = request.headers.get("HX-Request", "") + request.headers.get(
        "HX-History-Restore-Request", ""
    )
    # Scheme and host count: a page holds absolute links (feeds, the API's `next`), so one asked
    # for as https://other-name/ must not be served to a visitor of http://this-name/.
    address = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"public-pages:{fragment}:{address}"


def generation_and_entry(key: str) -> tuple[str, tuple | None]:
    """The current generation and the page stored under key, in one cache round trip."""
    found = cache.get_many([GENERATION_KEY, key])
    return found.get(GENERATION_KEY) or new_generation(), found.get(key)


class PublicPageCacheMiddleware:
    """An entry is (generation, headers, body): one written before the latest write is stale,
    and the next visitor's fresh page replaces it under the same key."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.cacheable_request(request):
            return self.get_response(request)
        key = page_key(request)
        generation, entry = generation_and_entry(key)
        if entry is not None and entry[0] == generation:
            _, headers, body = entry
            response = HttpResponse(body, headers=headers)
            response["X-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if self.cacheable_response(response):
            entry = (generation, dict(response.items()), response.content)
            cache.set(key, entry, cache_seconds())
            response["X-Cache"] = "miss"
        return response

    def cacheable_request(self, request) -> bool:
        return (
            cache_seconds() > 0
            and request.method == "GET"
            and settings.SESSION_COOKIE_NAME not in request.COOKIES  # anonymous, no session
            and not request.path.startswith(UNCACHED_PATHS)
        )

    def cacheable_response(self, response) -> bool:
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "no-store" not in response.get("Cache-Control", "")
        )
