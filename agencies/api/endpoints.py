import math
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, NinjaAPI, Query, Router, Schema
from ninja.pagination import PaginationBase, paginate

from .. import selectors
from ..models import Agency, Incident, Product, RegulatoryAction, Use
from . import schemas

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


@dataclass
class Counted:
    """A list whose length is already known (a stored site-wide figure): paging skips counting."""

    queryset: QuerySet
    count: int


MAX_PAGE = 1_000_000


class Pages(PaginationBase):
    """Page-numbered, with links to the neighbouring pages; the order is fixed per list."""

    class Input(Schema):
        # Bounded, so an absurd page number is a 422, never an offset the database refuses.
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int = Field(50, ge=1, le=200)

    class Output(Schema):
        count: int
        page: int
        pages: int
        next: str | None
        previous: str | None
        items: list[Any]

    def paginate_queryset(
        self, queryset: QuerySet | Counted, pagination: Input, request: HttpRequest, **params
    ):
        if isinstance(queryset, Counted):
            queryset, count = queryset.queryset, queryset.count
        else:
            count = queryset.count()
        size = pagination.page_size
        pages = max(1, math.ceil(count / size))
        number = pagination.page
        start = (number - 1) * size

        def link(page: int) -> str:
            query = request.GET.copy()
            query["page"] = str(page)
            return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

        return {
            "count": count,
            "page": number,
            "pages": pages,
            "next": link(number + 1) if number < pages else None,
            "previous": link(number - 1) if 1 < number <= pages + 1 else None,
            "items": list(queryset[start : start + size]),
        }


def filters_of(schema: Schema) -> dict[str, str]:
    return {name: str(value) for name, value in schema.dict().items() if value}


agencies = Router(tags=["agencies"])


@agencies.get("", response=list[schemas.AgencyOut])
@paginate(Pages)
def list_agencies(request, filters: Query[schemas.AgencyFilters]):
    values = filters_of(filters)
    sort = values.pop("sort", "name")
    return selectors.filter_agencies(values, sort)


@agencies.get("/{slug}", response=schemas.AgencyDetail)
def get_agency(request, slug: str):
    # What the schema reads: every use with its citations; incidents and actions by slug.
    queryset = (
        Agency.objects.published()
        .select_related("parent")
        .prefetch_related(
            selectors.cited(),
            Prefetch(
                "uses",
                queryset=Use.objects.public()
                .select_related("product__vendor")
                .prefetch_related(selectors.cited()),
            ),
            selectors.published("incidents", Incident),
            selectors.published("actions", RegulatoryAction),
        )
    )
    return get_object_or_404(queryset, slug=slug)


vendors = Router(tags=["vendors"])


@vendors.get("", response=list[schemas.VendorOut])
@paginate(Pages)
def list_vendors(request):
    return selectors.vendor_list()


@vendors.get("/{slug}", response=schemas.VendorDetail)
def get_vendor(request, slug: str):
    queryset = selectors.vendor_list().prefetch_related(
        selectors.cited(), Prefetch("products", queryset=Product.objects.published())
    )
    return get_object_or_404(queryset, slug=slug)


uses = Router(tags=["uses"])


@uses.get("", response=list[schemas.UseOut])
@paginate(Pages)
def list_uses(request, filters: Query[schemas.UseFilters]):
    return selectors.use_list(filters_of(filters))


incidents = Router(tags=["incidents"])


@incidents.get("", response=list[schemas.IncidentOut])
@paginate(Pages)
def list_incidents(request, filters: Query[schemas.IncidentFilters]):
    return selectors.incident_list(filters_of(filters))


@incidents.get("/{slug}", response=schemas.IncidentDetail)
def get_incident(request, slug: str):
    return get_object_or_404(
        selectors.incident_list({}).prefetch_related(selectors.cited()), slug=slug
    )


actions = Router(tags=["actions"])


@actions.get("", response=list[schemas.ActionOut])
@paginate(Pages)
def list_actions(request, filters: Query[schemas.ActionFilters]):
    return selectors.action_list(filters_of(filters))


@actions.get("/{slug}", response=schemas.ActionDetail)
def get_action(request, slug: str):
    return get_object_or_404(
        selectors.action_list({}).prefetch_related(selectors.cited()), slug=slug
    )


sources = Router(tags=["sources"])


@sources.get("", response=list[schemas.SourceOut])
@paginate(Pages)
def list_sources(request):
    return selectors.source_list()


@sources.get("/{slug}", response=schemas.SourceDetail)
def get_source(request, slug: str):
    source = get_object_or_404(selectors.source_list(), slug=slug)
    source.quotes = list(selectors.citation_list({"source": slug}))
    return source


citations = Router(tags=["citations"])


@citations.get("", response=list[schemas.CitationOut])
@paginate(Pages)
def list_citations(request, filters: Query[schemas.CitationFilters]):
    values = filters_of(filters)
    citations = selectors.citation_list(values)
    return citations if values else Counted(citations, selectors.public_citation_count())


ROUTERS = [
    ("agencies", agencies),
    ("vendors", vendors),
    ("uses", uses),
    ("incidents", incidents),
    ("actions", actions),
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
