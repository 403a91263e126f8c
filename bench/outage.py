"""The outage drill: what the real server answers while its database is away, and after.

Builds a scratch database (an SQLite file in a temporary folder, or with --engine postgresql a
database of its own on the server at --postgres, created and dropped here), seeds it, serves it
with gunicorn's configuration on a loopback port (several workers, the page cache on, the
default cache: files), warms one page with a single request, then cuts the database, asks
each address twice per worker at once, brings the database back and asks again.
Prints a markdown table of the answers.

The cut: SQLite's folder is renamed (no file to open); PostgreSQL's scratch database stops
taking connections (ALLOW_CONNECTIONS false, which binds superusers too) and its backends
are ended. Nothing else on the server is touched. Bounded in time (--limit) and cleans up after
itself whatever happens."""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path

import psycopg
from run import Server, free_port, manage

ADDRESSES = [
    ("cached page (dashboard, warmed once)", "/"),
    ("uncached page (agency list)", "/agencies/"),
    ("API list", "/api/v1/agencies"),
    ("agencies CSV", "/agencies/export.csv"),
    ("/healthz", "/healthz"),
    ("/readyz", "/readyz"),
]
REQUEST_TIMEOUT = 15  # seconds for one answer, whole body included


def ask(port: int, path: str) -> str:
    """One request on a fresh connection: its status, and what tells the answers apart."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        try:
            response.read()
        except (http.client.IncompleteRead, OSError):
            return f"{response.status} broken off"
        notes = []
        if response.getheader("X-Cache"):
            notes.append(response.getheader("X-Cache"))
        if response.getheader("Retry-After"):
            notes.append(f"Retry-After {response.getheader('Retry-After')}")
        kind = (response.getheader("Content-Type") or "").split(";")[0].split("/")[-1]
        if response.status >= 400 and kind:
            notes.append(kind)
        return " ".join([str(response.status), *([f"({', '.join(notes)})"] if notes else [])])
    except OSError as exc:
        return f"no answer ({type(exc).__name__})"
    finally:
        connection.close()


def ask_all(port: int, path: str, times: int) -> str:
    """Several at once, so different workers answer; like answers are counted together."""
    with ThreadPoolExecutor(times) as pool:
        answers = Counter(pool.map(lambda _: ask(port, path), range(times)))
    return ", ".join(f"{answer} ×{count}" for answer, count in sorted(answers.items()))


@contextmanager
def sqlite_database(folder: Path):
    (folder / "db").mkdir()
    path = folder / "db" / "tracker.sqlite3"

    @contextmanager
    def cut():
        (folder / "db").rename(folder / "db.away")
        try:
            yield
        finally:
            (folder / "db.away").rename(folder / "db")

    yield f"sqlite:///{path}", cut


@contextmanager
def postgresql_database(server: str):
    name = f"tracker_outage_drill_{os.getpid()}"

    def admin(*statements: str) -> None:
        with psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=2) as conn:
            for statement in statements:
                conn.execute(statement)

    admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}")

    @contextmanager
    def cut():
        admin(
            f"ALTER DATABASE {name} ALLOW_CONNECTIONS false",
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            f" WHERE datname = '{name}' AND pid <> pg_backend_pid()",
        )
        try:
            yield
        finally:
            admin(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")

    try:
        yield f"{server}/{name}?connect_timeout=2", cut
    finally:
        admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--limit", type=int, default=300, help="Seconds before it gives up.")
    options = parser.parse_args()

    def give_up(*_):
        raise TimeoutError(f"the drill took longer than {options.limit} s")

    signal.signal(signal.SIGALRM, give_up)
    signal.alarm(options.limit)
    times = options.workers * 2
    rows = {name: [] for name, _ in ADDRESSES}
    with ExitStack() as stack:
        folder = Path(tempfile.mkdtemp(prefix="tracker-outage-"))
        stack.callback(shutil.rmtree, folder, ignore_errors=True)
        if options.engine == "sqlite":
            url, cut = stack.enter_context(sqlite_database(folder))
        else:
            url, cut = stack.enter_context(postgresql_database(options.postgres))
        env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"} | {
            "DATABASE_URL": url,
            "DJANGO_DEBUG": "0",
            "CACHE_DIR": str(folder / "cache"),
            "PUBLIC_PAGE_CACHE_SECONDS": "300",
            "WEB_CONCURRENCY": str(options.workers),
        }
        for command in (
            ["migrate", "--no-input", "--verbosity", "0"],
            ["seed"],
            ["collectstatic", "--no-input", "--verbosity", "0"],
        ):
            manage(env, *command)
        port = free_port()
        stack.enter_context(Server(env, port))
        ask(port, "/")  # one worker renders the dashboard; the shared cache holds it for all

        def phase():
            for name, path in ADDRESSES:
                rows[name].append(ask_all(port, path, times))

        started = time.monotonic()
        with cut():
            phase()
            outage_seconds = time.monotonic() - started
        phase()

    signal.alarm(0)
    print(
        f"\n**{options.engine}**, gunicorn with {options.workers} workers, page cache on (files); "
        f"each address asked {times} times at once per phase; the outage phase took "
        f"{outage_seconds:.1f} s.\n"
    )
    print("| address | database down | database back |")
    print("| --- | --- | --- |")
    for name, path in ADDRESSES:
        print(f"| {name} `{path}` | {' | '.join(rows[name])} |")


if __name__ == "__main__":
    sys.exit(main())
