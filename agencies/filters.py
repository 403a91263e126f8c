"""Each list's filters, declared once: the page's form, the CSV download and the API's query
schema are all built from the same declaration, so they cannot disagree.

Bad values are dropped and named on the page, never an error page; the API answers a 422."""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass
from functools import cached_property
from typing import Annotated, Any
from urllib.parse import urlencode

import pydantic
from django import forms
from django.db import models
from ninja import Field, Schema

from .choices import (
    ActionKind,
    ActionState,
    AgencyKind,
    AgencySort,
    AgencyStatus,
    Contradicted,
    IncidentKind,
    Stance,
    TimelineKind,
    UseStatus,
)
from .places import COUNTRY_CODE, SUBDIVISION_CODE

MAX_QUERY_LENGTH = 200
SLUG = r"^[-a-zA-Z0-9_]+$"
DATE_FORMAT = "%Y-%m-%d"


def date_as_written(value: Any) -> Any:
    """A date parameter read as the page's form reads it, YYYY-MM-DD only: pydantic alone also
    takes a number as a Unix time, so the API read changed_since=0 as 1970-01-01."""
    if isinstance(value, str):
        return datetime.datetime.strptime(value, DATE_FORMAT).date()  # ValueError: a 422
    return value


ApiDate = Annotated[datetime.date, pydantic.BeforeValidator(date_as_written)]


def clean_query(value: str | None) -> str:
    """Search text as the lists and search read it: trimmed, at most MAX_QUERY_LENGTH."""
    return (value or "").strip()[:MAX_QUERY_LENGTH]


@dataclass(frozen=True)
class Filter:
    """One query-string parameter: its type (free text, a closed set, or a pattern), label
    and help. `default` is the value meant when the parameter is absent."""

    name: str
    label: str
    help: str = ""
    choices: type[models.TextChoices] | None = None
    pattern: str | None = None
    max_length: int = 200
    default: str = ""
    date: bool = False  # an ISO date, YYYY-MM-DD

    def form_field(self) -> forms.Field:
        if self.date:
            return forms.DateField(required=False, label=self.label, input_formats=[DATE_FORMAT])
        if self.choices is not None:
            blank = [] if self.default else [("", f"Any {self.label.lower()}")]
            return forms.ChoiceField(
                required=False, label=self.label, choices=[*blank, *self.choices.choices]
            )
        if self.pattern is not None:
            return forms.RegexField(
                required=False, label=self.label, regex=self.pattern, max_length=self.max_length
            )
        return forms.CharField(required=False, label=self.label, max_length=None)

    def schema_field(self) -> tuple[Any, Any]:
        """The (type, default) of the API's query parameter."""
        if self.date:
            return ApiDate | None, Field(None, description=self.help or None)
        if self.choices is not None:
            if self.default:
                return self.choices, Field(self.default, description=self.help or None)
            return self.choices | None, Field(None, description=self.help or None)
        return str | None, Field(
            None, pattern=self.pattern, max_length=self.max_length, description=self.help or None
        )

    def value_label(self, value: str) -> str:
        if self.choices is not None:
            return dict(self.choices.choices).get(value, value)
        return value


class QueryFilterForm(forms.Form):
    """A form over query-string filters: bad values are dropped, never an error page, and the
    page says which it dropped, so a mistyped link does not pass for an empty result."""

    declared: FilterSet

    def valid_values(self) -> dict[str, str]:
        """The values that passed validation; a bad one is ignored rather than refused."""
        self.is_valid()
        values = {
            name: value.isoformat() if isinstance(value, datetime.date) else value
            for name, value in self.cleaned_data.items()
            if value
        }
        if "q" in values:
            values["q"] = clean_query(values["q"])
        return {name: value for name, value in values.items() if value}

    def ignore(self, name: str) -> None:
        """Drop a well-formed value that names nothing published, such as an unknown slug."""
        self.add_error(name, "Nothing published has this value.")

    @property
    def ignored(self) -> list[tuple[str, str]]:
        """Each filter given but dropped: what it filters by, and the value as given."""
        return [(self[name].label, self.data[name]) for name in self.errors if self.data.get(name)]


@dataclass(frozen=True)
class Removal:
    """A filter in force, with the address of the same view without it."""

    label: str
    value: str
    url: str


@dataclass(frozen=True)
class FilterSet:
    """A list's filters, in the order the page and the API document them."""

    name: str
    filters: tuple[Filter, ...]

    def form(self, data) -> QueryFilterForm:
        return self.form_class(data)

    @cached_property
    def form_class(self) -> type[QueryFilterForm]:
        # Built once: the declaration is fixed, and building a form class took a tenth of a
        # list page's Python.
        fields = {f.name: f.form_field() for f in self.filters}
        return type(f"{self.name}FilterForm", (QueryFilterForm,), {**fields, "declared": self})

    @property
    def schema(self) -> type[Schema]:
        return schemas[self.name]

    def removals(
        self, path: str, values: dict[str, str], labels: dict[str, dict[str, str]] | None = None
    ) -> list[Removal]:
        """For each filter in force (not the order): the same view without it, so a view that
        matches nothing can be widened one filter at a time."""
        labels = labels or {}
        removals = []
        for f in self.filters:
            value = values.get(f.name)
            if not value or f.default:
                continue
            rest = {name: v for name, v in values.items() if name != f.name}
            shown = labels.get(f.name, {}).get(value) or f.value_label(value)
            removals.append(Removal(f.label, shown, f"{path}?{urlencode(rest)}" if rest else path))
        return removals


