"""A read replica (DATABASE_REPLICA_URL, tracker/replica.py), tried in a fresh process against a
second real database of the test run's engine: two SQLite files, or two databases on the
PostgreSQL server of DATABASE_URL.

Both start as copies of one migrated database, as a streaming replica starts as a copy of its
primary. What the probe saves afterwards reaches the primary only: the replica lags, and each
read shows which copy it came from."""

import contextlib
import json
import os
import sqlite3
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.test import RequestFactory
from psycopg import sql

from tests.django_process import run_django
from tracker.replica import reads_from_replica

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
# Databases of this test process only: test processes of other checkouts share the server.
PREFIX = f"tracker_replica_{os.getpid()}"

# Run with DATABASE_URL and DATABASE_REPLICA_URL naming the two copies.
PROBE = """
import json, django
django.setup()
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
from agencies.models import Agency
from tests.factories import make_agency
from tracker.replica import replica_reads

def stored():
    return {alias: Agency.objects.using(alias).count() for alias in ("default", "replica")}

# Saved after the copy was taken: on the primary only, as if the replica lagged behind.
agency = make_agency()
editor = User.objects.create_superuser("editor", password="a long enough password")
signed_in = Client()
signed_in.force_login(editor)
admin_list = signed_in.get("/admin/agencies/agency/")

# Inside a request that may read the replica (ReplicaReadsMiddleware decides it per request).
replica_reads.set(True)
public_read = Agency.objects.count()
with transaction.atomic():
    read_in_transaction = Agency.objects.count()
Agency.objects.filter(pk=agency.pk).update(name="Renamed on the primary")
read_after_write = Agency.objects.count()
replica_reads.set(False)

print(json.dumps({
    "stored": stored(),
    "renamed": {alias: Agency.objects.using(alias).filter(name__startswith="Renamed").count()
                for alias in ("default", "replica")},
    "outside_a_request": Agency.objects.count(),
    "public_read": public_read,
    "read_in_transaction": read_in_transaction,
    "read_after_write": read_after_write,
    "anonymous_api": Client().get("/api/v1/agencies").json()["count"],
    "anonymous_citations": [
        len(body["items"]) for body in [Client().get("/api/v1/citations").json()]
    ] + [Client().get("/api/v1/citations").json()["count"]],
    "signed_in_citations": len(signed_in.get("/api/v1/citations").json()["items"]),
    "signed_in_api": signed_in.get("/api/v1/agencies").json()["count"],
    "admin_list": [admin_list.status_code, agency.name in admin_list.content.decode()],
    "readyz": Client().get("/readyz").json(),
}))
"""

READYZ = """
import json, django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
ready = Client().get("/readyz")
print(json.dumps([ready.status_code, ready.json()]))
"""

# What settings make of the environment.
SETTINGS = """
import json, django
django.setup()
from django.conf import settings
from django.test.utils import get_unique_databases_and_mirrors
print(json.dumps({
    "databases": list(settings.DATABASES),
    "routers": settings.DATABASE_ROUTERS,
    "middleware": settings.MIDDLEWARE,
    "test_mirrors": get_unique_databases_and_mirrors()[1],
}))
"""


def postgres_url(name: str) -> str:
    server = settings.DATABASES["default"]
    password = f":{server['PASSWORD']}" if server["PASSWORD"] else ""
    return f"postgres://{server['USER']}{password}@{server['HOST']}:{server['PORT']}/{name}"


def postgres(statement: str, *names: str) -> None:
    """Runs statement on the test run's PostgreSQL server, names quoted into its {}s."""
    with psycopg.connect(postgres_url("postgres"), autocommit=True) as server:
        server.execute(sql.SQL(statement).format(*map(sql.Identifier, names)))


