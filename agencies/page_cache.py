"""A whole-page cache for anonymous visitors, emptied by every write to the record.

Any save, delete or relation change of a record, from admin, an import, a command or a shell,
moves the cache to a new generation, so the next visitor sees the edit. Editors (anyone with a
session) always get fresh pages. Downloads stream and are never cached."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse

GENERATION_KEY = "public-pages:generation"


def cache_seconds() -> int:
    return settings.PUBLIC_PAGE_CACHE_SECONDS


def generation_in_file() -> bool:
    # Local memory is one per worker process, so the generation that all workers must agree on
    # lives in a small file beside the project instead; Redis is shared, so it lives there.
    return settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")


def new_generation() -> str:
    generation = uuid.uuid4().hex
    if generation_in_file():
        stamp = Path(settings.PAGE_CACHE_STAMP)
        temporary = stamp.with_name(f"{stamp.name}.{generation}")
        temporary.write_text(generation)
        temporary.replace(stamp)  # atomic: a reader sees the old generation or the new one
    else:
        cache.set(GENERATION_KEY, generation, timeout=None)
    return generation


def current_generation() -> str:
    if generation_in_file():
        try:
            return Path(settings.PAGE_CACHE_STAMP).read_text() or new_generation()
        except FileNotFoundError:
            return new_generation()
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
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"public-pages:{fragment}:{path}"


def generation_and_entry(key: str) -> tuple[str, tuple | None]:
    """The current generation and the page stored under key, in one cache round trip."""
    if generation_in_file():
        return current_generation(), cache.get(key)
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
            and not request.path.startswith("/admin/")
        )

    def cacheable_response(self, response) -> bool:
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "no-store" not in response.get("Cache-Control", "")
        )
