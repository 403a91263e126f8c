"""Full-text indexes: GIN on PostgreSQL, FTS5 tables kept by triggers on SQLite (agencies/search.py)."""

from django.db import migrations


def create(apps, schema_editor):
    from agencies.search import create_indexes

    create_indexes(schema_editor)


def drop(apps, schema_editor):
    from agencies.search import drop_indexes

    drop_indexes(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("agencies", "0003_synthetic_mark")]

    operations = [migrations.RunPython(create, drop)]
