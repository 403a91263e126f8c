"""What the site answers while its database is away, and how a load balancer asks about it.

A database that cannot be reached is an outage, not a bug: every page and API call answers
503 Service Unavailable with Retry-After, in the site's design (or JSON under /api/), and never
enters the page cache. The site recovers by itself: Django drops a broken connection at the end
of the request and the next request connects afresh.

The 503 comes from a middleware's process_exception rather than a wrapper around the handler:
Django turns a view's exception into a 500 response inside each middleware's get_response, so a
wrapper never sees it, and process_exception runs for exceptions raised while a view or its
template renders (which is where every query runs). handler500 covers the rest (a query in
another middleware) with the same answer.
"""

from __future__ import annotations

import logging
import sys
import uuid
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    InterfaceError,
    OperationalError,
    connections,
)
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from django.views.defaults import server_error

from .errors import error_response
from .replica import REPLICA

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


def is_outage(exc: BaseException | None) -> bool:
    """Whether exc, or an error it was raised from, says the database cannot be reached.

    A lost or refused connection, a locked or unreadable SQLite file: OperationalError and
    InterfaceError, or a bare DatabaseError (SQLite's "file is not a database"). Its other
    subclasses (IntegrityError, ProgrammingError, DataError) are bugs in a query: still a 500."""
    while exc is not None:
        if isinstance(exc, (OperationalError, InterfaceError)) or type(exc) is DatabaseError:
            return True
        exc = exc.__cause__
    return False


def unavailable(request: HttpRequest) -> HttpResponse:
    """The 503 itself, rendered without a query."""
    detail = "The database is unavailable. Please try again shortly."
    response = error_response(request, 503, detail)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)  # no-store: neither the page cache nor a proxy keeps it
    return response


class DatabaseOutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_outage(exception):
            return None
        logger.warning("Database unavailable for %s: %s", request.path, exception)
        return unavailable(request)


def server_error_or_outage(request: HttpRequest) -> HttpResponse:
    """handler500: a database error raised outside any view is still the outage's 503."""
    if is_outage(sys.exc_info()[1]):
        return unavailable(request)
    return server_error(request)


def plain(view):
    """A health check: GET or HEAD, no CSRF, never stored by the page cache or a proxy. It reads
    no session and no user, so it costs nothing but the check itself."""
    return csrf_exempt(require_safe(never_cache(view)))


@plain
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and answering; touches neither the database nor the cache."""
    return JsonResponse({"status": "ok"})


def database_answers(alias: str = DEFAULT_DB_ALIAS) -> None:
    # From a table, not bare `SELECT 1`: SQLite opening a file that is gone creates an empty
    # one, which answers `SELECT 1` while every page fails.
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1 FROM django_migrations LIMIT 1")
        cursor.fetchone()


def cache_answers() -> None:
    key = value = f"readyz:{uuid.uuid4().hex}"  # a key of its own: checks run side by side
    cache.set(key, value, timeout=30)
    try:
        if cache.get(key) != value:
            raise RuntimeError("the cache did not give back what was just stored in it")
    finally:
        cache.delete(key)


def checks() -> dict:
    found = {"database": database_answers, "cache": cache_answers}
    if REPLICA in settings.DATABASES:  # anonymous visitors' pages read from it
        found[REPLICA] = partial(database_answers, REPLICA)
    return found


@plain
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready for traffic: the database (and its replica, when there is one) answers a query and
    the shared cache stores and reads.

    A 503 names each check that failed; the error itself is logged, not shown (it can name
    hosts and ports)."""
    states = {}
    for name, check in checks().items():
        try:
            check()
        except Exception as exc:
            logger.warning("Readiness check %r failed: %r", name, exc)
            states[name] = "unavailable"
        else:
            states[name] = "ok"
    failed = [name for name, state in states.items() if state != "ok"]
    response = JsonResponse(
        {"status": "unavailable" if failed else "ok", "failed": failed, "checks": states},
        status=503 if failed else 200,
    )
    if failed:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
