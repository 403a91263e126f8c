"""The lists shared by the pages, the CSV downloads and the API, each in a stable order."""

from __future__ import annotations

import datetime

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce

from .. import search
from ..choices import (
    AgencySort,
    AgencyStatus,
    Contradicted,
)
from ..models import (
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
    Use,
    Vendor,
)
from ..summaries import StoredOrder, records_summary, stored_count
from .records import (
    acting_authorities,
    newest,
    public_named,
    statements_shown,
    with_named_records,
)
from .search import read_in_order


def customer_count() -> Coalesce:
    """A vendor's agency customers: distinct agencies with a public use of its products.

    A subquery per vendor rather than a join grouped by every vendor column: five times
    faster at 20,000 agencies on SQLite, and the same answer."""
    customers = (
        Use.objects.public()
        .filter(product__vendor=OuterRef("pk"))
        .order_by()
        .values("product__vendor")
        .annotate(count=Count("agency", distinct=True))
        .values("count")
    )
    return Coalesce(Subquery(customers), 0)


def product_count() -> Coalesce:
    products = (
        Product.objects.public()
        .filter(vendor=OuterRef("pk"))
        .order_by()
        .values("vendor")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(products), 0)


# Statuses in the order the rule ranks them (agencies/status.py), not by their codes.
STATUS_ORDER = {value: rank for rank, value in enumerate(AgencyStatus.values)}


STATUS_RANK = Case(
    *(When(status=value, then=rank) for value, rank in STATUS_ORDER.items()),
    default=len(STATUS_ORDER),
)


# The SQL of each AgencySort. Each ends with the primary key, so pages never overlap or skip.
AGENCY_ORDERS = {
    AgencySort.NAME: ("name", "pk"),
    AgencySort.NAME_DESC: ("-name", "-pk"),
    AgencySort.STATUS: (STATUS_RANK.asc(), "name", "pk"),
    AgencySort.PLACE: ("country", "subdivision", "name", "pk"),
    AgencySort.UPDATED: (F("changed_at").desc(nulls_last=True), "name", "pk"),
}


def start_of(day: str) -> datetime.datetime:
    """The first moment (UTC) of an ISO date."""
    return datetime.datetime.combine(
        datetime.date.fromisoformat(day), datetime.time(), datetime.UTC
    )


def changed_since(queryset: QuerySet, filters: dict[str, str], field: str = "updated_at"):
    """The records changed on or after the `changed_since` date, when one is given."""
    if not filters.get("changed_since"):
        return queryset
    return queryset.filter(**{f"{field}__gte": start_of(filters["changed_since"])})


# Parameters of the agency list that shape its rows rather than filter them.
NOT_FILTERS = ("as_of",)


def applied_filters(filters: dict[str, str]) -> dict[str, str]:
    """The filters that narrow the agency list: given a value, and not NOT_FILTERS."""
    return {name: value for name, value in filters.items() if value and name not in NOT_FILTERS}


def agency_filter_q(
    filters: dict[str, str], *, skip: str | None = None, row_by_row: bool = False
) -> Q:
    """One Q for every filter but `skip`, so a facet's counts ignore its own choice.
    `row_by_row`: the search tests each agency read (search.text_filter)."""
    condition = Q()
    for name, value in applied_filters(filters).items():
        if name == skip:
            continue
        if name == "changed_since":
            condition &= Q(changed_at__gte=start_of(value))
        elif name == "q":
            condition &= search.text_filter(Agency, value, row_by_row=row_by_row)
        elif name == "vendor":
            # A subquery, not a join: an agency with two uses of the vendor is still one row.
            condition &= Q(
                pk__in=Use.objects.public().filter(product__vendor__slug=value).values("agency")
            )
        else:
            condition &= Q(**{name: value})
    return condition


