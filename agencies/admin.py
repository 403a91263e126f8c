"""The editors' workspace: every record, with its citations inline where it is edited."""

from django.contrib import admin, messages
from django.contrib.auth import get_permission_codename
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.html import format_html
from import_export.admin import ImportMixin
from import_export.formats.base_formats import CSV, XLSX
from simple_history.admin import SimpleHistoryAdmin

from . import imports
from .choices import Publication
from .models import (
    ActionAuthority,
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

NEEDS_CITATION = (
    "A record can be published only with at least one citation: add the source and the exact "
    "quote that support it, then publish."
)


class CitationFormSet(BaseInlineFormSet):
    """Refuses to leave a published record without a citation."""

    def clean(self) -> None:
        super().clean()
        if not getattr(self.instance, "is_published", False):
            return
        kept = [
            form
            for form in self.forms
            if form.cleaned_data.get("source") and not form.cleaned_data.get("DELETE")
        ]
        if not kept:
            raise ValidationError(NEEDS_CITATION)


class CitationInline(admin.StackedInline):
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


class UseInline(admin.TabularInline):
    model = Use
    extra = 0
    view_on_site = False  # a use's page is its agency's, linked at the top when published
    fields = [
        "product",
        "status",
        "authorisation",
        "started_on",
        "started_on_precision",
        "ended_on",
        "ended_on_precision",
    ]
    autocomplete_fields = ["product"]
    show_change_link = True


class ActionAuthorityInline(admin.TabularInline):
    model = ActionAuthority
    extra = 1
    autocomplete_fields = ["authority"]


class ProductInline(admin.TabularInline):
    model = Product
    extra = 0
    view_on_site = False  # a product's page is its vendor's, linked at the top when published
    prepopulated_fields = {"slug": ["name"]}
    show_change_link = True


class RecordAdmin(SimpleHistoryAdmin):
    """Every record: its history (with what changed, and a way to restore a version)."""

    # A link typed without a scheme is taken as https (Django 6's default, adopted now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class PublishableAdmin(RecordAdmin):
    """Drafts and publishing: editors write drafts; only publishers may publish or unpublish."""

    needs_citation = True
    actions = ["publish_selected", "return_to_draft"]

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
        readonly = [*super().get_readonly_fields(request, obj), "published_at"]
        if not self.has_publish_permission(request):
            readonly.append("publication")
        return readonly

    def view_on_site(self, obj) -> str | None:
        # A draft has no public page yet: the link would lead to "Not found".
        if obj.is_published and hasattr(obj, "get_absolute_url"):
            return obj.get_absolute_url()
        return None

    def has_publish_permission(self, request) -> bool:
        codename = get_permission_codename("publish", self.opts)
        return request.user.has_perm(f"{self.opts.app_label}.{codename}")

    @admin.action(description="Publish the selected records", permissions=["publish"])
    def publish_selected(self, request, queryset) -> None:
        refused = []
        for record in queryset.exclude(publication=Publication.PUBLISHED):
            if self.needs_citation and not record.citations.exists():
                refused.append(str(record))
                continue
            record.publication = Publication.PUBLISHED
            record.published_at = record.published_at or timezone.now()
            record.save()  # one by one, so history and statuses follow each change
        if refused:
            self.message_user(
                request,
                f"Not published, as they have no citation: {'; '.join(refused)}. {NEEDS_CITATION}",
                messages.ERROR,
            )
        else:
            self.message_user(request, "Published.", messages.SUCCESS)

    @admin.action(description="Return the selected records to draft", permissions=["publish"])
    def return_to_draft(self, request, queryset) -> None:
        for record in queryset.filter(publication=Publication.PUBLISHED):
            record.publication = Publication.DRAFT
            record.save()
        self.message_user(request, "Returned to draft: no longer public.", messages.SUCCESS)


class SpreadsheetImport(ImportMixin):
    """An "Import" button on the list: CSV or XLSX, previewed, all rows or none."""

    import_formats = [CSV, XLSX]


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


@admin.register(Agency)
class AgencyAdmin(SpreadsheetImport, CitedAdmin):
    resource_classes = [imports.AgencyResource]
    list_display = [
        "name",
        "short_name",
        "kind",
        "country",
        "subdivision",
        "status",
        "citation_count",
    ]
    list_filter = ["status", "kind", "country", "subdivision"]
    search_fields = ["name", "short_name", "locality", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    readonly_fields = ["status", "status_summary", "created_at", "updated_at"]
    inlines = [UseInline, CitationInline]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "slug", "kind", "parent", "website", "summary"]}),
        ("Where", {"fields": ["country", "subdivision", "locality"]}),
        (
            "Status (derived from uses and actions; not editable)",
            {"fields": ["status", "status_summary"]},
        ),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]


