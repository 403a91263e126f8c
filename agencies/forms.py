"""Query-string forms: bad values are dropped and named on the page, never an error page."""

from django import forms

from .choices import ActionKind, ActionState, AgencyKind, AgencyStatus, IncidentKind, UseStatus
from .selectors import AGENCY_SORTS, MAX_QUERY_LENGTH, TIMELINE_KINDS


class QueryFilterForm(forms.Form):
    """A form over query-string filters: bad values are dropped, never an error page, and the
    page says which it dropped, so a mistyped link does not pass for an empty result."""

    def valid_values(self) -> dict[str, str]:
        """The values that passed validation; a bad one is ignored rather than refused."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}

    def ignore(self, name: str) -> None:
        """Drop a well-formed value that names nothing published, such as an unknown slug."""
        self.add_error(name, "Nothing published has this value.")

    @property
    def ignored(self) -> list[tuple[str, str]]:
        """Each filter given but dropped: what it filters by, and the value as given."""
        return [(self[name].label, self.data[name]) for name in self.errors if self.data.get(name)]


class AgencyFilterForm(QueryFilterForm):
    q = forms.CharField(required=False, label="Search agencies")
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *AgencyStatus.choices])
    country = forms.RegexField(required=False, regex=r"^[A-Z]{2}$")
    subdivision = forms.RegexField(
        required=False, regex=r"^[A-Z]{2}-[A-Z0-9]{1,3}$", label="Province or state"
    )
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *AgencyKind.choices])
    vendor = forms.SlugField(required=False)
    sort = forms.ChoiceField(required=False, choices=[(key, key) for key in AGENCY_SORTS])

    def clean_q(self) -> str:
        return self.cleaned_data["q"].strip()[:MAX_QUERY_LENGTH]


class IncidentFilterForm(QueryFilterForm):
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *IncidentKind.choices])


class ActionFilterForm(QueryFilterForm):
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *ActionKind.choices])
    state = forms.ChoiceField(required=False, choices=[("", "Any state"), *ActionState.choices])
    authority = forms.SlugField(required=False, max_length=200)


class UseFilterForm(QueryFilterForm):
    agency = forms.SlugField(required=False, max_length=200)
    vendor = forms.SlugField(required=False, max_length=200)
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *UseStatus.choices])


class CitationFilterForm(QueryFilterForm):
    source = forms.SlugField(required=False, max_length=200)
    agency = forms.SlugField(required=False, max_length=200)


class TimelineFilterForm(forms.Form):
    kind = forms.ChoiceField(required=False, choices=[("", "Everything"), *TIMELINE_KINDS.items()])

    def valid_kind(self) -> str:
        self.is_valid()
        return self.cleaned_data.get("kind", "")
