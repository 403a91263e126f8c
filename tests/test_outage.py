"""A database outage answers 503 (tracker/outage.py), the health checks tell it apart from a dead
process, and the site recovers in the same process once the database is back.

On PostgreSQL the outage is real: the connection is pointed at a closed port for the requests.
SQLite's test database lives in memory and cannot be taken away, so every query fails as a
vanished or unreadable file would, with sqlite3's own OperationalError."""

import contextlib
import csv
import io
import sqlite3
from unittest import mock

import pytest
from django.db import DatabaseError, IntegrityError, OperationalError, connection
from django.db.backends.sqlite3.base import SQLiteCursorWrapper

from tests.factories import make_agency
from tracker.outage import is_outage

# Real connections are closed and opened again, which a test wrapped in a transaction forbids.
outage_db = pytest.mark.django_db(transaction=True)

CLOSED_PORT = "1"  # nothing listens on port 1 of the loopback: refused at once


@contextlib.contextmanager
def database_down():
    if connection.vendor == "postgresql":
        saved = connection.settings_dict.copy()
        connection.close()
        connection.settings_dict["PORT"] = CLOSED_PORT
        connection.settings_dict["OPTIONS"] = {**saved["OPTIONS"], "connect_timeout": 2}
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict.update(saved)
    else:
        gone = sqlite3.OperationalError("disk I/O error")
        with (
            mock.patch.object(SQLiteCursorWrapper, "execute", side_effect=gone),
            mock.patch.object(SQLiteCursorWrapper, "executemany", side_effect=gone),
        ):
            yield


def assert_unavailable(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    assert "X-Cache" not in response  # the page cache neither served nor stored it


@outage_db
def test_an_outage_is_a_503_and_the_site_recovers(client, page_cache_on):
    agency = make_agency()
    assert client.get("/")["X-Cache"] == "miss"  # the dashboard, cached before the outage

    with database_down():
        assert client.get("/")["X-Cache"] == "hit"  # the same for every worker: a shared cache

        page = client.get("/agencies/")
        assert_unavailable(page)
        assert page["Content-Type"].startswith("text/html")
        assert b"Temporarily unavailable" in page.content
        assert b'class="site-header"' in page.content  # in the site's design

        api = client.get("/api/v1/agencies")
        assert_unavailable(api)
        assert api["Content-Type"] == "application/json"
        assert set(api.json()) == {"detail"}

        download = client.get("/agencies/export.csv")  # not a 200 that breaks off
        assert_unavailable(download)
        assert not download.streaming

        assert client.get("/healthz").status_code == 200
        ready = client.get("/readyz")
        assert_unavailable(ready)
        assert ready.json()["failed"] == ["database"]

    # Back, without a restart: the 503s were never cached.
    page = client.get("/agencies/")
    assert (page.status_code, page["X-Cache"]) == (200, "miss")
    assert agency.name in page.content.decode()
    assert client.get("/api/v1/agencies").json()["count"] == 1
    download = client.get("/agencies/export.csv")
    assert agency.name in b"".join(download.streaming_content).decode()
    assert client.get("/readyz").json() == {
        "status": "ok",
        "failed": [],
        "checks": {"database": "ok", "cache": "ok"},
    }


@outage_db
def test_a_signed_in_editor_meets_the_same_503(admin_client):
    with database_down():  # the session and the user are read from the database
        assert_unavailable(admin_client.get("/admin/"))
        assert_unavailable(admin_client.get("/agencies/"))
    assert admin_client.get("/admin/").status_code == 200


@outage_db
def test_healthz_touches_neither_database_nor_cache(client, settings, django_assert_num_queries):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    settings.CACHES = {  # a Redis that refuses every connection
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{CLOSED_PORT}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    with django_assert_num_queries(0):
        health = client.get("/healthz")
    assert (health.status_code, health.json()) == (200, {"status": "ok"})
    assert "no-store" in health["Cache-Control"]
    assert "Cookie" not in health.get("Vary", "")  # no session read
    assert not health.cookies

    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["failed"] == ["cache"]
    assert ready.json()["checks"] == {"database": "ok", "cache": "unavailable"}
    with database_down():
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").json()["failed"] == ["database", "cache"]


def test_only_an_unreachable_database_is_an_outage():
    assert is_outage(OperationalError("server closed the connection unexpectedly"))
    assert is_outage(DatabaseError("file is not a database"))
    try:
        raise ValueError("while rendering") from OperationalError("connection refused")
    except ValueError as exc:
        assert is_outage(exc)
    # A broken query is a bug to fix, not a moment to wait: still a 500.
    assert not is_outage(IntegrityError("duplicate key"))
    assert not is_outage(ValueError("bad value"))


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite creates a missing file")
def test_readyz_is_not_fooled_by_an_empty_sqlite_file(client, tmp_path):
    """A database file deleted under the site comes back empty on the next connection."""
    from django.db.backends.sqlite3.base import DatabaseWrapper

    empty = DatabaseWrapper({**connection.settings_dict, "NAME": str(tmp_path / "gone.sqlite3")})
    try:
        with mock.patch("tracker.outage.connections", {"default": empty}):
            ready = client.get("/readyz")
    finally:
        empty.close()
    assert ready.json()["failed"] == ["database"]


@pytest.mark.django_db
def test_a_download_reads_its_first_chunk_before_answering(client, monkeypatch):
    """Read before the answer, then the rest: each record once, though one was published
    in between (the outage case is in the first test)."""
    from agencies import exports

    monkeypatch.setattr(exports, "CHUNK_SIZE", 2)
    names = sorted(make_agency().name for _ in range(5))
    response = client.get("/agencies/export.csv")
    make_agency(name="Aaa, published once the download began")  # shifts the rest by one
    body = b"".join(response.streaming_content).decode()
    assert [row["name"] for row in csv.DictReader(io.StringIO(body))] == names
