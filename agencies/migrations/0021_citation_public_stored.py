from django.db import migrations, models
from django.db.models import Q

from agencies.search import rebuild_after_table_copy

# The citation fields that point at a record, each at a kind of record that stores is_public.
CITED_FIELDS = (
    "agency",
    "vendor",
    "product",
    "use",
    "incident",
    "action",
    "authority",
    "person",
    "statement",
    "step",
)


def store_public(apps, schema_editor):
    # Citation.public_rule as it reads on this day: the source published, the speaker and the
    # record public as they store it (0020 stored theirs).
    rule = Q(source__publication="published")
    for field in ("speaker", *CITED_FIELDS):
        rule &= Q(**{f"{field}__isnull": True}) | Q(
            **{f"{field}__publication": "published", f"{field}__is_public": True}
        )
    apps.get_model("agencies", "Citation").objects.filter(rule).update(is_public=True)


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0020_public_stored"),
    ]

    operations = [
        # Unapplied, the rebuild runs last, after the column is gone.
        migrations.RunPython(migrations.RunPython.noop, rebuild_after_table_copy),
        migrations.AddField(
            model_name="citation",
            name="is_public",
            field=models.BooleanField(db_default=False, default=False, editable=False),
        ),
        migrations.RunPython(store_public, migrations.RunPython.noop),
        migrations.RunPython(rebuild_after_table_copy, migrations.RunPython.noop),
    ]
