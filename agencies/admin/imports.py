"""The "Import" button of a record's list: a CSV or XLSX within limits, previewed, then written
all rows or none, and only if no record it names changed since the preview."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core import signing
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from import_export import forms as import_forms
from import_export.admin import ImportMixin

from .. import spreadsheets
from ..imports import Versions

SALT = "agencies.imports.versions"
# An older preview is not confirmed: the file is uploaded and previewed again.
PREVIEW_MAX_AGE = 6 * 60 * 60


class ImportForm(import_forms.ImportForm):
    """Refuses a file past the limits before it is stored or parsed (agencies/spreadsheets.py)."""

    def __init__(self, formats, resources, **kwargs) -> None:
        super().__init__(formats, resources, **kwargs)
        self.formats = formats

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        spreadsheets.check_size(upload.size)
        return upload

    def clean(self):
        cleaned = super().clean()
        upload, chosen = cleaned.get("import_file"), cleaned.get("format")
        if upload and chosen and issubclass(self.formats[int(chosen)], spreadsheets.XLSX):
            try:
                spreadsheets.check_unpacked(upload)
            except spreadsheets.Refused as refusal:
                self.add_error("import_file", refusal)
        return cleaned


class ConfirmImportForm(import_forms.ConfirmImportForm):
    """Carries what the preview read (signed: the editor's browser cannot alter it)."""

    versions = forms.CharField(widget=forms.HiddenInput())

    def clean_versions(self) -> Versions:
        try:
            return signing.loads(self.cleaned_data["versions"], salt=SALT, max_age=PREVIEW_MAX_AGE)
        except signing.BadSignature:
            raise forms.ValidationError("The preview has expired: upload the file again.") from None


class NotWritten(Exception):
    """The confirmed import wrote nothing, for the reason given."""


def changes_since(previewed: Versions, now: Versions, noun: str) -> list[str]:
    """Each record named whose newest version differs from the one the preview read."""
    changes = []
    for key, current in now.items():
        if key not in previewed:
            changes.append(f"{noun} {key} was not in the preview")
        elif previewed[key] != current:
            if previewed[key] is None:
                changes.append(f"{noun} {key} was created")
            elif current is None:
                changes.append(f"{noun} {key} was deleted")
            else:
                changes.append(f"{noun} {key} was changed")
    return changes


class SpreadsheetImport(ImportMixin):
    """An "Import" button on the list: CSV or XLSX, previewed, all rows or none."""

    import_formats = [spreadsheets.CSV, spreadsheets.XLSX]
    import_form_class = ImportForm
    confirm_form_class = ConfirmImportForm

    def add_data_read_fail_error_to_form(self, form, e) -> None:
        if isinstance(e, spreadsheets.Refused):
            form.add_error("import_file", e)
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", {})
        if context.get("confirm_form") is not None:
            versions = context["result"].versions
            context["confirm_form"].initial["versions"] = signing.dumps(
                versions, salt=SALT, compress=True
            )
        return response

    def get_import_data_kwargs(self, **kwargs):
        # A confirmed import with any bad row writes nothing (a row valid in the preview can
        # turn bad: a parent it names deleted since).
        return super().get_import_data_kwargs(**kwargs) | {"rollback_on_validation_errors": True}

    def process_dataset(self, dataset, form, request, **kwargs):
        resource = self.choose_import_resource_class(form, request)()
        noun = self.opts.verbose_name
        with transaction.atomic():
            # Locked until the import commits: no edit can come between this check and it.
            now = resource.read_versions(resource.keys(dataset), lock=True)
            if changes := changes_since(form.cleaned_data["versions"], now, noun):
                raise NotWritten(
                    f"Since the preview, {'; '.join(changes)}. Upload the file again to see "
                    "a fresh preview."
                )
            result = super().process_dataset(dataset, form, request, **kwargs)
            if result.has_errors() or result.has_validation_errors():
                rows = sorted(
                    {row.number for row in result.invalid_rows}
                    | {number for number, _ in result.row_errors()}
                )
                raise NotWritten(
                    f"Rows {', '.join(map(str, rows))} failed; upload the file again to see why."
                    if rows
                    else "The import failed; upload the file again to see why."
                )
        return result

    def process_import(self, request, **kwargs):
        try:
            return super().process_import(request, **kwargs)
        except NotWritten as refusal:
            self.message_user(request, f"Nothing was imported. {refusal}", messages.ERROR)
            info = self.opts.app_label, self.opts.model_name
            return HttpResponseRedirect(reverse("admin:{}_{}_import".format(*info)))