def filter_agencies(
    filters: dict[str, str], sort: str = AgencySort.NAME, *, row_by_row: bool = False
) -> QuerySet[Agency]:
    """The public agencies the filters keep, in the sort's order; `row_by_row`: the search
    tests each agency read (search.text_filter)."""
    agencies = (
        Agency.objects.public()
        .filter(agency_filter_q(filters, row_by_row=row_by_row))
        .order_by(*AGENCY_ORDERS.get(sort, AGENCY_ORDERS[AgencySort.NAME]))
    )
    if filters.get("as_of"):
        agencies = agencies.with_status_as_of(start_of(filters["as_of"]) + datetime.timedelta(1))
    return agencies


# What a row of the agency list shows (agency_list.html): not the summary, a page of text.
AGENCY_ROW = (
    "name",
    "slug",
    "kind",
    "country",
    "subdivision",
    "locality",
    "status",
    "status_summary",
    "status_reported_on",
    "status_reported_on_precision",
)

# The sorts an index gives in order (agency_public_name_idx): a page can stop at its last row.
IN_INDEX_ORDER = (AgencySort.NAME, AgencySort.NAME_DESC)


def agency_rows(filters: dict[str, str], sort: str = AgencySort.NAME):
    """The agencies as the list's page shows them: a queryset, or for a search alone by name,
    the same rows paged by whichever read is cheaper for the page asked (SearchedByName). With
    another filter too, that filter's index is the better start."""
    rows = filter_agencies(filters, sort).only(*AGENCY_ROW)
    if sort not in IN_INDEX_ORDER or set(applied_filters(filters)) != {"q"}:
        return rows
    tested = filter_agencies(filters, sort, row_by_row=True).only(*AGENCY_ROW)
    return SearchedByName(rows, tested)


class SearchedByName:
    """The agencies of a search alone, in name order, as Django's Paginator pages them. A page
    is read in name order, each agency tested, while the matches (the list's stored count) are
    enough for the rows up to its end (read_in_order); a later page by sorting every match.
    "harbour", in 2,852 of 20,000 agencies, on SQLite: the first page 2.4 ms of SQL sorted, 0.5
    read by name; the last 6.9 sorted, 12.9 read by name (PostgreSQL: 3.7 and 0.2; 5.3 and
    6.3)."""

    def __init__(self, sorted_rows: QuerySet, tested_rows: QuerySet) -> None:
        self.sorted_rows, self.tested_rows = sorted_rows, tested_rows
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:  # the paginator asks, then each page's read
            self._count = stored_count(self.sorted_rows)
        return self._count

    def __getitem__(self, page: slice) -> list[Agency]:
        in_order = read_in_order(Agency, self.count(), page.stop)
        return list((self.tested_rows if in_order else self.sorted_rows)[page])


def agency_records(filters: dict[str, str], sort: str = AgencySort.NAME) -> QuerySet[Agency]:
    """The agencies as the CSV and the API give them (columns.AGENCY): with their parent."""
    return filter_agencies(filters, sort).with_public_parent()


def vendor_list(filters: dict[str, str] | None = None) -> QuerySet[Vendor]:
    return (
        changed_since(Vendor.objects.public(), filters or {})
        .annotate(customer_count=customer_count(), product_count=product_count())
        .order_by("-customer_count", "name", "pk")
    )


def stored_vendor_list() -> StoredOrder:
    """The vendor list page: its order and counts kept per write generation (StoredOrder), as
    the dashboard's figures are. Counting every vendor's customers reads every public use."""
    return StoredOrder(
        "vendor-list",
        vendor_list,
        Vendor.objects.public(),
        figures=("customer_count", "product_count"),
    )


def incident_list(filters: dict[str, str]) -> QuerySet[Incident]:
    incidents = changed_since(Incident.objects.public(), filters).prefetch_related(
        public_named("agencies", Agency), public_named("vendors", Vendor)
    )
    if filters.get("kind"):
        incidents = incidents.filter(kind=filters["kind"])
    return incidents.order_by(newest("disclosed_on"), newest("occurred_on"), "title", "pk")


