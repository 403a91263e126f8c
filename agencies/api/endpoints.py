import math
from contextlib import nullcontext
from typing import Annotated, Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, NinjaAPI, Path, Query, Router, Schema
from ninja.pagination import PaginationBase, paginate

from .. import filters
from ..choices import AgencySort
from ..filters import SLUG, values_of
from ..models import Agency, Citation, Incident, Product, RegulatoryAction, Use
from ..search import joins_as_written
from ..selectors import lists, records
from ..summaries import stored_count
from . import schemas

# The query schemas, built from each list's one declaration of its filters (agencies/filters.py).
AgenciesFilters = filters.AGENCIES.schema
UsesFilters = filters.USES.schema
IncidentsFilters = filters.INCIDENTS.schema
ActionsFilters = filters.ACTIONS.schema
CitationsFilters = filters.CITATIONS.schema
VendorsFilters = filters.VENDORS.schema
SourcesFilters = filters.SOURCES.schema
StatementsFilters = filters.STATEMENTS.schema

api = NinjaAPI(
    title="Facial recognition tracker API",
    version="1",
    description=(
        "Read-only, published records only. Lists take the same filters as the site's pages "
        "and are paginated by page number, in a stable order."
    ),
    urls_namespace="api",
    docs_url=None,  # the interactive docs load scripts the site's security policy forbids
)


MAX_PAGE = 1_000_000


class Pages(PaginationBase):
    """Page-numbered, with links to the neighbouring pages; the order is fixed per list."""

    class Input(Schema):
        # Bounded, so an absurd page number is a 422, never an offset the database refuses.
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int = Field(50, ge=1, le=200)

    class Output(Schema):
        count: int
        filters: dict[str, str] = Field(
            description="The filters in force, as given: one that matches nothing stays here."
        )
        page: int
        pages: int
        next: str | None
        previous: str | None
        items: list[Any]

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Input, request: HttpRequest, **params
    ):
        # The count and the page from one database: a replica, for an anonymous visitor.
        queryset = queryset.using(queryset.db)
        count = stored_count(queryset)
        size = pagination.page_size
        pages = max(1, math.ceil(count / size))
        number = pagination.page
        start = (number - 1) * size

        def link(page: int) -> str:
            query = request.GET.copy()
            query["page"] = str(page)
            return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

        # A citation joins every kind of record it may cite: read as search reads it, joined
        # in the order written, which PostgreSQL otherwise spends most of the request choosing.
        with joins_as_written(queryset.db) if queryset.model is Citation else nullcontext():
            items = list(queryset[start : start + size])
        given = params.get("filters")
        return {
            "count": count,
            "filters": values_of(given) if given is not None else {},
            "page": number,
            "pages": pages,
            "next": link(number + 1) if number < pages else None,
            "previous": link(number - 1) if 1 < number <= pages + 1 else None,
            "items": items,
        }


# A record's address: a slug in the site's pattern, or a number the database can hold. Anything
# else is a 422 that says why, never a lookup (PostgreSQL refuses a NUL, SQLite a huge number).
Slug = Annotated[str, Path(pattern=SLUG, max_length=200, description="The record's slug.")]
RecordId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The record's number.")]


def listed(item: type[Schema]) -> dict:
    """A list's answers: a page of items, or a 422 for a filter or page that is not valid."""
    return {200: list[item], 400: schemas.Message, 422: schemas.ValidationErrors}


def found(record: type[Schema]) -> dict:
    """A record's answers: the record, a 404 when none is published there, or a 422."""
    return {200: record, 400: schemas.Message, 404: schemas.Message, 422: schemas.ValidationErrors}


agencies = Router(tags=["agencies"])


@agencies.get("", response=listed(schemas.AgencyOut))
@paginate(Pages)
def list_agencies(request, filters: Query[AgenciesFilters]):
    values = values_of(filters)
    sort = values.pop("sort", AgencySort.NAME)
    return lists.agency_records(values, sort)


