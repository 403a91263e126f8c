"""The querysets of record pages, and the prefetches they share."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    F,
    Prefetch,
    Q,
    QuerySet,
)

from ..models import (
    ActionAuthority,
    Agency,
    Authority,
    Citation,
    Incident,
    Product,
    RegulatoryAction,
    StatusChange,
    Use,
    Vendor,
)


def shown(model, drafts: bool):
    """The records a page may show: the public ones, or every one for an editor's preview."""
    return model.objects.all() if drafts else model.objects.public()


def cited() -> Prefetch:
    """Prefetch a public record's public citations with their sources and speakers."""
    return Prefetch(
        "citations",
        queryset=Citation.objects.of_public_record().select_related("source", "speaker"),
    )


def public(lookup: str, model) -> Prefetch:
    """Prefetch only the public records of a relation."""
    return Prefetch(lookup, queryset=model.objects.public())


def acting_authorities() -> Prefetch:
    """An action's public authorities, with their roles."""
    return Prefetch(
        "participants",
        queryset=ActionAuthority.objects.filter(
            Authority.public_condition("authority__")
        ).select_related("authority"),
    )


def newest(field_name: str):
    """Newest first, undated last on both engines (PostgreSQL puts NULL first in DESC)."""
    return F(field_name).desc(nulls_last=True)


def agency_detail_queryset(*, drafts: bool = False) -> QuerySet[Agency]:
    """An agency with what its page shows beyond the timeline's citations (attach_citations)."""
    return (
        shown(Agency, drafts)
        .with_public_parent()
        .select_related("parent")
        .prefetch_related(
            cited(),
            Prefetch("uses", queryset=Use.objects.public().select_related("product__vendor")),
            public("incidents", Incident),
            public("actions", RegulatoryAction),
            public("children", Agency),
            Prefetch(
                "status_changes", queryset=StatusChange.objects.order_by("-recorded_at", "-pk")
            ),
        )
    )


@dataclass(frozen=True)
class StatusStep:
    """A change of status as the public sees it: the deciding use only while it is public."""

    change: StatusChange
    use: Use | None


def status_over_time(agency: Agency) -> list[StatusStep]:
    """The agency's status changes, newest first, from what its page prefetched."""
    public_uses = {use.pk: use for use in agency.uses.all()}
    return [StatusStep(c, public_uses.get(c.use_id)) for c in agency.status_changes.all()]


def authorities_acting_on(agency: Agency) -> QuerySet[Authority]:
    """The public authorities of the agency's public actions, once each: one query,
    where prefetching every action's authorities built hundreds of rows to name a few."""
    return (
        Authority.objects.public()
        .filter(
            Q(participations__action__agencies=agency)
            & RegulatoryAction.public_condition("participations__action__")
        )
        .distinct()
        .order_by("name")
    )


def vendor_detail_queryset(*, drafts: bool = False) -> QuerySet[Vendor]:
    """A vendor with its products (and their citations), incidents and actions."""
    return shown(Vendor, drafts).prefetch_related(
        cited(),
        Prefetch("products", queryset=Product.objects.public().prefetch_related(cited())),
        public("incidents", Incident),
        public("actions", RegulatoryAction),
    )


def incident_page_queryset(*, drafts: bool = False) -> QuerySet[Incident]:
    """An incident with its citations and the public agencies and vendors involved."""
    return shown(Incident, drafts).prefetch_related(
        cited(), public("agencies", Agency), public("vendors", Vendor)
    )


def action_page_queryset(*, drafts: bool = False) -> QuerySet[RegulatoryAction]:
    """An action with its citations, authorities (with roles), agencies and vendors."""
    return (
        shown(RegulatoryAction, drafts)
        .with_last_reported()
        .prefetch_related(
            cited(), acting_authorities(), public("agencies", Agency), public("vendors", Vendor)
        )
    )


def use_page_queryset(*, drafts: bool = False) -> QuerySet[Use]:
    """A use with its agency, product and vendor, and its citations."""
    return shown(Use, drafts).select_related("agency", "product__vendor").prefetch_related(cited())


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
