"""What every record's admin shares: history, drafts and publishing, citations inline, and the
services that follow each write (statuses derived again, caches invalidated)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth import get_permission_codename
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from simple_history.admin import SimpleHistoryAdmin

from ..choices import Publication
from ..models import ActionAuthority, ActionStep, Citation, Product, Source, Use
from ..services import edits, publishing
from ..services.statuses import Touched, touched_by
from . import versions
from .dates import PreciseDatesForm


def date_column(accessor: str, description: str):
    """A list column of a precise date as known ("Oct 2019"), sorted by its stored day."""

    @admin.display(description=description, ordering=f"{accessor}_on")
    def column(self, obj) -> str:
        return str(getattr(obj, accessor) or "—")

    return column


def dates_fieldset(*fields: str, title: str = "Dates") -> tuple:
    """The dates, each typed as it is known; its precision follows (admin/dates.py)."""
    return (title, {"fields": list(fields)})


class RecordForm(versions.VersionedForm, PreciseDatesForm):
    """A record's change form (or an inline's row): dates as typed, and refused if another
    editor changed what it writes since it was opened (admin/versions.py)."""


class CitationFormSet(versions.VersionedFormSet):
    """Refuses to leave a public record without a citation of a published source."""

    def clean(self) -> None:
        super().clean()
        if not getattr(self.instance, "is_published", False):
            return
        sources = [
            form.cleaned_data["source"]
            for form in self.forms
            if form.cleaned_data.get("source") and not form.cleaned_data.get("DELETE")
        ]
        if reason := publishing.missing_support(self.instance, sources=sources):
            raise ValidationError(reason)


class CitationInline(versions.VersionedInline, admin.StackedInline):
    """Citations shown on the record they support; the foreign key says which."""

    model = Citation
    view_on_site = False  # the record it cites has the link, at the top
    formset = CitationFormSet
    extra = 0
    min_num = 0
    fields = [("source", "speaker"), "quote", "claim"]
    autocomplete_fields = ["source", "speaker"]
    verbose_name = "citation"
    verbose_name_plural = "citations: the sources behind this record, with the exact quote"


class PersonCitationInline(CitationInline):
    fk_name = "person"


class UseInline(versions.VersionedInline, admin.StackedInline):
    """An agency's uses, with all that an editor records of one, so a new fact is one screen."""

    model = Use
    form = RecordForm
    extra = 0
    view_on_site = False  # the use's own page is linked from its change page when published
    fields = [
        ("product", "status", "authorisation"),
        ("started_on", "ended_on", "disclosed_on"),
        "summary",
        ("accounts", "searches", "cost", "cost_currency"),
    ]
    autocomplete_fields = ["product"]
    show_change_link = True


class ActionAuthorityInline(versions.VersionedInline, admin.TabularInline):
    model = ActionAuthority
    extra = 1
    autocomplete_fields = ["authority"]


class ActionStepInline(versions.VersionedInline, admin.StackedInline):
    """An action's steps; each is cited on its own page (the change link)."""

    model = ActionStep
    form = RecordForm
    extra = 0
    view_on_site = False
    # Published from its own page, where its citations are: a step is public only if sourced.
    fields = [("kind", "occurred_on", "deadline_on"), "finding", "summary"]
    show_change_link = True


class ProductInline(versions.VersionedInline, admin.TabularInline):
    model = Product
    extra = 0
    view_on_site = False  # a product's page is its vendor's, linked at the top when published
    prepopulated_fields = {"slug": ["name"]}
    show_change_link = True


def touched_before(request) -> dict[int, Touched]:
    """The agencies each record saved in this request touched before the save, by its pk."""
    return request.__dict__.setdefault("agencies_touched_before", {})


class RecordAdmin(versions.VersionedAdmin, SimpleHistoryAdmin):
    """Every record: its history (with what changed, and a way to restore a version), no lost
    edit (admin/versions.py), and after every save or delete, the statuses it touched derived
    again (services.edits)."""

    form = RecordForm
    # A link typed without a scheme is taken as https (Django 6's default, adopted now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change) -> None:
        # What the record touched as stored, before this save: a use moved to another agency,
        # an action no longer about one, still change those agencies' statuses.
        if change:
            stored = type(obj).objects.filter(pk=obj.pk).first()
            touched_before(request)[obj.pk] = touched_by(stored)
        super().save_model(request, obj, form, change)

    # Admin logs each write once, after the record, its inlines and its relations are all saved
    # (the change form, a restored version, a list edit): the statuses are derived there.
    def log_addition(self, request, obj, message):
        self.derive_statuses(request, obj)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self.derive_statuses(request, obj)
        return super().log_change(request, obj, message)

    def derive_statuses(self, request, obj) -> None:
        before = touched_before(request).pop(obj.pk, Touched())
        edits.record_edited(records=[obj], touched_before=before)

    def delete_model(self, request, obj) -> None:
        touched = touched_by(obj)
        super().delete_model(request, obj)
        edits.record_edited(records=[], touched_before=touched)

    def delete_queryset(self, request, queryset) -> None:
        touched = Touched.union(touched_by(record) for record in queryset)
        super().delete_queryset(request, queryset)
        edits.record_edited(records=[], touched_before=touched)


