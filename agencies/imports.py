"""Bulk import in admin (django-import-export): CSV or XLSX, previewed before anything is written.

Related records are named by slug, so a spreadsheet reads as words, not ids. The publication
state is never imported: new records start as drafts for a publisher to review. Each row is
validated like an admin form (model validation and constraints), and an import with any bad row
writes nothing.

The preview (a dry run, rolled back) saves each row as the import would, so that the database
checks it, but writes no history, derives no status and invalidates no cache: nothing it writes
is kept. It records the newest version of every record the file names, which the confirmed
import compares, under lock, before it writes (agencies/admin/imports.py)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.encoding import force_str
from django.utils.html import escape
from django.utils.safestring import mark_safe
from import_export import fields, instance_loaders, resources, results, widgets
from import_export.results import RowResult

from . import invalidation
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

# The newest history id of each record a file names, by its key (a slug, or an id); None for a
# record that did not exist.
Versions = dict[str, int | None]


class SlugWidget(widgets.ForeignKeyWidget):
    """A related record named by its slug. Every slug of the column is looked up in one query
    before the rows (remember); one not found then may be a record an earlier row created."""

    def __init__(self, model) -> None:
        super().__init__(model, "slug")
        self.known: dict = {}

    def remember(self, slugs) -> None:
        wanted = {str(slug).strip() for slug in slugs if slug not in (None, "")}
        self.known = {record.slug: record for record in self.model.objects.filter(slug__in=wanted)}

    def clean(self, value, row=None, **kwargs):
        slug = "" if value is None else str(value).strip()
        if not slug:
            return None
        record = self.known.get(slug) or self.model.objects.filter(slug=slug).first()
        if record is None:
            raise ValueError(f"No {self.model._meta.verbose_name} has the slug {slug!r}.")
        return record


def by_slug(name: str, model) -> fields.Field:
    return fields.Field(attribute=name, column_name=name, widget=SlugWidget(model))


class KeyedLoader(instance_loaders.BaseInstanceLoader):
    """Every record the file names, loaded in one query, not one a row."""

    def __init__(self, resource, dataset=None) -> None:
        super().__init__(resource, dataset)
        self.field = resource.fields[resource.get_import_id_fields()[0]]
        records = resource.get_queryset().filter(
            **{f"{self.field.attribute}__in": resource.keys(dataset)}
        )
        self.loaded = {str(self.field.get_value(record)): record for record in records}

    def get_instance(self, row):
        if self.field.column_name not in row:
            return None
        try:
            return self.loaded.get(str(self.field.clean(row)))
        except (ValueError, ArithmeticError):
            return None  # the row's own error says why


class Diff(resources.Diff):
    """The preview's cells. A new record's are its values, marked as inserted, in the markup
    diff-match-patch gives them without its diffing, which costs a third of a 3,000-row preview."""

    def as_html(self) -> list[str]:
        if not self.new:
            return super().as_html()
        cells = []
        for original, value in zip(self.left, self.right, strict=True):
            text = escape(force_str(value)).replace("\n", "&para;<br>")
            if value == original:
                cells.append(mark_safe(f"<span>{text}</span>" if text else ""))
            else:
                cells.append(mark_safe(f'<ins style="background:#e6ffe6;">{text}</ins>'))
        return cells


class ImportResult(results.Result):
    """A preview's result, with the versions of the records it read (see RecordResource)."""

    versions: Versions | None = None