@admin.register(Vendor)
class VendorAdmin(CitedAdmin):
    list_display = ["name", "country", "product_count", "citation_count"]
    list_filter = ["country"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ProductInline, CitationInline]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(product_count=Count("products", distinct=True))
        )

    @admin.display(description="products", ordering="product_count")
    def product_count(self, obj) -> int:
        return obj.product_count


@admin.register(Product)
class ProductAdmin(CitedAdmin):
    list_display = ["name", "vendor", "citation_count"]
    list_filter = ["vendor"]
    list_select_related = ["vendor"]
    search_fields = ["name", "vendor__name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["vendor"]


@admin.register(Use)
class UseAdmin(SpreadsheetImport, CitedAdmin):
    resource_classes = [imports.UseResource]
    list_display = [
        "agency",
        "product",
        "status",
        "authorisation",
        "started_display",
        "ended_display",
        "citation_count",
    ]
    list_filter = ["status", "authorisation", "product__vendor", "agency__country"]
    list_select_related = ["agency", "product"]
    search_fields = ["agency__name", "product__name", "product__vendor__name", "summary"]
    autocomplete_fields = ["agency", "product"]
    date_hierarchy = "started_on"
    fieldsets = [
        (None, {"fields": ["agency", "product", "status", "authorisation", "summary"]}),
        (
            "Dates",
            {
                "fields": [
                    ("started_on", "started_on_precision"),
                    ("ended_on", "ended_on_precision"),
                    ("disclosed_on", "disclosed_on_precision"),
                ]
            },
        ),
        ("Counts, where known", {"fields": ["accounts", "searches", ("cost", "cost_currency")]}),
    ]

    @admin.display(description="started", ordering="started_on")
    def started_display(self, obj) -> str:
        return str(obj.started or "—")

    @admin.display(description="ended", ordering="ended_on")
    def ended_display(self, obj) -> str:
        return str(obj.ended or "—")


@admin.register(Incident)
class IncidentAdmin(CitedAdmin):
    list_display = ["title", "kind", "occurred_display", "disclosed_display", "citation_count"]
    list_filter = ["kind", "vendors", "agencies__country"]
    search_fields = ["title", "summary", "agencies__name", "vendors__name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["agencies", "vendors"]
    date_hierarchy = "disclosed_on"
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "summary"]}),
        (
            "Dates",
            {
                "fields": [
                    ("occurred_on", "occurred_on_precision"),
                    ("disclosed_on", "disclosed_on_precision"),
                ]
            },
        ),
        ("Involved", {"fields": ["agencies", "vendors"]}),
    ]

    @admin.display(description="occurred", ordering="occurred_on")
    def occurred_display(self, obj) -> str:
        return str(obj.occurred or "—")

    @admin.display(description="made public", ordering="disclosed_on")
    def disclosed_display(self, obj) -> str:
        return str(obj.disclosed or "—")


