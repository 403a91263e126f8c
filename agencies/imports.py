"""Bulk import in admin (django-import-export): CSV or XLSX, previewed before anything is written.

Related records are named by slug, so a spreadsheet reads as words, not ids. The publication
state is never imported: new records start as drafts for a publisher to review. Each row is
validated like an admin form (model validation and constraints), and an import with any bad row
writes nothing."""

from import_export import fields, resources, widgets

from .models import (
    CITED_FIELDS,
    Agency,
    Authority,
    Citation,
    Incident,
    Person,
    Product,
    RegulatoryAction,
    Source,
    Use,
    Vendor,
)
from .services import edits
from .services.statuses import Touched, touched_by


def by_slug(name: str, model) -> fields.Field:
    return fields.Field(
        attribute=name, column_name=name, widget=widgets.ForeignKeyWidget(model, "slug")
    )


class RecordResource(resources.ModelResource):
    """After the rows are saved, the statuses they touched, before or after, are derived again
    (in a preview too: its transaction is rolled back with everything else)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.saved: list = []
        self.touched_before = Touched()

    def before_save_instance(self, instance, row, **kwargs) -> None:
        stored = type(instance).objects.filter(pk=instance.pk).first() if instance.pk else None
        self.touched_before |= touched_by(stored)

    def after_save_instance(self, instance, row, **kwargs) -> None:
        self.saved.append(instance)

    def after_import(self, dataset, result, **kwargs) -> None:
        edits.record_edited(records=self.saved, touched_before=self.touched_before)

    class Meta:
        clean_model_instances = True
        use_transactions = True
        skip_unchanged = True
        report_skipped = True


class AgencyResource(RecordResource):
    parent = by_slug("parent", Agency)

    class Meta(RecordResource.Meta):
        model = Agency
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "name",
            "short_name",
            "kind",
            "country",
            "subdivision",
            "locality",
            "parent",
            "website",
            "summary",
        ]


class SourceResource(RecordResource):
    class Meta(RecordResource.Meta):
        model = Source
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "title",
            "title_supplied",
            "publisher",
            "kind",
            "author",
            "url",
            "published_on",
            "published_on_precision",
            "published_on_inferred",
            "date_note",
        ]


class UseResource(RecordResource):
    agency = by_slug("agency", Agency)
    product = by_slug("product", Product)

    class Meta(RecordResource.Meta):
        model = Use
        fields = [
            "id",
            "agency",
            "product",
            "status",
            "authorisation",
            "started_on",
            "started_on_precision",
            "ended_on",
            "ended_on_precision",
            "disclosed_on",
            "disclosed_on_precision",
            "accounts",
            "searches",
            "cost",
            "cost_currency",
            "summary",
        ]


class CitationResource(RecordResource):
    source = by_slug("source", Source)
    speaker = by_slug("speaker", Person)
    agency = by_slug("agency", Agency)
    vendor = by_slug("vendor", Vendor)
    product = by_slug("product", Product)
    incident = by_slug("incident", Incident)
    action = by_slug("action", RegulatoryAction)
    authority = by_slug("authority", Authority)
    person = by_slug("person", Person)
    # A statement and a step have no slug: they are named by number, as a use is.

    class Meta(RecordResource.Meta):
        model = Citation
        fields = ["id", "source", "quote", "claim", "speaker", *CITED_FIELDS]
