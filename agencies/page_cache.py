"""Public pages for anonymous visitors: a whole-page cache emptied by every write to the record,
and the HTTP headers that let browsers and shared caches (a CDN, a reverse proxy) keep them.

Any save, delete or relation change of a record, from admin, an import, a command or a shell,
moves the write generation, so the next visitor sees the edit. The generation carries the time
of the write that made it: that is a page's Last-Modified, and with the page's key its ETag, so a
revalidation is answered 304 after one cache read, before any view runs. Editors (anyone with a
session) always get fresh pages, marked private. Downloads stream and are never cached."""

from __future__ import annotations

import datetime
import hashlib
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

GENERATION_KEY = "public-pages:write-generation"
# Admin is for editors; the health checks must answer without the cache (tracker/outage.py);
# whitenoise serves static files with validators of its own.
UNCACHED_PATHS = ("/admin/", "/healthz", "/readyz", f"/{settings.STATIC_URL.strip('/')}/")
# A public page differs by these request headers: htmx asks for a fragment or the whole page, and
# a session cookie makes an editor, whose pages are fresh and private (a shared cache that keys
# on Cookie never gives an editor the anonymous page, nor an anonymous visitor an editor's).
VARY = ("Cookie", "HX-Request", "HX-History-Restore-Request")
# When many visitors miss one page at once, one renders it and the others wait up to
# RENDER_WAIT_SECONDS for its entry, looking every POLL_SECONDS, then render it themselves.
RENDER_WAIT_SECONDS = 2.0
POLL_SECONDS = 0.05
# A render lock outlives a worker killed mid-render by at most this long.
LOCK_SECONDS = 30
# Left in the lock by a render that could not be stored (a 404, a redirect): the waiters stop
# waiting for an entry that will never come.
UNSTORABLE = "unstorable"


def cache_seconds() -> int:
    return settings.PUBLIC_PAGE_CACHE_SECONDS


def http_max_age() -> int:
    return settings.PUBLIC_HTTP_MAX_AGE


def generation_from_now() -> str:
    return f"{int(time.time())}-{uuid.uuid4().hex}"


def new_generation() -> str:
    # In the cache every worker shares (settings.CACHES), so a write in one worker empties the
    # pages of all of them.
    generation = generation_from_now()
    cache.set(GENERATION_KEY, generation, timeout=None)
    return generation


def first_generation() -> str:
    """A generation where the cache holds none (a first start, or an evicted key): the same for
    every request asking at once, so that they share one render."""
    generation = generation_from_now()
    if cache.add(GENERATION_KEY, generation, timeout=None):
        return generation
    return cache.get(GENERATION_KEY) or generation


def written_at(generation: str) -> int:
    """The Unix time of the write that made the generation."""
    return int(generation.partition("-")[0])


def current_generation() -> str:
    return cache.get(GENERATION_KEY) or first_generation()


def invalidate() -> None:
    """Every cached page is stale once the write commits: the next request of each renders
    afresh. A page rendered before the commit shows the old data under the old generation."""
    if not (cache_seconds() or http_max_age()):
        return
    # Once a transaction, however many rows it writes: an edit saves a record, its relations
    # and statuses, and each move would make every page render again (Django keeps the
    # transaction's on-commit callbacks in run_on_commit, dropping those of a rolled-back
    # savepoint).
    pending = transaction.get_connection().run_on_commit
    if not any(callback is new_generation for _, callback, _ in pending):
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
    found = cache.get_many([GENERATION_KEY, key] if cache_seconds() else [GENERATION_KEY])
    return found.get(GENERATION_KEY) or first_generation(), found.get(key)


def validators(generation: str, key: str) -> tuple[str, int]:
    """The page's ETag and Last-Modified (a Unix time): one version per write and page key."""
    # Every record page prints the day it was read (its "cite this" line): a new day is a new
    # version, even with no write since.
    today = timezone.localdate()
    midnight = datetime.datetime.combine(today, datetime.time(), timezone.get_current_timezone())
    digest = hashlib.sha256(f"{generation}|{today}|{key}".encode()).hexdigest()[:32]
    # Weak: it names the version of the record the page shows, not the bytes of one rendering.
    return f'W/"{digest}"', max(written_at(generation), int(midnight.timestamp()))


def signed_in(request) -> bool:
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def storable(response) -> bool:
    """Whether a response may be kept, by the page cache or, marked public, by anyone."""
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "no-store" not in cache_control
        and "private" not in cache_control
    )


