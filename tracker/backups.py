"""Copies of the whole database, taken while the site runs, and restored over it in one step.

SQLite: the online backup API copies page by page through a connection, so writers carry on
and the copy is consistent; the copy must pass `PRAGMA integrity_check`. Restoring runs the
same API the other way, into the site's own connection: one transaction that readers see
whole or not at all.
PostgreSQL: `pg_dump -Fc`, restored by one `pg_restore --single-transaction --clean
--if-exists`: if any statement fails, nothing changes.
Either way a file that is not a valid copy is refused before the database is touched."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections

# Every copy holds this table: a file without it is not a copy of this site's database.
MARKER_TABLE = "django_migrations"


class BackupError(Exception):
    pass


def suffix(alias: str = "default") -> str:
    return ".sqlite3" if connections[alias].vendor == "sqlite" else ".dump"


def backup(target: Path, *, alias: str = "default", timeout: float | None = None) -> None:
    """Write a consistent copy of the database to target, replacing it only once it is whole."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        if connections[alias].vendor == "sqlite":
            sqlite_backup(alias, partial)
        else:
            run_client("pg_dump", alias, ["--format=custom", f"--file={partial}"], timeout)
        check(partial, alias=alias, timeout=timeout)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def restore(source: Path, *, alias: str = "default", timeout: float | None = None) -> None:
    """Replace the database's contents with the copy in source, all or nothing."""
    check(source, alias=alias, timeout=timeout)  # before anything is touched
    connection = connections[alias]
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True) as copy:
            copy.backup(connection.connection)
        copy.close()
    else:
        connection.close()  # an idle connection of ours holds no lock, but a pooled one might
        run_client(
            "pg_restore",
            alias,
            ["--single-transaction", "--clean", "--if-exists", "--no-owner", str(source)],
            timeout,
        )


def check(path: Path, *, alias: str = "default", timeout: float | None = None) -> None:
    """Refuse a file that is not a whole copy of this site's database."""
    if not path.is_file():
        raise BackupError(f"{path} is not a file")
    if connections[alias].vendor == "sqlite":
        try:
            with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as copy:
                integrity = copy.execute("PRAGMA integrity_check").fetchall()
                marked = copy.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                    [MARKER_TABLE],
                ).fetchone()
            copy.close()
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{path} is not an SQLite database: {exc}") from exc
        if integrity != [("ok",)]:
            raise BackupError(f"{path} fails SQLite's integrity check: {integrity[:5]}")
    else:
        listing = subprocess.run(
            [client("pg_restore"), "--list", str(path)],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if listing.returncode != 0:
            raise BackupError(f"{path} is not a pg_dump archive: {listing.stderr.strip()}")
        marked = f" TABLE public {MARKER_TABLE} " in listing.stdout
    if not marked:
        raise BackupError(f"{path} holds no {MARKER_TABLE} table: not a copy of this site")


def sqlite_backup(alias: str, target: Path) -> None:
    connection = connections[alias]
    connection.ensure_connection()
    with sqlite3.connect(target) as copy:
        # Through the site's own connection, so the in-memory test database copies too.
        connection.connection.backup(copy)
    copy.close()


def client(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (PostgreSQL's client tools)")
    return found


def run_client(name: str, alias: str, arguments: list[str], timeout: float | None) -> None:
    """Run pg_dump or pg_restore against the database DATABASES names; the password goes in
    the environment, never on a command line others can read."""
    settings = connections[alias].settings_dict
    options = settings.get("OPTIONS", {})
    environment = {
        "PGHOST": settings.get("HOST") or "",
        "PGPORT": str(settings.get("PORT") or ""),
        "PGUSER": settings.get("USER") or "",
        "PGPASSWORD": settings.get("PASSWORD") or "",
        "PGSSLMODE": options.get("sslmode", ""),
        "PGCONNECT_TIMEOUT": str(options.get("connect_timeout", "")),
    }
    command = [client(name), f"--dbname={settings['NAME']}", *arguments]
    environment = os.environ | {key: value for key, value in environment.items() if value}
    result = subprocess.run(
        command, env=environment, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise BackupError(f"{name} failed ({result.returncode}): {result.stderr.strip()}")
