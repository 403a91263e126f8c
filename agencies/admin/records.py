"""The editors' workspace: every record, with its citations inline where it is edited."""

from django.contrib import admin, messages
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from .. import imports
from ..choices import StepKind
from ..models import (
    CITED_FIELDS,
    ActionStep,
    Agency,
    Authority,
    Citation,
    Contradiction,
    Incident,
    Person,
    Product,
    RegulatoryAction,
    Source,
    Statement,
    StatusChange,
    Use,
    Vendor,
)
from ..services import publishing
from .base import (
    ActionAuthorityInline,
    ActionStepInline,
    CitationInline,
    CitedAdmin,
    DerivedAdmin,
    PersonCitationInline,
    ProductInline,
    PublishableAdmin,
    RecordAdmin,
    SourceForm,
    UseInline,
    date_column,
    dates_fieldset,
)
from .imports import SpreadsheetImport


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
        dates_fieldset("started_on", "ended_on", "disclosed_on"),
        ("Counts, where known", {"fields": ["accounts", "searches", ("cost", "cost_currency")]}),
    ]

    started_display = date_column("started", "started")

    ended_display = date_column("ended", "ended")


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
        dates_fieldset("occurred_on", "disclosed_on"),
        ("Involved", {"fields": ["agencies", "vendors"]}),
    ]

    occurred_display = date_column("occurred", "occurred")

    disclosed_display = date_column("disclosed", "made public")


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
    inlines = [ActionAuthorityInline, ActionStepInline, CitationInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "state", "summary", "outcome"]}),
        dates_fieldset("opened_on", "closed_on"),
        ("About", {"fields": ["agencies", "vendors"]}),
    ]

    opened_display = date_column("opened", "opened")

    closed_display = date_column("closed", "closed")

    def get_readonly_fields(self, request, obj=None):
        # Once an action has steps, its state and dates follow them (services/actions.py).
        derived = []
        if obj is not None and obj.steps.exists():
            derived = ["state", "closed_on"]
            if obj.steps.filter(kind=StepKind.OPENED).exists():
                derived.append("opened_on")
        return [*super().get_readonly_fields(request, obj), *derived]


@admin.register(ActionStep)
class ActionStepAdmin(CitedAdmin):
    list_display = ["action", "kind", "occurred_display", "finding", "citation_count"]
    list_filter = ["kind", "action__kind"]
    list_select_related = ["action"]
    search_fields = ["action__title", "finding", "summary"]
    autocomplete_fields = ["action"]
    fieldsets = [
        (None, {"fields": ["action", "kind", "finding", "summary"]}),
        dates_fieldset("occurred_on", "deadline_on", "dates_inferred", "date_note"),
    ]

    occurred_display = date_column("occurred", "on")


@admin.register(Statement)
class StatementAdmin(CitedAdmin):
    list_display = ["__str__", "stance", "said_display", "venue", "citation_count"]
    list_filter = ["stance", "agency", "vendor", "authority"]
    list_select_related = ["speaker", "agency", "vendor", "authority"]
    search_fields = ["speaker__name", "agency__name", "vendor__name", "venue", "summary"]
    autocomplete_fields = [
        "speaker",
        "agency",
        "vendor",
        "authority",
        "about_agency",
        "about_use",
        "about_action",
    ]
    readonly_fields = ["contradictions"]
    fieldsets = [
        (None, {"fields": ["stance", "summary", "contradictions"]}),
        ("Who said it", {"fields": ["speaker", ("agency", "vendor", "authority"), "venue"]}),
        dates_fieldset("said_on", "said_on_inferred", "date_note", title="When"),
        ("What it is about", {"fields": ["about_agency", "about_use", "about_action"]}),
    ]

    said_display = date_column("said", "said")

    @admin.display(description="contradictions (derived)")
    def contradictions(self, obj) -> str:
        found = [*obj.contradicted_by.all(), *obj.contradicts.all()] if obj.pk else []
        return "; ".join(str(c) for c in found) or "None found."


@admin.register(Contradiction)
class ContradictionAdmin(DerivedAdmin):
    """Derived from statements and uses by the contradiction rule."""

    list_display = ["__str__", "agency"]
    list_select_related = ["agency", "denial__speaker", "confirmation__speaker", "use__product"]
    search_fields = ["agency__name"]


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
    form = SourceForm
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
                    "published_on",
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
        *CITED_FIELDS,
        "use__agency",
        "use__product",
        "statement__speaker",
        "step__action",
    ]
    search_fields = ["quote", "claim", "source__title", "speaker__name"]
    autocomplete_fields = ["source", "speaker", *CITED_FIELDS]
    fieldsets = [
        (None, {"fields": ["source", "quote", "claim", "speaker"]}),
        ("The record it supports (choose exactly one)", {"fields": list(CITED_FIELDS)}),
    ]

    @admin.display(description="supports")
    def cited_record(self, obj) -> str:
        return str(obj.record)

    def delete_view(self, request, object_id, extra_context=None):
        citation = self.get_object(request, object_id)
        reason = citation and publishing.citation_change_refusal(citation, deleting=True)
        if reason:
            self.message_user(request, f"Not deleted. {reason}", messages.ERROR)
            return HttpResponseRedirect(
                reverse("admin:agencies_citation_change", args=[citation.pk])
            )
        return super().delete_view(request, object_id, extra_context)


@admin.register(StatusChange)
class StatusChangeAdmin(DerivedAdmin):
    """Kept by the status rule, so read only: what changed, when, and what decided it."""

    list_display = ["agency", "from_status", "to_status", "recorded_at", "reported_on"]
    list_filter = ["to_status", "from_status"]
    list_select_related = ["agency"]
    search_fields = ["agency__name", "summary"]
    date_hierarchy = "recorded_at"