def values_of(schema: Schema) -> dict[str, str]:
    """The API's filters in force, as the strings the page's form would hold."""
    return {
        name: value.value
        if isinstance(value, enum.Enum)
        else value.isoformat()
        if isinstance(value, datetime.date)
        else str(value)
        for name, value in schema.dict().items()
        if value not in (None, "")
    }


CHANGED_SINCE = Filter(
    "changed_since",
    "Changed since",
    "A date, YYYY-MM-DD: only records changed on or after it.",
    date=True,
)

AGENCIES = FilterSet(
    "Agency",
    (
        Filter(
            "q",
            "Search agencies",
            "Words in the name, short name, locality or summary: every word must match, each as "
            "the start of a word. A filter, not a ranking.",
            max_length=MAX_QUERY_LENGTH,
        ),
        Filter("status", "Status", "The derived status.", choices=AgencyStatus),
        Filter("country", "Country", "ISO 3166-1, e.g. CA.", pattern=COUNTRY_CODE, max_length=2),
        Filter(
            "subdivision",
            "Province or state",
            "ISO 3166-2, e.g. CA-ON.",
            pattern=SUBDIVISION_CODE,
            max_length=6,
        ),
        Filter("kind", "Kind", choices=AgencyKind),
        Filter(
            "vendor", "Vendor", "A vendor's slug: agencies with a public use of it.", pattern=SLUG
        ),
        Filter(
            "changed_since",
            "Changed since",
            "A date, YYYY-MM-DD: agencies whose record or any fact about it (a use, a citation, "
            "an action, an incident, the status) changed on or after it.",
            date=True,
        ),
        Filter(
            "as_of",
            "Status as of",
            "A date, YYYY-MM-DD: adds status_as_of, the status this record gave each agency "
            "at the end of that day (UTC), from its kept status changes.",
            date=True,
        ),
        Filter("sort", "Sort by", choices=AgencySort, default=AgencySort.NAME),
    ),
)
INCIDENTS = FilterSet("Incident", (Filter("kind", "Kind", choices=IncidentKind), CHANGED_SINCE))
ACTIONS = FilterSet(
    "Action",
    (
        Filter("kind", "Kind", choices=ActionKind),
        Filter("state", "State", choices=ActionState),
        Filter("authority", "Authority", "An authority's slug.", pattern=SLUG),
        CHANGED_SINCE,
    ),
)
USES = FilterSet(
    "Use",
    (
        Filter("agency", "Agency", "An agency's slug.", pattern=SLUG),
        Filter("vendor", "Vendor", "A vendor's slug.", pattern=SLUG),
        Filter("status", "Status", choices=UseStatus),
        CHANGED_SINCE,
    ),
)
CITATIONS = FilterSet(
    "Citation",
    (
        Filter("source", "Source", "A source's slug.", pattern=SLUG),
        Filter(
            "agency", "Agency", "An agency's slug: its own citations and its uses'.", pattern=SLUG
        ),
        CHANGED_SINCE,
    ),
)
STATEMENTS = FilterSet(
    "Statement",
    (
        Filter("stance", "Stance", choices=Stance),
        Filter(
            "agency",
            "Agency",
            "An agency's slug: statements made on its behalf or about it.",
            pattern=SLUG,
        ),
        Filter("speaker", "Speaker", "A person's slug.", pattern=SLUG),
        Filter(
            "contradicted",
            "Contradicted",
            "yes: denials contradicted by the agency's own use or later words, and the "
            "statements that contradict them; no: the rest.",
            choices=Contradicted,
        ),
        CHANGED_SINCE,
    ),
)
VENDORS = FilterSet("Vendor", (CHANGED_SINCE,))
SOURCES = FilterSet("Source", (CHANGED_SINCE,))
TIMELINE = FilterSet("Timeline", (Filter("kind", "Show", choices=TimelineKind),))

FILTER_SETS = (
    AGENCIES,
    INCIDENTS,
    ACTIONS,
    STATEMENTS,
    USES,
    CITATIONS,
    VENDORS,
    SOURCES,
    TIMELINE,
)

# The API's query schemas, one class per list, built once from the declarations above.
schemas: dict[str, type[Schema]] = {
    filter_set.name: pydantic.create_model(
        f"{filter_set.name}Filters",
        __base__=Schema,
        **{f.name: f.schema_field() for f in filter_set.filters},
    )
    for filter_set in FILTER_SETS
}
