"""The querysets of record pages, and the prefetches they share."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import router
from django.db.models import (
    Case,
    F,
    Prefetch,
    Q,
    QuerySet,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..lifecycle import deadline_passed, in_order
from ..models import (
    CITED_FIELDS,
    ActionAuthority,
    ActionStep,
    Agency,
    Authority,
    Citation,
    Incident,
    NewestFirst,
    Product,
    RegulatoryAction,
    Source,
    Statement,
    StatusChange,
    Use,
    Vendor,
    concrete_names,
    naming,
)
from ..prebuilt import built_once
from ..search import joins_as_written
from ..summaries import StoredOrder, records_summary


def shown(model, drafts: bool):
    """The records a page may show: the public ones, or every one for an editor's preview."""
    return model.objects.all() if drafts else model.objects.public()


# Citations in their sources' order, as an expression: ordered by the bare column, SQLite
# walks every published source by date (an index that gives that order) to find a record's few
# citations; with an expression it looks them up by record and sorts those.
IN_SOURCE_ORDER = (Coalesce("source__published_on", "source__published_on"), "pk")


# What a citation shows of its source besides its name (the citations tag, the API).
SOURCE_SHOWN = (
    "source__published_on",
    "source__published_on_precision",
    "source__published_on_inferred",
    "source__url",
)


def as_cited(citations: QuerySet[Citation]) -> QuerySet[Citation]:
    """Citations in their sources' order, with their source and speaker read as far as a
    citation shows them: a record page shows dozens, and all their sources' and speakers'
    columns were a third of the page's SQL to compile."""
    return naming(citations, "source", "speaker", also=SOURCE_SHOWN).order_by(*IN_SOURCE_ORDER)


@built_once
def public_citations() -> QuerySet[Citation]:
    """The public citations, as cited (as_cited)."""
    return as_cited(Citation.objects.public())


def cited() -> Prefetch:
    """Prefetch a public record's public citations with their sources and speakers."""
    return Prefetch("citations", queryset=public_citations())


def with_named_records(citations: QuerySet[Citation], *columns: str) -> QuerySet[Citation]:
    """Citations with their source and speaker and the record each supports, read as far as
    naming and linking them (`naming`), and any other `columns` the reader shows: all the
    columns of every kind of record they may support were most of search's SQL to compile."""
    return naming(citations, "source", "speaker", *CITED_FIELDS, also=columns)


def supported_by(source: Source) -> QuerySet[Citation]:
    """A source's public citations in the order they were added, each with its speaker and the
    record it supports, read as far as naming them: not with the source, which is the page's
    own (read again for each of a hundred citations, it was a tenth of the page)."""
    return naming(source.citations.public(), "speaker", *CITED_FIELDS).order_by("pk")


def public(lookup: str, model) -> Prefetch:
    """Prefetch only the public records of a relation."""
    return Prefetch(lookup, queryset=model.objects.public())


def public_named(lookup: str, model) -> Prefetch:
    """Prefetch the public records of a relation as the list public_<lookup>, read as far as
    naming and linking them: an incident's agencies and vendors, every column of which took a
    quarter of the incident list's time to read. A list, not the relation's manager: a manager
    and a filtered queryset made for each record to hold what was read were half the action
    list's time."""
    return Prefetch(
        lookup, queryset=model.objects.public().only(*model.named_by), to_attr=f"public_{lookup}"
    )


def acting_authorities() -> Prefetch:
    """An action's parts taken by public authorities, with the authority, as the list
    `acting` (a list, as public_named's are)."""
    return Prefetch(
        "participants",
        queryset=ActionAuthority.objects.filter(
            Authority.public_condition("authority__")
        ).select_related("authority"),
        to_attr="acting",
    )


def newest(field_name: str) -> NewestFirst:
    """Newest first, undated last on both engines, as the lists' indexes are ordered."""
    return NewestFirst(field_name)


@built_once
def agency_detail_queryset(*, drafts: bool = False) -> QuerySet[Agency]:
    """An agency with what its page shows beside its timeline (timeline_pages), which is paged
    in the database: nothing here grows with the agency's uses, incidents or actions. Its own
    citations are read with its timeline's (timeline.attach_citations)."""
    return naming(shown(Agency, drafts).with_public_parent(), "parent").prefetch_related(
        # With its parent's id, which the prefetch sorts each child under (left out, it was
        # read again for each child).
        Prefetch("children", queryset=Agency.objects.public().only(*Agency.named_by, "parent"))
    )


def vendors_of(agency: Agency) -> list[Vendor]:
    """The vendors of the agency's public uses (a public use's product and vendor are public),
    by name, read as far as the page names them. Kept per write generation (records_summary):
    finding them visits every public use of the agency, and reading them again by id was a
    query of its own on every view."""
    return records_summary(
        f"vendors-of-agency-{agency.pk}",
        lambda: list(
            named(Vendor)
            .filter(products__uses__in=Use.objects.public().filter(agency=agency))
            .distinct()
            .order_by("name")
        ),
    )


@dataclass(frozen=True)
class StatusStep:
    """A change of status as the public sees it: the deciding use only while it is public."""

    change: StatusChange
    use: Use | None


def status_over_time(agency: Agency) -> list[StatusStep]:
    """The agency's status changes, newest first, each with its deciding use while it is public,
    in one query."""
    changes = list(status_changes_shown().filter(agency=agency))
    for change in changes:  # its agency is this one, as agency.status_changes would give it
        change.agency = agency
    return [StatusStep(change, change.use if change.use_public else None) for change in changes]


