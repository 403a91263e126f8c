"""The anonymous page cache: a second visit is served without the database, and no visitor
sees a stale fact after any write. Run on local memory and on the Redis server."""

import os
import socket

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.models import Agency, Citation, Source

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


@pytest.fixture(params=["local memory", "redis"])
def page_cache(request, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    if request.param == "redis":
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": redis_url(),
            }
        }
    cache.clear()
    yield request.param
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


def test_an_edit_is_visible_on_the_next_request(client, seeded, page_cache):
    get(client, TORONTO)
    toronto = Agency.objects.get(slug="toronto-police-service")
    toronto.summary = "A corrected summary, just saved."
    toronto.save()
    response, _ = get(client, TORONTO)
    assert "A corrected summary, just saved." in response.content.decode()
    assert response["X-Cache"] == "miss"


def test_an_editors_save_in_admin_reaches_anonymous_visitors(
    client, admin_client, seeded, page_cache
):
    get(client, "/search/?q=newly")
    source = Source.objects.get(slug="ctv-2020-02-26-clearview-breach")
    toronto = Agency.objects.get(slug="toronto-police-service")
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


def test_workers_with_their_own_memory_agree_through_the_stamp(seeded, settings, tmp_path):
    """Each gunicorn worker has its own local memory, so the generation lives in a file."""
    from pathlib import Path

    from agencies import page_cache

    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    settings.PAGE_CACHE_STAMP = str(tmp_path / "stamp")
    before = page_cache.current_generation()
    Agency.objects.filter(slug="toronto-police-service").first().save()  # a save in one worker
    after = Path(settings.PAGE_CACHE_STAMP).read_text()  # what every other worker reads
    assert after != before
    assert page_cache.current_generation() == after


def test_the_generation_moves_again_when_the_write_commits(
    seeded, settings, tmp_path, django_capture_on_commit_callbacks
):
    """Another worker may render the old page after the save and before the commit."""
    from agencies import page_cache

    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    settings.PAGE_CACHE_STAMP = str(tmp_path / "stamp")
    with django_capture_on_commit_callbacks(execute=True):
        Agency.objects.get(slug="toronto-police-service").save()
        at_save = page_cache.current_generation()
    assert page_cache.current_generation() != at_save
