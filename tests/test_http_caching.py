"""HTTP caching of public pages: ETag and Last-Modified from the write generation, a 304 before
any view runs, Cache-Control and Vary for shared caches, none of it for editors, and one render
when many visitors miss the same page at once."""

import threading
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, HttpResponseNotFound
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils.http import parse_http_date

from agencies import page_cache
from agencies.models import Agency

from . import factories as f

TORONTO = "/agencies/toronto-police-service/"
PUBLIC_PAGES = [
    TORONTO,
    "/agencies/?status=ended",
    "/api/v1/agencies?page_size=1",
    "/feeds/events.atom",
]
HX = {"HX-Request": "true"}


@pytest.fixture
def http_caching(settings):
    settings.PUBLIC_HTTP_MAX_AGE = 60
    settings.PUBLIC_HTTP_STALE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(params=["page cache on", "page cache off"])
def either_page_cache(request, settings, http_caching):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300 if request.param == "page cache on" else 0
    return request.param


def listed(header: str) -> set[str]:
    """A comma-separated header's items (Cache-Control's directives, Vary's names)."""
    return {item.strip() for item in header.split(",")}


def conditional_get(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    return response, len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_a_public_page_tells_caches_how_to_keep_it(client, seeded, http_caching, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["ETag"].startswith('W/"')
    assert parse_http_date(response["Last-Modified"]) <= time.time()
    assert {"public", "max-age=60", "stale-while-revalidate=300", "stale-if-error=300"} <= (
        listed(response["Cache-Control"])
    )
    assert {"Cookie", "HX-Request", "HX-History-Restore-Request"} <= listed(response["Vary"])


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "head"])
def test_a_revalidation_is_a_304_without_a_render(client, seeded, either_page_cache, method):
    first = client.get(TORONTO)
    etag = first["ETag"]
    with CaptureQueriesContext(connection) as queries:
        again = getattr(client, method)(TORONTO, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert len(queries) == 0
    assert "X-Cache" not in again  # nor from the page cache: one read of the generation
    # A 304 carries what the 200 would have: the same validators and caching rules.
    assert again["ETag"] == etag
    assert again["Last-Modified"] == first["Last-Modified"]
    assert again["Cache-Control"] == first["Cache-Control"]
    assert "HX-Request" in again["Vary"]


@pytest.mark.django_db
def test_if_modified_since_alone_is_answered_too(client, seeded, either_page_cache):
    first = client.get(TORONTO)
    again, queries = conditional_get(client, TORONTO, If_Modified_Since=first["Last-Modified"])
    assert (again.status_code, queries) == (304, 0)
    # A stale ETag wins over a date that still matches: If-None-Match is asked first.
    stale = 'W/"0123456789abcdef0123456789abcdef"'
    fresh, _ = conditional_get(
        client, TORONTO, If_None_Match=stale, If_Modified_Since=first["Last-Modified"]
    )
    assert fresh.status_code == 200
    assert fresh.content == first.content


@pytest.mark.django_db
def test_an_edit_gives_a_new_etag_and_last_modified(
    client, seeded, either_page_cache, django_capture_on_commit_callbacks
):
    # The record last written long ago: Last-Modified is today's midnight, when the page's
    # "accessed" date last changed.
    cache.set(page_cache.GENERATION_KEY, "1000000000-old", timeout=None)
    before = client.get(TORONTO)
    toronto = Agency.objects.get(slug="toronto-police-service")
    toronto.summary = "A corrected summary, just saved."
    with django_capture_on_commit_callbacks(execute=True):
        toronto.save()  # the signals call invalidation.record_changed()
    after, queries = conditional_get(client, TORONTO, If_None_Match=before["ETag"])
    assert after.status_code == 200
    assert queries > 0
    assert "A corrected summary, just saved." in after.content.decode()
    assert after["ETag"] != before["ETag"]
    assert parse_http_date(after["Last-Modified"]) > parse_http_date(before["Last-Modified"])
    assert parse_http_date(after["Last-Modified"]) == pytest.approx(time.time(), abs=5)


@pytest.mark.django_db
def test_each_representation_has_its_own_etag(client, seeded, http_caching):
    url = "/agencies/?status=ended"
    page = client.get(url)
    fragment = client.get(url, headers=HX)
    restored = client.get(url, headers=HX | {"HX-History-Restore-Request": "true"})
    other_host = client.get(url, headers={"host": "localhost"})
    etags = {r["ETag"] for r in (page, fragment, restored, other_host)}
    assert len(etags) == 4
    # The fragment's ETag never validates the whole page.
    response, _ = conditional_get(client, url, If_None_Match=fragment["ETag"])
    assert response.status_code == 200
    assert b"<html" in response.content


def assert_not_public(response) -> None:
    assert "ETag" not in response
    assert "Last-Modified" not in response
    assert "public" not in response.get("Cache-Control", "")
    assert "X-Cache" not in response


@pytest.mark.django_db
def test_editors_get_private_fresh_pages(admin_client, client, seeded, http_caching):
    anonymous = client.get(TORONTO)
    response = admin_client.get(TORONTO, headers={"If-None-Match": anonymous["ETag"]})
    assert response.status_code == 200  # never a 304 for an anonymous page's ETag
    assert_not_public(response)
    assert response["Cache-Control"] == "private, no-cache"
    admin = admin_client.get("/admin/")
    assert_not_public(admin)
    assert {"no-store", "private", "no-cache"} <= listed(admin["Cache-Control"])


@pytest.mark.django_db
def test_a_preview_is_never_stored(admin_client, seeded, http_caching):
    draft = f.make_agency(publication="review")
    response = admin_client.get(f"{draft.get_absolute_url()}?preview")
    assert response.status_code == 200
    assert_not_public(response)
    assert response["Cache-Control"] == "no-store, private"  # left as the view sent it


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/agencies/export.csv", "/agencies/no-such-agency/", "/healthz", "/readyz", "/agencies/?q="],
)
def test_downloads_errors_redirects_and_health_checks_get_no_caching_headers(
    client, seeded, either_page_cache, url
):
    response = client.get(url)
    assert_not_public(response)


