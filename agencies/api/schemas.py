"""What the API returns. Dates are strings at their known precision: 2019, 2019-10, 2019-10-01."""

import datetime
from typing import Literal

from ninja import Field, Schema

from ..choices import ActionKind, ActionState, AgencyKind, AgencyStatus, IncidentKind, UseStatus
from ..selectors import AGENCY_SORTS, MAX_QUERY_LENGTH

SLUG = r"^[-a-zA-Z0-9_]+$"


def precise(date) -> str | None:
    return date.isoformat() if date else None


def slugs(records) -> list[str]:
    return [record.slug for record in records]


class Linked(Schema):
    """A record with a public page."""

    url: str

    @staticmethod
    def resolve_url(obj, context) -> str:
        return context["request"].build_absolute_uri(obj.get_absolute_url())


class CitationOut(Schema):
    id: int
    source: str = Field(description="The source's slug.")
    source_title: str
    source_url: str
    quote: str
    claim: str
    speaker: str | None = Field(description="Who said the quoted words: name, role, organisation.")
    record_kind: str
    record: str

    @staticmethod
    def resolve_source(obj) -> str:
        return obj.source.slug

    @staticmethod
    def resolve_source_title(obj) -> str:
        return obj.source.title

    @staticmethod
    def resolve_source_url(obj) -> str:
        return obj.source.url

    @staticmethod
    def resolve_speaker(obj) -> str | None:
        return str(obj.speaker) if obj.speaker else None

    @staticmethod
    def resolve_record_kind(obj) -> str:
        return str(obj.record._meta.verbose_name)

    @staticmethod
    def resolve_record(obj) -> str:
        return str(obj.record)


class Cited(Schema):
    """A record with its public citations; subclasses declare `citations` last, so it reads last."""

    @staticmethod
    def resolve_citations(obj) -> list:
        return list(obj.citations.all())


class UseOut(Schema):
    id: int
    agency: str
    vendor: str
    product: str
    status: str
    authorisation: str
    started: str | None
    ended: str | None
    made_public: str | None
    accounts: int | None
    searches: int | None
    cost: str | None
    cost_currency: str
    summary: str

    @staticmethod
    def resolve_agency(obj) -> str:
        return obj.agency.slug

    @staticmethod
    def resolve_vendor(obj) -> str:
        return obj.product.vendor.slug

    @staticmethod
    def resolve_product(obj) -> str:
        return obj.product.slug

    @staticmethod
    def resolve_started(obj) -> str | None:
        return precise(obj.started)

    @staticmethod
    def resolve_ended(obj) -> str | None:
        return precise(obj.ended)

    @staticmethod
    def resolve_made_public(obj) -> str | None:
        return precise(obj.disclosed)

    @staticmethod
    def resolve_cost(obj) -> str | None:
        return None if obj.cost is None else str(obj.cost)


class CitedUseOut(UseOut, Cited):
    citations: list[CitationOut]


class AgencyOut(Linked):
    slug: str
    name: str
    short_name: str
    kind: str
    country: str
    subdivision: str
    locality: str
    website: str
    status: str
    status_summary: str
    updated_at: datetime.datetime


class AgencyDetail(AgencyOut, Cited):
    summary: str
    parent: str | None
    uses: list[CitedUseOut]
    incidents: list[str]
    actions: list[str]
    citations: list[CitationOut]

    @staticmethod
    def resolve_parent(obj) -> str | None:
        return obj.parent.slug if obj.parent and obj.parent.is_published else None

    @staticmethod
    def resolve_uses(obj) -> list:
        return list(obj.uses.all())

    @staticmethod
    def resolve_incidents(obj) -> list[str]:
        return slugs(obj.incidents.all())

    @staticmethod
    def resolve_actions(obj) -> list[str]:
        return slugs(obj.actions.all())


class ProductOut(Schema):
    slug: str
    name: str
    description: str


class VendorOut(Linked):
    slug: str
    name: str
    country: str
    website: str
    agency_customers: int
    updated_at: datetime.datetime

    @staticmethod
    def resolve_agency_customers(obj) -> int:
        return obj.customer_count


