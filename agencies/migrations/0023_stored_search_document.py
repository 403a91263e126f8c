"""PostgreSQL keeps the agencies' searched document in a column as well as in their index
(agencies/search.py STORED_DOCUMENT): the agency list, searched for a common word, reads the
name index in order and tests each agency it reads."""

from django.db import migrations


def add(apps, schema_editor):
    from agencies.search import add_stored_documents

    add_stored_documents(schema_editor)


def drop(apps, schema_editor):
    from agencies.search import drop_stored_documents

    drop_stored_documents(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("agencies", "0022_citation_quote_source_index")]

    operations = [migrations.RunPython(add, drop)]