def middleware(render):
    return page_cache.PublicPageCacheMiddleware(render)


def at_once(count: int, call) -> list:
    """count threads make the call together; their answers."""
    start = threading.Barrier(count)
    answers = [None] * count

    def run(index):
        start.wait()
        answers[index] = call()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return answers


class CountingView:
    def __init__(self, seconds: float, response=HttpResponse):
        self.seconds, self.response, self.calls = seconds, response, 0
        self.lock = threading.Lock()

    def __call__(self, request):
        with self.lock:
            self.calls += 1
        time.sleep(self.seconds)
        return self.response("the page")


def test_many_misses_of_one_page_render_it_once(page_cache_on):
    view = CountingView(seconds=0.3)
    handler = middleware(view)
    answers = at_once(8, lambda: handler(RequestFactory().get("/agencies/")))
    assert view.calls == 1
    assert [a.content for a in answers] == [b"the page"] * 8
    assert sorted(a["X-Cache"] for a in answers) == ["hit"] * 7 + ["miss"]


def test_while_one_request_renders_after_a_write_the_others_get_the_page_as_it_was(
    page_cache_on, settings
):
    settings.PUBLIC_HTTP_MAX_AGE = 60
    pages = iter([b"before the write", b"after the write"])
    view = CountingView(seconds=0.5, response=lambda _: HttpResponse(next(pages)))
    handler = middleware(view)
    get = lambda: handler(RequestFactory().get("/agencies/"))  # noqa: E731
    assert get().content == b"before the write"
    page_cache.new_generation()  # a write
    rendering = threading.Thread(target=lambda: answers.append(get()))
    answers = []
    rendering.start()
    time.sleep(0.2)  # the render of the new page is under way
    started = time.monotonic()
    meanwhile = get()
    assert time.monotonic() - started < 0.2  # not held until the render ends
    rendering.join()
    assert meanwhile.content == b"before the write"
    assert meanwhile["X-Cache"] == "stale"
    assert "ETag" not in meanwhile  # no other cache keeps it under the new version
    assert "no-cache" in meanwhile["Cache-Control"]
    assert answers[0].content == b"after the write"
    assert get().content == b"after the write"
    assert view.calls == 2


def test_a_write_during_a_render_does_not_start_a_second_render_of_the_page(page_cache_on):
    pages = iter([b"first", b"after one write", b"after two writes"])
    view = CountingView(seconds=0.5, response=lambda _: HttpResponse(next(pages)))
    handler = middleware(view)
    get = lambda: handler(RequestFactory().get("/agencies/"))  # noqa: E731
    get()
    page_cache.new_generation()
    answers = []
    rendering = threading.Thread(target=lambda: answers.append(get()))
    rendering.start()
    time.sleep(0.2)  # the render for the first write is under way
    page_cache.new_generation()  # a second write before it ends
    meanwhile = at_once(4, get)
    assert view.calls == 2  # no render for the second write while the first one runs
    assert [a.content for a in meanwhile] == [b"first"] * 4
    rendering.join()
    assert answers[0].content == b"after one write"
    assert get().content == b"after two writes"  # the next request renders the latest
    assert view.calls == 3


def test_a_request_that_read_the_page_before_another_render_landed_does_not_render_it_again(
    page_cache_on,
):
    """A request reads the old page; another request's render lands and frees the lock; the
    first then takes the lock, and serves what landed instead of rendering it a second time."""
    view = CountingView(seconds=0)
    handler = middleware(view)
    request = RequestFactory().get("/agencies/")
    key = page_cache.page_key(request)
    generation, old = page_cache.generation_and_entry(key)
    handler(RequestFactory().get("/agencies/"))  # the other request's render lands
    response = handler.cached_or_rendered(request, key, generation, old)
    assert view.calls == 1
    assert response["X-Cache"] == "hit"
    assert cache.get(f"{key}:rendering") is None


def test_a_slow_render_is_waited_for_only_so_long(page_cache_on, monkeypatch):
    monkeypatch.setattr(page_cache, "RENDER_WAIT_SECONDS", 0.2)
    view = CountingView(seconds=1.0)
    handler = middleware(view)
    answers = at_once(3, lambda: handler(RequestFactory().get("/agencies/")))
    assert view.calls == 3  # each waiter gave up and rendered it itself
    assert all(a.status_code == 200 for a in answers)


def test_waiters_do_not_wait_for_a_page_that_will_never_be_stored(page_cache_on, monkeypatch):
    monkeypatch.setattr(page_cache, "RENDER_WAIT_SECONDS", 10)
    view = CountingView(seconds=0.3, response=HttpResponseNotFound)
    handler = middleware(view)
    started = time.monotonic()
    answers = at_once(4, lambda: handler(RequestFactory().get("/agencies/nothing/")))
    assert time.monotonic() - started < 5
    assert view.calls == 4
    assert all(a.status_code == 404 for a in answers)


def test_the_generation_carries_the_time_of_its_write(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    generation = page_cache.new_generation()
    assert page_cache.written_at(generation) == pytest.approx(time.time(), abs=2)
