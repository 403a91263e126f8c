"""The agency list's facets: each filter's options with how many agencies each would leave."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import partial
from urllib.parse import urlencode

from django.db.models import (
    Count,
    F,
)

from ..choices import (
    AgencyKind,
    AgencyStatus,
)
from ..filters import AGENCIES
from ..models import (
    Agency,
    Use,
    Vendor,
)
from ..places import COUNTRIES, SUBDIVISIONS
from ..summaries import records_summary, summaries
from .lists import STATUS_ORDER, agency_filter_q, applied_filters


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    name: str
    label: str
    options: list[FacetOption] = field(default_factory=list)

    @property
    def selected(self) -> FacetOption | None:
        return next((option for option in self.options if option.selected), None)


# The filters that are facets, labelled as the list's declaration labels them.
FACETS = tuple(
    (f.name, f.label)
    for f in AGENCIES.filters
    if f.name in ("status", "country", "subdivision", "kind", "vendor")
)


def vendor_names() -> dict[str, str]:
    """The public vendors' names by slug, as the vendor filter offers them: read once a
    generation, as the facets' counts are."""
    return records_summary(
        "vendor-names", lambda: dict(Vendor.objects.public().values_list("slug", "name"))
    )


def agency_facets(filters: dict[str, str], vendor_names: dict[str, str]) -> list[Facet]:
    """Each filter's options with how many agencies choosing it would leave: one query a facet.

    A facet's counts ignore its own choice, so a facet with no other filter chosen counts the
    whole record: the same for every visitor, it is read from the summary table."""
    labels = {
        "status": dict(AgencyStatus.choices),
        "kind": dict(AgencyKind.choices),
        "vendor": vendor_names,
        "country": COUNTRIES,
        "subdivision": SUBDIVISIONS,
    }
    applied = applied_filters(filters)
    unfiltered = [name for name, _ in FACETS if not set(applied) - {name}]
    # A filtered view's counts are the same for every visitor too, until the next write: kept
    # per generation, so its other pages and sorts, and its next visitors, count nothing.
    narrowed = [name for name, _ in FACETS if name not in unfiltered]
    choices = hashlib.sha256(urlencode(sorted(applied.items())).encode()).hexdigest()
    filtered_key = f"facets:{choices}"
    stored = summaries(
        **{f"facet:{name}": partial(facet_counts, name, {}) for name in unfiltered},
        records={filtered_key: lambda: {name: facet_counts(name, filters) for name in narrowed}}
        if narrowed
        else None,
    )
    counted = stored.get(filtered_key, {})
    facets = []
    for name, label in FACETS:
        counts = stored[f"facet:{name}"] if name in unfiltered else counted[name]
        options = [
            FacetOption(
                value=value,
                label=labels[name].get(value, value),
                count=count,
                selected=filters.get(name) == value,
            )
            for value, count in counts
        ]
        chosen = filters.get(name)
        if chosen and not any(option.selected for option in options):
            # A choice that leaves nothing stays chosen, so the page shows what it filters by.
            options.append(FacetOption(chosen, labels[name].get(chosen, chosen), 0, True))
        if name == "status":
            options.sort(key=lambda option: STATUS_ORDER.get(option.value, len(STATUS_ORDER)))
        elif name in ("country", "subdivision"):
            options.sort(key=lambda option: option.label)  # Alabama before Alaska, not AK < AL
        facets.append(Facet(name=name, label=label, options=options))
    return facets


def facet_counts(name: str, filters: dict[str, str]) -> list[tuple[str, int]]:
    """(value, agencies) for each value of one facet, under every filter but its own."""
    agencies = Agency.objects.public().filter(agency_filter_q(filters, skip=name))
    if name == "vendor":
        # Customers: the public uses of these agencies (counted in status, of a public agency).
        # Read from the uses with the agencies as a subquery: SQLite then reads an index, not
        # a join per use.
        rows = (
            Use.objects.counted_in_status()
            .filter(agency__in=agencies.values("pk"))
            .values_list(F("product__vendor__slug"))
            .annotate(count=Count("agency", distinct=True))
            .order_by(F("product__vendor__slug"))
        )
    else:
        rows = (
            agencies.exclude(**{f"{name}__isnull": True})
            .exclude(**{name: ""})
            .values_list(name)
            .annotate(count=Count("pk"))
            .order_by(name)
        )
    return list(rows)
