"""The anonymous page cache: a second visit is served without the database, and no visitor
sees a stale fact after any write. Run on local memory (the tests' own), on files (the default
cache every worker shares) and on the Redis server."""

import os
import socket
import uuid

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from agencies.models import Agency, Citation, Source
from agencies.page_cache import GENERATION_KEY, page_key

pytestmark = pytest.mark.django_db

TORONTO = "/agencies/toronto-police-service/"


def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail("REQUIRE_REDIS=1 but no Redis answers at 127.0.0.1:6379")
        pytest.skip("No Redis at 127.0.0.1:6379 (set REQUIRE_REDIS=1 to make this fail)")
    return url


def shared_cache(kind: str, folder) -> dict:
    """The settings of a cache every worker shares: a folder of files, or Redis under a prefix of
    this test's own, so that parallel runs never see (or clear) each other's keys."""
    if kind == "files":
        return {
            "BACKEND": "tracker.file_cache.FileBasedCache",
            "LOCATION": folder,
        }
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": redis_url(),
        "KEY_PREFIX": f"tracker-test-{uuid.uuid4().hex}",
    }


def forget_redis_keys() -> None:
    client = cache._cache.get_client(write=True)
    for key in client.scan_iter(f"{cache.key_prefix}:*"):
        client.delete(key)


@pytest.fixture(params=["local memory", "files", "redis"])
def page_cache(request, settings, tmp_path):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    if request.param != "local memory":
        settings.CACHES = {"default": shared_cache(request.param, tmp_path / "cache")}
    if request.param != "redis":
        cache.clear()
    yield request.param
    if request.param == "redis":
        forget_redis_keys()
    else:
        cache.clear()


def get(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return response, len(queries)


def test_a_second_visit_is_served_from_the_cache(client, seeded, page_cache):
    first, first_queries = get(client, TORONTO)
    second, second_queries = get(client, TORONTO)
    assert (first["X-Cache"], second["X-Cache"]) == ("miss", "hit")
    assert first_queries > 0
    assert second_queries == 0
    assert second.content == first.content
    # The htmx fragment is a different response, cached on its own.
    fragment, _ = get(client, f"{TORONTO}?kind=action", HX_Request="true")
    assert b"<html" not in fragment.content


def test_an_edit_is_visible_on_the_next_request(
    client, seeded, page_cache, django_capture_on_commit_callbacks
):
    get(client, TORONTO)
    toronto = Agency.objects.get(slug="toronto-police-service")
    toronto.summary = "A corrected summary, just saved."
    with django_capture_on_commit_callbacks(execute=True):
        toronto.save()
    response, _ = get(client, TORONTO)
    assert "A corrected summary, just saved." in response.content.decode()
    assert response["X-Cache"] == "miss"


def test_an_editors_save_in_admin_reaches_anonymous_visitors(
    client, admin_client, seeded, page_cache, django_capture_on_commit_callbacks
):
    get(client, "/search/?q=newly")
    source = Source.objects.get(slug="ctv-2020-02-26-clearview-breach")
    toronto = Agency.objects.get(slug="toronto-police-service")
    with django_capture_on_commit_callbacks(execute=True):
        Citation.objects.create(source=source, agency=toronto, quote="A newly added quote.")
    response, _ = get(client, "/search/?q=newly")
    assert "A newly added quote." in response.content.decode()


def test_editors_and_downloads_are_never_served_from_the_cache(
    admin_client, client, seeded, page_cache
):
    get(admin_client, TORONTO)
    response, queries = get(admin_client, TORONTO)
    assert "X-Cache" not in response
    assert queries > 0
    download = client.get("/agencies/export.csv")
    assert "X-Cache" not in download


@pytest.mark.parametrize("kind", ["files", "redis"])
def test_every_worker_sees_a_write_made_in_another(
    client, seeded, settings, tmp_path, kind, django_capture_on_commit_callbacks
):
    """Each gunicorn worker opens the shared cache on its own: a second handle on the same folder
    or server stands for another worker, and serves the page the first one cached until a
    write in either moves the generation for both."""
    from django.core.cache import caches

    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    settings.CACHES = {"default": shared_cache(kind, tmp_path / "cache")}
    try:
        get(client, TORONTO)
        other_worker = caches.create_connection("default")
        generation = other_worker.get(GENERATION_KEY)
        assert generation is not None
        assert other_worker.get(page_key_of(client, TORONTO))[0] == generation
        with django_capture_on_commit_callbacks(execute=True):
            Agency.objects.get(slug="toronto-police-service").save()  # a save in one worker
        assert other_worker.get(GENERATION_KEY) != generation
        again, _ = get(client, TORONTO)
        assert again["X-Cache"] == "miss"
    finally:
        if kind == "redis":
            forget_redis_keys()


def page_key_of(client, url: str) -> str:
    from django.test import RequestFactory

    return page_key(RequestFactory().get(url))


def test_the_generation_moves_once_when_the_write_commits(
    seeded, settings, django_capture_on_commit_callbacks
):
    """An edit writes several rows (the record, its statuses, their history): every page
    renders again once after it commits, not once a row. Before the commit, another worker
    renders the old data, under the old generation."""
    from agencies import page_cache
    from agencies.services.edits import record_edited
    from agencies.services.statuses import touched_by

    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    before = page_cache.current_generation()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        toronto = Agency.objects.get(slug="toronto-police-service")
        touched = touched_by(toronto)
        toronto.save()
        Agency.objects.get(slug="halton-regional-police-service").save()
        record_edited(records=[toronto], touched_before=touched)
        assert page_cache.current_generation() == before
    assert callbacks.count(page_cache.new_generation) == 1
    assert page_cache.current_generation() != before


def test_a_write_rolled_back_moves_nothing_and_leaves_the_next_one_moving(
    seeded, settings, django_capture_on_commit_callbacks
):
    from agencies import page_cache

    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    before = page_cache.current_generation()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        with transaction.atomic():
            Agency.objects.get(slug="toronto-police-service").save()
            transaction.set_rollback(True)
        Agency.objects.get(slug="halton-regional-police-service").save()
    assert callbacks.count(page_cache.new_generation) == 1
    assert page_cache.current_generation() != before


def test_scheme_and_host_are_part_of_the_key(client, seeded, page_cache):
    """Feeds and the API's `next` carry absolute links: a page first asked for under another
    host name, or over https, is never served to a visitor of this one."""
    api_list = "/api/v1/agencies?page_size=1"
    for url, link in (("/feeds/events.atom", b"://{}/"), (api_list, b"://{}/api/v1/agencies?")):
        answers = {}
        for host, secure in (("localhost", False), ("testserver", False), ("localhost", True)):
            response = client.get(url, headers={"host": host}, secure=secure)
            assert response.status_code == 200
            assert response["X-Cache"] == "miss"
            scheme = b"https" if secure else b"http"
            assert scheme + link.replace(b"{}", host.encode()) in response.content
            answers[(host, secure)] = response.content
        again = client.get(url, headers={"host": "testserver"})
        assert again["X-Cache"] == "hit"
        assert again.content == answers[("testserver", False)]
        assert len(set(answers.values())) == 3