@agencies.get("/{slug}", response=found(schemas.AgencyDetail))
def get_agency(request, slug: Slug):
    # What the schema reads: every use with its citations; incidents and actions by slug.
    queryset = (
        Agency.objects.public()
        .with_public_parent()
        .prefetch_related(
            records.cited(),
            Prefetch(
                "uses",
                queryset=Use.objects.public()
                .select_related("agency", "product__vendor")
                .prefetch_related(records.cited()),
            ),
            records.public("incidents", Incident),
            records.public("actions", RegulatoryAction),
            "status_changes",
        )
    )
    return get_object_or_404(queryset, slug=slug)


vendors = Router(tags=["vendors"])


@vendors.get("", response=listed(schemas.VendorOut))
@paginate(Pages)
def list_vendors(request, filters: Query[VendorsFilters]):
    return lists.vendor_list(values_of(filters))


@vendors.get("/{slug}", response=found(schemas.VendorDetail))
def get_vendor(request, slug: Slug):
    queryset = lists.vendor_list().prefetch_related(
        records.cited(), Prefetch("products", queryset=Product.objects.public())
    )
    return get_object_or_404(queryset, slug=slug)


uses = Router(tags=["uses"])


@uses.get("", response=listed(schemas.UseOut))
@paginate(Pages)
def list_uses(request, filters: Query[UsesFilters]):
    return lists.use_list(values_of(filters))


incidents = Router(tags=["incidents"])


@incidents.get("", response=listed(schemas.IncidentOut))
@paginate(Pages)
def list_incidents(request, filters: Query[IncidentsFilters]):
    return lists.incident_list(values_of(filters))


@incidents.get("/{slug}", response=found(schemas.IncidentDetail))
def get_incident(request, slug: Slug):
    return get_object_or_404(lists.incident_list({}).prefetch_related(records.cited()), slug=slug)


actions = Router(tags=["actions"])


@actions.get("", response=listed(schemas.ActionOut))
@paginate(Pages)
def list_actions(request, filters: Query[ActionsFilters]):
    return lists.action_list(values_of(filters))


@actions.get("/{slug}", response=found(schemas.ActionDetail))
def get_action(request, slug: Slug):
    action = get_object_or_404(records.action_page_queryset(), slug=slug)
    action.shown_steps = records.with_deadlines(action.shown_steps)
    return action


statements = Router(tags=["statements"])


@statements.get("", response=listed(schemas.StatementOut))
@paginate(Pages)
def list_statements(request, filters: Query[StatementsFilters]):
    return lists.statement_list(values_of(filters))


@statements.get("/{pk}", response=found(schemas.StatementDetail))
def get_statement(request, pk: RecordId):
    return get_object_or_404(records.statements_shown(), pk=pk)


sources = Router(tags=["sources"])


@sources.get("", response=listed(schemas.SourceOut))
@paginate(Pages)
def list_sources(request, filters: Query[SourcesFilters]):
    return lists.source_list(values_of(filters))


@sources.get("/{slug}", response=found(schemas.SourceDetail))
def get_source(request, slug: Slug):
    source = get_object_or_404(lists.source_list(), slug=slug)
    source.quotes = list(lists.citation_list({"source": slug}))
    return source


citations = Router(tags=["citations"])


@citations.get("", response=listed(schemas.CitationOut))
@paginate(Pages)
def list_citations(request, filters: Query[CitationsFilters]):
    return lists.citation_list(values_of(filters))


ROUTERS = [
    ("agencies", agencies),
    ("vendors", vendors),
    ("uses", uses),
    ("incidents", incidents),
    ("actions", actions),
    ("statements", statements),
    ("sources", sources),
    ("citations", citations),
]
for prefix, router in ROUTERS:
    api.add_router(f"/{prefix}", router)


@api.get("/", include_in_schema=False)
def index(request):
    """Where a reader who types the API's address starts: its lists and its description."""
    return {
        "description": api.description,
        "openapi": request.build_absolute_uri("openapi.json"),
        "lists": {prefix: request.build_absolute_uri(prefix) for prefix, _ in ROUTERS},
    }