class RecordResource(resources.ModelResource):
    """After the rows are saved, the statuses they touched, before or after, are derived again,
    and the caches invalidated once. A preview does neither, and writes no history: its
    transaction is rolled back with everything else."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.saved: list = []
        self.touched_before = Touched()
        self.dry_run = False
        self.pending: list = []  # a preview's new records, not yet inserted (flush)
        self.refused: list = []

    @classmethod
    def get_result_class(cls):
        return ImportResult

    def get_diff_class(self):
        return Diff

    def import_data_inner(
        self, dataset, dry_run, raise_errors, using_transactions, collect_failed_rows, **kwargs
    ):
        self.dry_run = dry_run
        if dry_run:
            # A preview needs no savepoint per row, two round trips a row: import_data's
            # transaction rolls the whole preview back, new rows are inserted together (flush)
            # and an update is saved in a savepoint of its own (save_instance).
            using_transactions = False
        # Inside the import's transaction: once for the whole import, or not at all in a preview.
        with invalidation.batched(discard=dry_run):
            return super().import_data_inner(
                dataset, dry_run, raise_errors, using_transactions, collect_failed_rows, **kwargs
            )

    def before_import(self, dataset, **kwargs) -> None:
        for field in self.fields.values():
            if isinstance(field.widget, SlugWidget) and field.column_name in dataset.headers:
                field.widget.remember(dataset[field.column_name])
        if self.dry_run:
            self.versions = self.read_versions(self.keys(dataset))

    def keys(self, dataset) -> list[str]:
        """The key of each record the file names (a slug or an id), where a row names one."""
        field = self.fields[self.get_import_id_fields()[0]]
        if field.column_name not in dataset.headers:
            return []
        keys = set()
        for value in dataset[field.column_name]:
            try:
                key = field.widget.clean(value)
            except (ValueError, ArithmeticError):
                continue  # the row's own error says why
            if key not in (None, ""):
                keys.add(str(key))
        return sorted(keys)

    def read_versions(self, keys: list[str], *, lock: bool = False) -> Versions:
        """The newest history id of each record named, None where there is none; `lock` holds
        the records until the transaction ends."""
        model = self._meta.model
        attribute = self.fields[self.get_import_id_fields()[0]].attribute
        records = model.objects.filter(**{f"{attribute}__in": keys}).order_by()
        if lock:
            records = records.select_for_update()
        named = dict(records.values_list("pk", attribute))
        newest = dict(
            model.history.filter(id__in=named)
            .order_by()
            .values("id")
            .annotate(newest=Max("history_id"))
            .values_list("id", "newest")
        )
        versions: Versions = dict.fromkeys(keys)
        for pk, key in named.items():
            versions[str(key)] = newest.get(pk, 0)
        return versions

    def after_init_instance(self, instance, new, row, **kwargs) -> None:
        if self.dry_run:
            instance.skip_history_when_saving = True  # nothing a preview writes is kept

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # Constraints are checked by the database as the row is saved (save_instance), which
        # costs nothing; Django's validation of each, a query apiece, only explains a refusal.
        errors = dict(import_validation_errors or {})
        # A relation named by slug was just read from the database: not a query more to check.
        looked_up = {f.attribute for f in self.fields.values() if isinstance(f.widget, SlugWidget)}
        try:
            instance.full_clean(
                exclude={*errors, *looked_up}, validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance, is_create, row, **kwargs) -> None:
        if not self.dry_run:
            return super().save_instance(instance, is_create, row, **kwargs)
        if not is_create:  # saved so that the database checks it, then rolled back
            return self.do_instance_save(instance, is_create)
        # A preview inserts its new records in bulk (flush): a statement or two, not one a row.
        # A row naming a record an earlier row created waits for that one to be inserted.
        if any(related.pk is None for related in instance._state.fields_cache.values() if related):
            self.flush()
        self.pending.append((kwargs["row_number"], row, instance))
        for field in self.fields.values():
            if isinstance(field.widget, SlugWidget) and field.widget.model is type(instance):
                field.widget.known[instance.slug] = instance
        return None

    def flush(self) -> None:
        """Insert the new records a preview holds; where the database refuses the batch, each
        row alone, so that the refused ones are named (self.refused) and the rest go on."""
        pending, self.pending = self.pending, []
        if not pending:
            return
        for _, _, instance in pending:
            instance.truncate_dates()
        try:
            with transaction.atomic():
                self._meta.model.objects.bulk_create([instance for _, _, instance in pending])
                return
        except IntegrityError:
            pass
        for number, row, instance in pending:
            instance.pk, instance._state.adding = None, True  # as before the rolled-back batch
            try:
                self.do_instance_save(instance, is_create=True)
            except ValidationError as error:
                self.refused.append((number, row, error))
            except (IntegrityError, ValueError) as error:  # ValueError: a refused row named
                self.refused.append((number, row, ValidationError(str(error))))

    def report_refused(self, result) -> None:
        """The rows the database refused in a preview's bulk insert, reported as any invalid
        row is: by number, with the reason."""
        for number, row, error in self.refused:
            row_result = result.rows[number - 1]  # every row has a result (report_skipped)
            result.totals[row_result.import_type] -= 1
            result.totals[RowResult.IMPORT_TYPE_INVALID] += 1
            row_result.import_type = RowResult.IMPORT_TYPE_INVALID
            row_result.validation_error = error
            result.append_invalid_row(number, row, error)

    def do_instance_save(self, instance, is_create) -> None:
        try:
            with transaction.atomic():
                instance.save(force_insert=is_create)
        except IntegrityError:
            # The database refused the row: Django's validation says which constraint, in the
            # words an admin form would use; failing that, the database's own.
            instance.validate_constraints()
            raise

    def before_save_instance(self, instance, row, **kwargs) -> None:
        if not self.dry_run:  # what the record touched as stored, before this save
            self.touched_before |= touched_by(instance)

    def after_save_instance(self, instance, row, **kwargs) -> None:
        if not self.dry_run:
            self.saved.append(instance)

    def after_import(self, dataset, result, **kwargs) -> None:
        if self.dry_run:
            self.flush()
            self.report_refused(result)
            result.versions = self.versions
        else:
            edits.record_edited(records=self.saved, touched_before=self.touched_before)

    class Meta:
        clean_model_instances = True
        use_transactions = True
        skip_unchanged = True
        report_skipped = True
        instance_loader_class = KeyedLoader


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