@built_once
def status_changes_shown() -> QuerySet[StatusChange]:
    """Status changes newest first, as a page or feed shows them: all their own columns, and of
    their deciding use whether it is public, its status and its product's name (the use's page
    is linked by its id)."""
    return (
        StatusChange.objects.select_related("use__product")
        .only(*concrete_names(StatusChange), "use__status", "use__product__name")
        .annotate(use_public=Case(When(Use.public_condition("use__"), then=True), default=False))
        .order_by("-recorded_at", "-pk")
    )


def authorities_acting_on(agency: Agency) -> list[Authority]:
    """The public authorities of the agency's public actions, once each, by name, read as far as
    the page names them. Kept per write generation, as vendors_of's are: finding them visits
    every public action of the agency (7 ms of SQL for the 2,250 actions of the 5,000-fact
    agency on PostgreSQL)."""
    return records_summary(
        f"authorities-of-agency-{agency.pk}",
        lambda: list(
            named(Authority)
            .filter(
                Authority.public_condition()
                & Q(participations__action__agencies=agency)
                & RegulatoryAction.public_condition("participations__action__")
            )
            .distinct()
            .order_by("name")
        ),
    )


@built_once
def named(model) -> QuerySet:
    """The model's records read as far as naming and linking them."""
    return model.objects.only(*model.named_by)


@built_once
def vendor_detail_queryset(*, drafts: bool = False) -> QuerySet[Vendor]:
    """A vendor with its products; its timeline is paged in the database (timeline_pages), and
    its own and its products' citations are read with the timeline's (attach_citations)."""
    return shown(Vendor, drafts).prefetch_related(public("products", Product))


# What a row of a vendor's customers shows (vendor_detail.html): the agency, the product, the
# use's status and its dates.
CUSTOMER_ROW = (
    *("agency", "product", "status", "started_on", "started_on_precision"),
    *("ended_on", "ended_on_precision", "agency__name", "agency__slug", "product__name"),
)


def customers_of(vendor: Vendor) -> StoredOrder:
    """The public uses of the vendor's products, by agency name: sorted once per write."""
    return StoredOrder(
        f"customers-{vendor.pk}",
        lambda: Use.objects.public().filter(product__vendor=vendor).order_by("agency__name", "pk"),
        Use.objects.select_related("agency", "product").only(*CUSTOMER_ROW),
    )


@built_once
def incident_page_queryset(*, drafts: bool = False) -> QuerySet[Incident]:
    """An incident with its citations and the public agencies and vendors involved."""
    return shown(Incident, drafts).prefetch_related(
        cited(), public_named("agencies", Agency), public_named("vendors", Vendor)
    )


@built_once
def action_page_queryset(*, drafts: bool = False) -> QuerySet[RegulatoryAction]:
    """An action with its citations, authorities (with roles), agencies and vendors, its
    steps and the statements about it, each with its citations."""
    return shown(RegulatoryAction, drafts).prefetch_related(
        cited(),
        acting_authorities(),
        public_named("agencies", Agency),
        public_named("vendors", Vendor),
        Prefetch(
            "steps",
            queryset=ActionStep.objects.public().prefetch_related(cited()),
            to_attr="shown_steps",
        ),
        Prefetch(
            "statements",
            queryset=statements_shown().order_by("said_on", "pk"),
            to_attr="replies",
        ),
    )


# The records a statement names. All the columns of all eight were two fifths of an agency
# page's SQL to compile, for nothing shown: what names them is read (`naming`), and what a
# statement's page says of the use it is about.
STATEMENT_NAMES = (
    "speaker",
    "agency",
    "vendor",
    "authority",
    "about_agency",
    "about_use",
    "about_action",
)


@built_once
def statements_shown(*, drafts: bool = False) -> QuerySet[Statement]:
    """Statements as a page shows them: who said it and what about, its citations, and the
    contradictions derived for it (each side public)."""
    return (
        naming(shown(Statement, drafts), *STATEMENT_NAMES, also=("about_use__status",))
        .with_contradictions()
        .prefetch_related(cited())
    )


@built_once
def use_page_queryset(*, drafts: bool = False) -> QuerySet[Use]:
    """A use with its agency, product and vendor, and its citations."""
    return shown(Use, drafts).select_related("agency", "product__vendor").prefetch_related(cited())


@built_once
def authority_page_queryset(*, drafts: bool = False) -> QuerySet[Authority]:
    """An authority with its citations."""
    return shown(Authority, drafts).prefetch_related(cited())


def actions_of(authority: Authority) -> QuerySet[ActionAuthority]:
    """The authority's part in each public action, with the action, newest first."""
    return (
        ActionAuthority.objects.filter(
            Q(authority=authority) & RegulatoryAction.public_condition("action__")
        )
        .select_related("action")
        .order_by(F("action__opened_on").desc(nulls_last=True), "action__title", "pk")
    )


def with_deadlines(steps) -> list:
    """An action's public steps in order, each marked deadline_passed (lifecycle rule), as of
    today: a page shows a passed deadline the day after it passes, with no write."""
    today = timezone.localdate()
    ordered = in_order(steps)
    for step in ordered:
        step.deadline_passed = deadline_passed(step, ordered, today)
    return ordered


def by_or_about(agency: Agency) -> Q:
    """The statements made on the agency's behalf or about it or one of its uses."""
    return Q(agency=agency) | Q(about_agency=agency) | Q(about_use__agency=agency)


def statements_of(pks: list[int]) -> list[Statement]:
    """The public statements of these ids (a record timeline's, PagedTimeline.said), oldest
    said first; no query for none.

    Joined as written on PostgreSQL: its planner took 3 ms to order the eight joined records,
    for 0.5 ms of reading them, and 0.7 ms to plan the order as written."""
    if not pks:
        return []
    with joins_as_written(router.db_for_read(Statement)):
        return list(statements_shown().filter(pk__in=pks).order_by("said_on", "pk"))
