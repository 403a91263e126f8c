"""`manage.py backup` and `restore`: a copy restored over a changed database brings back every
row of every table, history and users included, and the site goes on working on it.

On PostgreSQL these run pg_dump and pg_restore against the test database itself, so the tests
run outside a transaction (pg_restore drops and recreates every table) and every subprocess
has a timeout."""

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection

from agencies.models import Agency
from tests.factories import make_agency
from tracker import backups

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = "60"


def every_row() -> dict[str, list[tuple]]:
    with connection.cursor() as cursor:
        rows = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY 1")
            rows[table] = cursor.fetchall()
    return rows


def test_a_restored_copy_brings_back_every_row(client, tmp_path):
    toronto = make_agency(name="Toronto Police Service")
    toronto.summary = "Edited once, so history has two versions."
    toronto.save()
    User.objects.create_user("editor", password="a long enough passphrase")
    before = every_row()
    toronto_id = toronto.pk
    assert before["agencies_historicalagency"]
    assert before["auth_user"]
    copy = tmp_path / f"copy{backups.suffix()}"

    call_command("backup", str(copy), "--timeout", TIMEOUT)

    # Everything changes: a record deleted, another added, the user renamed, history pruned.
    toronto.delete()
    make_agency(name="Added after the copy")
    User.objects.filter(username="editor").update(username="renamed")
    Agency.history.filter(name="Toronto Police Service").delete()
    assert every_row() != before

    call_command("restore", str(copy), "--no-input", "--timeout", TIMEOUT)

    assert every_row() == before
    # And it goes on working: new rows take fresh ids, pages read the restored record.
    later = make_agency(name="Added after the restore")
    assert later.pk > toronto_id
    assert "Toronto Police Service" in client.get("/agencies/").content.decode()


def test_a_file_that_is_not_a_copy_is_refused_before_anything_is_touched(tmp_path):
    make_agency()
    before = every_row()
    for name, content in (("empty", b""), ("text", b"not a database\n" * 100)):
        path = tmp_path / f"{name}{backups.suffix()}"
        path.write_bytes(content)
        with pytest.raises(CommandError, match="nothing was changed"):
            call_command("restore", str(path), "--no-input", "--timeout", TIMEOUT)
    with pytest.raises(CommandError, match="is not a file"):
        call_command("restore", str(tmp_path / "missing"), "--no-input")
    assert every_row() == before


def test_restore_asks_first(tmp_path, monkeypatch):
    copy = tmp_path / f"copy{backups.suffix()}"
    call_command("backup", str(copy), "--timeout", TIMEOUT)
    make_agency(name="Kept, since the restore was cancelled")
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore", str(copy), "--timeout", TIMEOUT)
    assert Agency.objects.filter(name="Kept, since the restore was cancelled").exists()