def django_output(code: str, environment: dict[str, str]) -> dict:
    result = run_django(["-c", code], environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def environment(primary: str, replica: str, cache_dir: Path) -> dict[str, str]:
    # DEBUG for plain static files (nothing is collected) and no page cache; a cache folder of
    # its own, so nothing is shared with other test runs.
    return {
        "DATABASE_URL": primary,
        "DATABASE_REPLICA_URL": replica,
        "CACHE_DIR": str(cache_dir),
        "DJANGO_DEBUG": "1",
    }


def migrate(url: str, cache_dir: Path) -> str:
    result = run_django(["manage.py", "migrate", "--no-input"], environment(url, "", cache_dir))
    assert result.returncode == 0, result.stderr
    return url


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """The URL of a migrated database to copy from; migrating takes seconds, so it is done once."""
    folder = tmp_path_factory.mktemp("replica")
    if not ON_POSTGRES:
        yield migrate(f"sqlite:///{folder / 'migrated.sqlite3'}", folder)
        return
    name = f"{PREFIX}_migrated"
    postgres("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)  # left by a killed run
    postgres("CREATE DATABASE {}", name)
    try:
        yield migrate(postgres_url(name), folder)
    finally:
        postgres("DROP DATABASE {} WITH (FORCE)", name)


@pytest.fixture
def copies(migrated, tmp_path):
    """URLs of a primary and a replica, both fresh copies of the migrated database."""
    if not ON_POSTGRES:
        urls = []
        for role in ("primary", "replica"):
            with (
                contextlib.closing(sqlite3.connect(migrated.removeprefix("sqlite:///"))) as source,
                contextlib.closing(sqlite3.connect(tmp_path / f"{role}.sqlite3")) as copy,
            ):
                source.backup(copy)
            urls.append(f"sqlite:///{tmp_path / f'{role}.sqlite3'}")
        yield urls
        return
    names = [f"{PREFIX}_primary", f"{PREFIX}_replica"]
    for name in names:
        postgres("CREATE DATABASE {} TEMPLATE {}", name, migrated.rpartition("/")[2])
    try:
        yield [postgres_url(name) for name in names]
    finally:
        for name in names:
            postgres("DROP DATABASE {} WITH (FORCE)", name)


def test_anonymous_visitors_read_the_replica_and_everyone_else_the_primary(copies, tmp_path):
    seen = django_output(PROBE, environment(*copies, tmp_path))

    # Every write went to the primary, even one made while reading from the replica.
    assert seen["stored"] == {"default": 1, "replica": 0}
    assert seen["renamed"] == {"default": 1, "replica": 0}
    # An anonymous visitor's page reads the replica, which does not hold the agency yet.
    assert seen["anonymous_api"] == 0
    # A page of citations and its count from the same copy (read with the joins as written).
    assert seen["anonymous_citations"] == [0, 0]
    assert seen["signed_in_citations"] == 1
    assert seen["public_read"] == 0
    # The editor's session was saved on the primary a moment ago and is found there: signed in,
    # they see their save, in admin and on the public pages.
    assert seen["signed_in_api"] == 1
    assert seen["admin_list"] == [200, True]
    # A transaction, a request once it has written, and code outside a request read the primary.
    assert seen["read_in_transaction"] == 1
    assert seen["read_after_write"] == 1
    assert seen["outside_a_request"] == 1
    assert seen["readyz"]["checks"] == {"database": "ok", "cache": "ok", "replica": "ok"}


def test_readyz_names_a_replica_that_does_not_answer(migrated, tmp_path):
    # No such database: on SQLite, an empty file without the site's tables.
    absent = postgres_url(f"{PREFIX}_absent") if ON_POSTGRES else f"sqlite:///{tmp_path / 'absent'}"
    status, ready = django_output(READYZ, environment(migrated, absent, tmp_path))
    assert status == 503
    assert ready["failed"] == ["replica"]


def test_with_a_replica_the_router_and_middleware_are_on_and_tests_mirror_the_primary(tmp_path):
    replica = f"sqlite:///{tmp_path / 'replica.sqlite3'}"
    seen = django_output(SETTINGS, environment(f"sqlite:///{tmp_path / 'db'}", replica, tmp_path))
    assert seen["databases"] == ["default", "replica"]
    assert seen["routers"] == ["tracker.replica.PrimaryReplicaRouter"]
    # Before the session middleware, so the session of a new sign-in is read from the primary.
    middleware = seen["middleware"]
    assert middleware.index("tracker.replica.ReplicaReadsMiddleware") < middleware.index(
        "django.contrib.sessions.middleware.SessionMiddleware"
    )
    # The test runner creates no test database for the replica and migrates nothing there.
    assert seen["test_mirrors"] == {"replica": "default"}


def test_without_a_replica_there_is_no_router_and_everything_is_on_the_primary(tmp_path):
    seen = django_output(SETTINGS, environment(f"sqlite:///{tmp_path / 'db'}", "", tmp_path))
    assert seen["databases"] == ["default"]
    assert seen["routers"] == []
    assert "tracker.replica.ReplicaReadsMiddleware" not in seen["middleware"]


@pytest.mark.parametrize(
    ("method", "path", "session", "from_replica"),
    [
        ("get", "/agencies/", False, True),
        ("head", "/agencies/", False, True),
        ("post", "/agencies/", False, False),  # a form, a sign-in: it may write
        ("get", "/agencies/", True, False),  # anyone with a session is an editor
        ("get", "/admin/login/", False, False),
    ],
)
def test_only_an_anonymous_public_get_may_read_the_replica(method, path, session, from_replica):
    request = getattr(RequestFactory(), method)(path)
    if session:
        request.COOKIES[settings.SESSION_COOKIE_NAME] = "any"
    assert reads_from_replica(request) is from_replica