def mark_public(response, etag: str, last_modified: int) -> None:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    # max-age, not a longer s-maxage: nothing purges a CDN on a write, so max-age is how long
    # any cache may show a page older than the record, browsers and shared caches alike.
    stale = settings.PUBLIC_HTTP_STALE_SECONDS
    patch_cache_control(
        response,
        public=True,
        max_age=http_max_age(),
        stale_while_revalidate=stale,
        stale_if_error=stale,
    )
    patch_vary_headers(response, VARY)


def mark_private(response) -> None:
    """An editor's public page is theirs alone, and fresh on every visit. (Admin sends its own
    never-cache headers, and a preview no-store: both say more, and are left alone.)"""
    if "no-store" not in response.get("Cache-Control", ""):
        patch_cache_control(response, private=True, no_cache=True)


def stale_page(entry: tuple) -> HttpResponse:
    """A stored page older than the latest write, while its fresh render is under way: never
    kept by another cache (no validators, no-cache), and at most one render behind."""
    _, headers, body = entry
    response = HttpResponse(body, headers=headers)
    response["X-Cache"] = "stale"
    patch_cache_control(response, no_cache=True)
    return response


class PublicPageCacheMiddleware:
    """A page cache entry is (generation, headers, body): one written before the latest write is
    stale, and the next visitor's fresh page replaces it under the same key."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.public_request(request):
            response = self.get_response(request)
            if http_max_age() and signed_in(request) and not self.uncached_path(request):
                mark_private(response)
            return response
        key = page_key(request)
        generation, entry = generation_and_entry(key)
        etag, last_modified = validators(generation, key)
        if http_max_age():
            conditional = get_conditional_response(request, etag=etag, last_modified=last_modified)
            # Only a 304 is answered here: a failed If-Match means nothing for a page that may
            # turn out a 404 once its view runs.
            if conditional is not None and conditional.status_code == 304:
                mark_public(conditional, etag, last_modified)
                return conditional
        response = self.cached_or_rendered(request, key, generation, entry)
        if http_max_age() and storable(response) and response.get("X-Cache") != "stale":
            mark_public(response, etag, last_modified)
        return response

    def public_request(self, request) -> bool:
        return (
            (cache_seconds() > 0 or http_max_age() > 0)
            and request.method in ("GET", "HEAD")
            and not signed_in(request)
            and not self.uncached_path(request)
        )

    def uncached_path(self, request) -> bool:
        return request.path.startswith(UNCACHED_PATHS)

    def cached_or_rendered(self, request, key: str, generation: str, entry: tuple | None):
        """The page from the cache, else rendered by this request or by a concurrent one.

        Everything is of the generation read when the request came: a write while it waits
        is seen by the next request, as with a write during a render."""
        if not cache_seconds():
            return self.get_response(request)
        # One render of a page at a time, whatever generation it is for: with an edit a second
        # and a render that takes longer, a lock per generation would let every worker render
        # the same page at once, and none would be left to answer.
        lock = f"{key}:rendering"
        deadline = time.monotonic() + RENDER_WAIT_SECONDS
        while entry is None or entry[0] != generation:
            if cache.add(lock, "rendering", LOCK_SECONDS):
                # The entry read before may be older than the lock: another request's render
                # may have landed in between, and released the lock this one now holds.
                entry = cache.get(key)
                if entry is not None and entry[0] == generation:
                    cache.delete(lock)
                    break
                return self.render_and_store(request, key, generation, lock)
            if entry is not None:
                # Another request is rendering the page: until it lands, the page as it was,
                # so that an edit a second does not hold every visitor to one render after
                # another. The page is at most one render behind the latest write.
                return stale_page(entry)
            if time.monotonic() >= deadline:
                # The other render is slow or its worker died: better a render than a hang.
                return self.render_and_store(request, key, generation)
            time.sleep(POLL_SECONDS)
            found = cache.get_many([key, lock])
            if found.get(lock) == UNSTORABLE:
                return self.render_and_store(request, key, generation)
            entry = found.get(key)
        _, headers, body = entry
        response = HttpResponse(body, headers=headers)
        response["X-Cache"] = "hit"
        return response

    def render_and_store(self, request, key: str, generation: str, lock: str | None = None):
        try:
            response = self.get_response(request)
        except BaseException:
            if lock:
                cache.delete(lock)
            raise
        if storable(response):
            cache.set(key, (generation, dict(response.items()), response.content), cache_seconds())
            response["X-Cache"] = "miss"
            if lock:
                cache.delete(lock)
        elif lock:
            cache.set(lock, UNSTORABLE, LOCK_SECONDS)
        return response
