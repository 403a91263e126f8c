"""SQLite rebuilds a table to add a column with a default, and the rebuilt table has no
triggers: 0009 (sources) and 0013 (agencies) left their full-text indexes unmaintained. Drop
and create every index again (agencies/search.py), which also reindexes every row."""

from django.db import migrations


def rebuild(apps, schema_editor):
    from agencies.search import create_indexes, drop_indexes

    drop_indexes(schema_editor)
    create_indexes(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("agencies", "0013_status_changes")]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