def action_list(filters: dict[str, str]) -> QuerySet[RegulatoryAction]:
    actions = changed_since(RegulatoryAction.objects.public(), filters)
    actions = actions.prefetch_related(
        acting_authorities(), public_named("agencies", Agency), public_named("vendors", Vendor)
    )
    if filters.get("kind"):
        actions = actions.filter(kind=filters["kind"])
    if filters.get("state"):
        actions = actions.filter(state=filters["state"])
    if filters.get("authority"):
        actions = actions.filter(
            Q(participants__authority__slug=filters["authority"])
            & Authority.public_condition("participants__authority__")
        )
    return actions.order_by(newest("opened_on"), "title", "pk")


def statement_list(filters: dict[str, str]) -> QuerySet[Statement]:
    """The public ledger of statements, newest said first; `contradicted` reads the derived
    contradictions, either side of one."""
    statements = changed_since(statements_shown(), filters)
    if filters.get("stance"):
        statements = statements.filter(stance=filters["stance"])
    if filters.get("agency"):
        slug = filters["agency"]
        statements = statements.filter(
            Q(agency__slug=slug) | Q(about_agency__slug=slug) | Q(about_use__agency__slug=slug)
        )
    if filters.get("speaker"):
        statements = statements.filter(speaker__slug=filters["speaker"])
    if filters.get("contradicted"):
        either_side = Q(denial=OuterRef("pk")) | Q(confirmation=OuterRef("pk"))
        flagged = Exists(Contradiction.objects.shown().filter(either_side))
        wanted = filters["contradicted"] == Contradicted.YES
        statements = statements.filter(flagged if wanted else ~flagged)
    return statements.order_by(newest("said_on"), "pk")


def statement_speakers() -> dict[str, list[tuple[str, str]]]:
    """The ledger's choices: the agencies and the people with public statements, by name. The
    same for every visitor until the next write: kept per write generation (records_summary)."""
    return records_summary("statement-speakers", speakers_of_statements)


def speakers_of_statements() -> dict[str, list[tuple[str, str]]]:
    """statement_speakers, read: from the statements (`pk__in`), not by asking of every agency
    whether it has one (EXISTS), 0.5 ms against 23 at 20,000 agencies on SQLite."""
    said = Statement.objects.public()
    agencies = Agency.objects.public().filter(
        Q(pk__in=said.values("agency")) | Q(pk__in=said.values("about_agency"))
    )
    people = Person.objects.public().filter(pk__in=said.values("speaker"))
    return {
        "agency": list(agencies.order_by("name").values_list("slug", "name")),
        "speaker": list(people.order_by("name").values_list("slug", "name")),
    }


def use_list(filters: dict[str, str]) -> QuerySet[Use]:
    uses = changed_since(Use.objects.public(), filters).select_related("agency", "product__vendor")
    if filters.get("agency"):
        uses = uses.filter(agency__slug=filters["agency"])
    if filters.get("vendor"):
        uses = uses.filter(product__vendor__slug=filters["vendor"])
    if filters.get("status"):
        uses = uses.filter(status=filters["status"])
    return uses.order_by("agency__name", "started_on", "pk")


def source_list(filters: dict[str, str] | None = None) -> QuerySet[Source]:
    public_citations = (
        Citation.objects.public()
        .filter(source=OuterRef("pk"))
        .order_by()
        .values("source")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        changed_since(Source.objects.public(), filters or {})
        .annotate(citation_count=Coalesce(Subquery(public_citations), 0))
        .order_by("-published_on", "title", "pk")
    )


def citation_list(filters: dict[str, str]) -> QuerySet[Citation]:
    citations = with_named_records(changed_since(Citation.objects.public(), filters), "source__url")
    if filters.get("source"):
        citations = citations.filter(source__slug=filters["source"])
    if filters.get("agency"):
        # The agency's and its uses' ids first, so each side of the OR reads an index of the
        # citations; joined to the agency by slug, every public citation was read (the
        # 500-fact agency's 300 ms on PostgreSQL, against 3).
        agency = Agency.objects.filter(slug=filters["agency"]).values("pk")[:1]
        uses = Use.objects.filter(agency__slug=filters["agency"]).values("pk")
        citations = citations.filter(Q(agency=Subquery(agency)) | search.among("use", uses))
    # Each source's citations together, so the order follows the source date index.
    return citations.order_by("source__published_on", "source_id", "pk")