class VendorDetail(VendorOut, Cited):
    summary: str
    products: list[ProductOut]
    citations: list[CitationOut]

    @staticmethod
    def resolve_products(obj) -> list:
        return list(obj.products.all())


class IncidentOut(Linked):
    slug: str
    title: str
    kind: str
    occurred: str | None
    made_public: str | None
    agencies: list[str]
    vendors: list[str]
    summary: str
    updated_at: datetime.datetime

    @staticmethod
    def resolve_occurred(obj) -> str | None:
        return precise(obj.occurred)

    @staticmethod
    def resolve_made_public(obj) -> str | None:
        return precise(obj.disclosed)

    @staticmethod
    def resolve_agencies(obj) -> list[str]:
        return slugs(obj.agencies.all())

    @staticmethod
    def resolve_vendors(obj) -> list[str]:
        return slugs(obj.vendors.all())


class IncidentDetail(IncidentOut, Cited):
    citations: list[CitationOut]


class ActingAuthority(Schema):
    slug: str
    name: str
    role: str


class ActionOut(Linked):
    slug: str
    title: str
    kind: str
    state: str
    opened: str | None
    closed: str | None
    authorities: list[ActingAuthority]
    agencies: list[str]
    vendors: list[str]
    summary: str
    outcome: str
    updated_at: datetime.datetime

    @staticmethod
    def resolve_opened(obj) -> str | None:
        return precise(obj.opened)

    @staticmethod
    def resolve_closed(obj) -> str | None:
        return precise(obj.closed)

    @staticmethod
    def resolve_authorities(obj) -> list[dict]:
        return [
            {"slug": p.authority.slug, "name": p.authority.name, "role": p.role}
            for p in obj.participants.all()
        ]

    @staticmethod
    def resolve_agencies(obj) -> list[str]:
        return slugs(obj.agencies.all())

    @staticmethod
    def resolve_vendors(obj) -> list[str]:
        return slugs(obj.vendors.all())


class ActionDetail(ActionOut, Cited):
    citations: list[CitationOut]


class SourceOut(Linked):
    slug: str
    title: str
    title_supplied: bool = Field(
        description="The title describes the source; its own headline is not recorded."
    )
    publisher: str
    kind: str
    author: str
    source_url: str = Field(description="Where the document itself is published.")
    published: str | None
    published_inferred: bool
    citations: int

    @staticmethod
    def resolve_source_url(obj) -> str:
        return obj.url

    @staticmethod
    def resolve_published(obj) -> str | None:
        return precise(obj.published)

    @staticmethod
    def resolve_published_inferred(obj) -> bool:
        return obj.published_on_inferred

    @staticmethod
    def resolve_citations(obj) -> int:
        return obj.citation_count


class SourceDetail(SourceOut):
    quotes: list[CitationOut]


class AgencyFilters(Schema):
    q: str | None = Field(None, max_length=MAX_QUERY_LENGTH, description="Text in the name.")
    status: AgencyStatus | None = None
    country: str | None = Field(None, pattern=r"^[A-Z]{2}$", description="ISO 3166-1, e.g. CA.")
    subdivision: str | None = Field(
        None, pattern=r"^[A-Z]{2}-[A-Z0-9]{1,3}$", description="ISO 3166-2, e.g. CA-ON."
    )
    kind: AgencyKind | None = None
    vendor: str | None = Field(None, pattern=SLUG, description="A vendor's slug.")
    sort: Literal[tuple(AGENCY_SORTS)] = "name"  # type: ignore[valid-type]


class IncidentFilters(Schema):
    kind: IncidentKind | None = None


class ActionFilters(Schema):
    kind: ActionKind | None = None
    state: ActionState | None = None
    authority: str | None = Field(None, pattern=SLUG, description="An authority's slug.")


class UseFilters(Schema):
    agency: str | None = Field(None, pattern=SLUG, description="An agency's slug.")
    vendor: str | None = Field(None, pattern=SLUG, description="A vendor's slug.")
    status: UseStatus | None = None


class CitationFilters(Schema):
    source: str | None = Field(None, pattern=SLUG, description="A source's slug.")
    agency: str | None = Field(None, pattern=SLUG, description="An agency's slug.")
