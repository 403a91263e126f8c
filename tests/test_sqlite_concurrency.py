"""SQLite under concurrent writers, as gunicorn's workers meet it: the settings' own connection
options (tracker/settings.py) on a real file, not the in-memory test database.

The write-ahead log lets a reader read while a writer holds its transaction, and a writer
commit while a reader is still reading; IMMEDIATE transactions with a 20-second busy timeout make
a second writer wait its turn instead of failing with "database is locked"."""

import threading
import time
from collections.abc import Callable

import pytest
from django.db import connections, transaction

from tracker.settings import database_from_url

pytestmark = pytest.mark.skipif(
    connections["default"].vendor != "sqlite", reason="SQLite's own locking"
)

ALIAS = "concurrency_scratch"
HELD = 1.0  # seconds the first writer keeps its transaction open


@pytest.fixture
def scratch(tmp_path, django_db_blocker):
    """A database file opened with the settings' SQLite options, as a second alias; each thread
    gets its own connection to it, as each worker process does."""
    url = f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
    configured = connections.configure_settings({"default": database_from_url(url)})
    connections.settings[ALIAS] = configured["default"]
    with django_db_blocker.unblock():
        with transaction.atomic(using=ALIAS), connections[ALIAS].cursor() as cursor:
            cursor.execute("CREATE TABLE fact (id INTEGER PRIMARY KEY, said TEXT NOT NULL)")
            cursor.executemany("INSERT INTO fact (said) VALUES (%s)", [("seed",)] * 1000)
        yield
        connections[ALIAS].close()
    del connections[ALIAS]
    del connections.settings[ALIAS]


def query(sql: str, *params) -> list[tuple]:
    with connections[ALIAS].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def count() -> int:
    return query("SELECT COUNT(*) FROM fact")[0][0]


def in_thread(work: Callable, results: dict, name: str) -> threading.Thread:
    def run():
        started = time.monotonic()
        try:
            results[name] = work()
        except Exception as exc:
            results[name] = exc
        finally:
            results[f"{name} seconds"] = time.monotonic() - started
            connections[ALIAS].close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_the_database_file_keeps_a_write_ahead_log(scratch):
    assert query("PRAGMA journal_mode") == [("wal",)]
    assert query("PRAGMA busy_timeout") == [(20000,)]


def test_two_writers_both_commit_and_a_reader_is_not_held_up(scratch):
    results = {}
    writing = threading.Event()

    def first_writer():
        with transaction.atomic(using=ALIAS):  # BEGIN IMMEDIATE: holds the write lock
            query("INSERT INTO fact (said) VALUES ('first')")
            writing.set()
            time.sleep(HELD)
        return "committed"

    def second_writer():
        with transaction.atomic(using=ALIAS):  # waits for the first, up to the busy timeout
            query("INSERT INTO fact (said) VALUES ('second')")
        return "committed"

    threads = [in_thread(first_writer, results, "first")]
    assert writing.wait(5)
    threads.append(in_thread(second_writer, results, "second"))
    threads.append(in_thread(count, results, "reader"))
    for thread in threads:
        thread.join(30)

    assert (results["first"], results["second"]) == ("committed", "committed")
    assert results["second seconds"] > HELD / 2  # it did wait for the first writer's commit
    assert results["reader"] == 1000  # what was committed, at once, while the writer held
    assert results["reader seconds"] < HELD / 2
    assert query("SELECT said FROM fact WHERE said != 'seed' ORDER BY id") == [
        ("first",),
        ("second",),
    ]


def test_a_writer_commits_while_a_reader_is_reading(scratch):
    """A long read (a CSV download streams its rows) keeps its snapshot; under a rollback
    journal the writer's commit would wait for it to finish."""
    results = {}
    reading = threading.Event()
    written = threading.Event()

    def reader():
        with connections[ALIAS].cursor() as cursor:
            cursor.execute("SELECT said FROM fact")
            first = cursor.fetchone()
            reading.set()
            assert written.wait(10)
            return [first, *cursor.fetchall()]

    def writer():
        with transaction.atomic(using=ALIAS):
            query("INSERT INTO fact (said) VALUES ('during the read')")
        written.set()
        return "committed"

    threads = [in_thread(reader, results, "reader")]
    assert reading.wait(5)
    threads.append(in_thread(writer, results, "writer"))
    for thread in threads:
        thread.join(30)

    assert results["writer"] == "committed"
    assert results["writer seconds"] < 1
    assert len(results["reader"]) == 1000  # the snapshot it started with
    assert count() == 1001