class DerivedAdmin(admin.ModelAdmin):
    """A table a rule keeps, never typed: read here only."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class PublishableAdmin(RecordAdmin):
    """Drafts and publishing: editors write drafts; only publishers may publish or unpublish."""

    actions = [*RecordAdmin.actions, "mark_ready_for_review", "publish_selected", "return_to_draft"]

    def get_list_display(self, request):
        return [*super().get_list_display(request), "publication"]

    def get_list_filter(self, request):
        return ["publication", *super().get_list_filter(request)]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.fieldsets:  # declared fieldsets leave out the publication fields
            fieldsets = [*fieldsets, ("Publication", {"fields": ["publication", "published_at"]})]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "published_at"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if self.has_publish_permission(request) or "publication" not in form.base_fields:
            return form
        # An editor marks a draft ready for review, or sends a published record back for
        # review (it leaves the public until a publisher publishes it again); never publishes.
        published = obj is not None and obj.is_published
        allowed = {Publication.REVIEW, Publication.PUBLISHED if published else Publication.DRAFT}
        form.base_fields["publication"].choices = [
            (value, label) for value, label in Publication.choices if value in allowed
        ]
        return form

    def view_on_site(self, obj) -> str | None:
        # A record not yet public is previewed: its page as the public would see it.
        if not hasattr(obj, "get_absolute_url"):
            return None
        url = obj.get_absolute_url()
        return url if type(obj).objects.public().filter(pk=obj.pk).exists() else f"{url}?preview"

    def has_publish_permission(self, request) -> bool:
        codename = get_permission_codename("publish", self.opts)
        return request.user.has_perm(f"{self.opts.app_label}.{codename}")

    def report(self, request, outcome: publishing.Outcome, done: str) -> None:
        if outcome.done:
            named = "; ".join(str(record) for record in outcome.done)
            self.message_user(request, f"{done}: {named}.", messages.SUCCESS)
        for reason in outcome.refused:
            self.message_user(request, f"Refused. {reason}", messages.ERROR)

    @admin.action(description="Mark the selected drafts ready for review", permissions=["change"])
    @versions.refuses_changed_since_shown("Not marked ready for review")
    def mark_ready_for_review(self, request, queryset) -> None:
        drafts = list(queryset.filter(publication=Publication.DRAFT))
        for record in drafts:
            record.publication = Publication.REVIEW
            record.save()  # one by one, so each change is in the record's history
        named = "; ".join(str(record) for record in drafts) or "nothing: no draft was selected"
        self.message_user(request, f"Ready for review: {named}.", messages.SUCCESS)

    @admin.action(description="Publish the selected records", permissions=["publish"])
    @versions.refuses_changed_since_shown("Not published")
    def publish_selected(self, request, queryset) -> None:
        outcome = publishing.publish(records=queryset.exclude(publication=Publication.PUBLISHED))
        self.report(request, outcome, "Published")

    @admin.action(description="Return the selected records to draft", permissions=["publish"])
    @versions.refuses_changed_since_shown("Not returned to draft")
    def return_to_draft(self, request, queryset) -> None:
        outcome = publishing.withdraw(records=queryset.filter(publication=Publication.PUBLISHED))
        self.report(request, outcome, "Returned to draft, no longer public")


class SourceForm(RecordForm):
    """A source that is the only published support of a public fact stays published."""

    def clean(self):
        cleaned = super().clean()
        stored = Source.objects.filter(pk=self.instance.pk).first()
        withdrawing = cleaned.get("publication", Publication.PUBLISHED) != Publication.PUBLISHED
        if stored is not None and stored.is_published and withdrawing:
            reason = publishing.withdrawal_refusal(stored)
            if reason:
                raise ValidationError(reason)
        return cleaned


class CitedAdmin(PublishableAdmin):
    """Shared by every cited record: citations inline and a count column."""

    inlines = [CitationInline]

    def get_queryset(self, request):
        # A GROUP BY query drops Meta.ordering, so the order is said again (stable pages).
        return (
            super()
            .get_queryset(request)
            .annotate(citation_count=Count("citations", distinct=True))
            .order_by(*self.model._meta.ordering, "pk")
        )

    @admin.display(description="citations", ordering="citation_count")
    def citation_count(self, obj) -> int:
        return obj.citation_count