@admin.register(Authority)
class AuthorityAdmin(CitedAdmin):
    list_display = ["name", "short_name", "kind", "country", "subdivision", "citation_count"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "short_name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["agency"]


@admin.register(RegulatoryAction)
class RegulatoryActionAdmin(CitedAdmin):
    list_display = ["title", "kind", "state", "opened_display", "closed_display", "citation_count"]
    list_filter = ["kind", "state", "authorities__kind", "vendors"]
    search_fields = [
        "title",
        "summary",
        "outcome",
        "authorities__name",
        "agencies__name",
        "vendors__name",
    ]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["agencies", "vendors"]
    date_hierarchy = "opened_on"
    inlines = [ActionAuthorityInline, CitationInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "state", "summary", "outcome"]}),
        (
            "Dates",
            {
                "fields": [
                    ("opened_on", "opened_on_precision"),
                    ("closed_on", "closed_on_precision"),
                ]
            },
        ),
        ("About", {"fields": ["agencies", "vendors"]}),
    ]

    @admin.display(description="opened", ordering="opened_on")
    def opened_display(self, obj) -> str:
        return str(obj.opened or "—")

    @admin.display(description="closed", ordering="closed_on")
    def closed_display(self, obj) -> str:
        return str(obj.closed or "—")


@admin.register(Person)
class PersonAdmin(CitedAdmin):
    list_display = ["name", "role", "organisation", "citation_count"]
    search_fields = ["name", "role", "organisation"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["agency", "vendor", "authority"]
    inlines = [PersonCitationInline]


@admin.register(Source)
class SourceAdmin(SpreadsheetImport, PublishableAdmin):
    resource_classes = [imports.SourceResource]
    needs_citation = False  # a source is the evidence itself
    list_display = [
        "title",
        "publisher",
        "kind",
        "published_display",
        "published_on_inferred",
        "citation_count",
        "link",
    ]
    list_filter = ["kind", "publisher", "published_on_inferred"]
    search_fields = ["title", "publisher", "author", "url"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_on"
    fieldsets = [
        (
            None,
            {"fields": ["title", "title_supplied", "slug", "publisher", "kind", "author", "url"]},
        ),
        (
            "Date",
            {
                "fields": [
                    ("published_on", "published_on_precision"),
                    "published_on_inferred",
                    "date_note",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        # A GROUP BY query drops Meta.ordering, so the order is said again (stable pages).
        return (
            super()
            .get_queryset(request)
            .annotate(citation_count=Count("citations"))
            .order_by(*self.model._meta.ordering, "pk")
        )

    @admin.display(description="citations", ordering="citation_count")
    def citation_count(self, obj) -> int:
        return obj.citation_count

    @admin.display(description="published", ordering="published_on")
    def published_display(self, obj) -> str:
        text = str(obj.published or "—")
        return f"{text} (inferred)" if obj.published_on_inferred else text

    @admin.display(description="link")
    def link(self, obj) -> str:
        return format_html('<a href="{}" rel="noopener">open</a>', obj.url) if obj.url else "—"


@admin.register(Citation)
class CitationAdmin(SpreadsheetImport, RecordAdmin):
    resource_classes = [imports.CitationResource]
    list_display = ["__str__", "source", "speaker", "cited_record"]
    list_filter = ["source__publisher", "source"]
    list_select_related = [
        "source",
        "speaker",
        "agency",
        "vendor",
        "product",
        "use__agency",
        "use__product",
        "incident",
        "action",
        "authority",
        "person",
    ]
    search_fields = ["quote", "claim", "source__title", "speaker__name"]
    autocomplete_fields = [
        "source",
        "speaker",
        "agency",
        "vendor",
        "product",
        "use",
        "incident",
        "action",
        "authority",
        "person",
    ]
    fieldsets = [
        (None, {"fields": ["source", "quote", "claim", "speaker"]}),
        (
            "The record it supports (choose exactly one)",
            {
                "fields": [
                    "agency",
                    "vendor",
                    "product",
                    "use",
                    "incident",
                    "action",
                    "authority",
                    "person",
                ]
            },
        ),
    ]

    @admin.display(description="supports")
    def cited_record(self, obj) -> str:
        return str(obj.record)
