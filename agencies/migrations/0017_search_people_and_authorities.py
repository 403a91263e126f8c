"""Full-text indexes for people (speakers) and authorities too (agencies/search.py SEARCHED)."""

from django.db import migrations


def rebuild(apps, schema_editor):
    from agencies.search import create_indexes, drop_indexes

    drop_indexes(schema_editor)
    create_indexes(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("agencies", "0016_ready_for_review")]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
