"""What the API returns. A list's items have the columns of its CSV download
(agencies/columns.py), plus `url`, the record's page; a record's own answer adds what its page
shows beyond the list (its uses, products and citations)."""

from __future__ import annotations

import datetime

from ninja import Field, Schema

from .. import columns
from ..columns import Column


class Linked(Schema):
    """A record with a public page."""

    url: str

    @staticmethod
    def resolve_url(obj, context) -> str:
        return context["request"].build_absolute_uri(obj.get_absolute_url())


def item_schema(name: str, declared: tuple[Column, ...], base: type[Schema] = Schema):
    """A schema with one field per column, each read the way the CSV reads it."""
    namespace = {"__annotations__": {}, "__module__": __name__}
    for column in declared:
        namespace["__annotations__"][column.name] = column.type
        namespace[column.name] = Field(description=column.about or None)
        namespace[f"resolve_{column.name}"] = staticmethod(column.value)
    return type(name, (base,), namespace)


CitationOut = item_schema("CitationOut", columns.CITATION)
UseOut = item_schema("UseOut", columns.USE)
AgencyOut = item_schema("AgencyOut", columns.AGENCY, Linked)
VendorOut = item_schema("VendorOut", columns.VENDOR, Linked)
IncidentOut = item_schema("IncidentOut", columns.INCIDENT, Linked)
ActionOut = item_schema("ActionOut", columns.ACTION, Linked)
SourceOut = item_schema("SourceOut", columns.SOURCE, Linked)
StatementOut = item_schema("StatementOut", columns.STATEMENT, Linked)


class Cited(Schema):
    """A record with its public citations; subclasses declare `citations` last, so it reads last."""

    @staticmethod
    def resolve_citations(obj) -> list:
        return list(obj.citations.all())


class CitedUseOut(UseOut, Cited):
    citations: list[CitationOut]


class StatusChangeOut(Schema):
    recorded_at: datetime.datetime = Field(description="When the record changed.")
    from_status: str
    to_status: str
    summary: str
    reported: str | None = Field(description="The newest published source behind it.")

    @staticmethod
    def resolve_reported(obj) -> str | None:
        return columns.precise(obj.reported)


class AgencyDetail(AgencyOut, Cited):
    summary: str
    status_changes: list[StatusChangeOut]
    uses: list[CitedUseOut]
    incidents: list[str]
    actions: list[str]
    citations: list[CitationOut]

    @staticmethod
    def resolve_uses(obj) -> list:
        return list(obj.uses.all())

    @staticmethod
    def resolve_status_changes(obj) -> list:
        return list(obj.status_changes.all())

    @staticmethod
    def resolve_incidents(obj) -> list[str]:
        return columns.slugs(obj.incidents.all())

    @staticmethod
    def resolve_actions(obj) -> list[str]:
        return columns.slugs(obj.actions.all())


class ProductOut(Schema):
    slug: str
    name: str
    description: str


class VendorDetail(VendorOut, Cited):
    summary: str
    products: list[ProductOut]
    citations: list[CitationOut]

    @staticmethod
    def resolve_products(obj) -> list:
        return list(obj.products.all())


class IncidentDetail(IncidentOut, Cited):
    citations: list[CitationOut]


class StepOut(Cited):
    kind: str = Field(description="opened, finding, recommendation, order, response, ...")
    on: str = Field(description=f"When the step was taken. {columns.AT_PRECISION}")
    finding: str = Field(description="For a finding: what was found.")
    deadline: str | None = Field(description="For a recommendation or an order, if set.")
    deadline_passed: bool = Field(description="Its deadline is over, no compliance reported.")
    dates_inferred: bool = Field(description="A date or the deadline is worked out; see date_note.")
    date_note: str
    summary: str
    citations: list[CitationOut]

    @staticmethod
    def resolve_on(obj) -> str:
        return columns.precise(obj.occurred)

    @staticmethod
    def resolve_deadline(obj) -> str | None:
        return columns.precise(obj.deadline)


class ActionDetail(ActionOut, Cited):
    steps: list[StepOut]
    statements: list[int] = Field(description="The statements about it, by id: replies too.")
    citations: list[CitationOut]

    @staticmethod
    def resolve_steps(obj) -> list:
        return obj.shown_steps

    @staticmethod
    def resolve_statements(obj) -> list[int]:
        return [statement.pk for statement in obj.replies]


class StatementDetail(StatementOut, Cited):
    citations: list[CitationOut]


class SourceDetail(SourceOut):
    quotes: list[CitationOut]


class Message(Schema):
    """An error: a 404 (nothing published at this address) or a 400 (a NUL or bytes that are
    not UTF-8 in the request, refused before it is read: tracker/middleware.py)."""

    detail: str


class ValidationIssue(Schema):
    type: str = Field(description="What failed, e.g. string_pattern_mismatch.")
    loc: list[str | int] = Field(description="Where: the part of the request, then the name.")
    msg: str


class ValidationErrors(Schema):
    """A 422: a parameter that is not valid, each named."""

    detail: list[ValidationIssue]
