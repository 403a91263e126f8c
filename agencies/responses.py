"""What every public page shares: htmx-aware rendering, paging, previews of drafts, and the
filtered list's furniture (the filters in force, each removable; slugs that name nothing)."""

from __future__ import annotations

import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.core.paginator import Page
from django.core.paginator import Paginator as DjangoPaginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import cached_property
from django_htmx.middleware import HtmxDetails

from . import filters
from .filters import FilterSet
from .models import Citation
from .search import joins_as_written
from .selectors import facets
from .summaries import stored_count


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


PAGE_SIZE = 25
TIMELINE_PAGE = 50
# A record page's own long lists: its history, an authority's actions, a source's citations
# (the CTV report behind the first story is cited 61 times: one page).
RECORD_LIST_PAGE = 100


def wants_fragment(request: HtmxHttpRequest) -> bool:
    # A history-restore request wants the whole page even though htmx sends HX-Request.
    return bool(request.htmx) and not request.htmx.history_restore_request


def without_empty_parameters(request: HtmxHttpRequest) -> HttpResponseRedirect | None:
    """A filter form sent without JavaScript carries every field, the empty ones too: send the
    browser to the same view's address without them, short enough to share and cite."""
    given = [(name, value) for name, values in request.GET.lists() for value in values]
    filled = [(name, value) for name, value in given if value]
    if request.htmx or len(filled) == len(given):
        return None
    return HttpResponseRedirect(f"{request.path}?{urlencode(filled)}" if filled else request.path)


class Paginator(DjangoPaginator):
    """Django's, with a queryset's count stored per write generation (at 20,000 agencies the
    count was a quarter of the agency list's time, and the same for every visitor), and a page
    of citations read with its joins as written."""

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            return stored_count(self.object_list)
        return DjangoPaginator.count.func(self)

    def page(self, number) -> Page:
        page = super().page(number)
        # A citation names its record, one of nine kinds: a page of them is read with the joins
        # in the order written, as search and the API read them (a source's page: 33 ms on
        # PostgreSQL, most of it choosing an order, 4 so).
        rows = page.object_list
        if isinstance(rows, QuerySet) and rows.model is Citation:
            with joins_as_written(rows.db):
                page.object_list = list(rows)
        return page


def paginate(
    request: HtmxHttpRequest, items, per_page: int = PAGE_SIZE, *, param: str = "page"
) -> Page:
    """A page of items; a page number that is not a number or past the end gives a real page.
    `param` names the page's parameter, for a page that pages two lists."""
    return Paginator(items, per_page).get_page(request.GET.get(param))


def previewing(request: HtmxHttpRequest) -> bool:
    """A signed-in editor asking for a draft's public page (?preview)."""
    return "preview" in request.GET and request.user.is_staff


def render_page(
    request: HtmxHttpRequest, template: str, context: dict, partial: str | None = None
) -> HttpResponse:
    if partial and wants_fragment(request):
        return render(request, f"{template}#{partial}", context)
    return render(request, template, context)


def render_record(request: HtmxHttpRequest, template: str, context: dict, **kwargs):
    """A record's page. A preview is bannered as such, never cached, never indexed."""
    preview = previewing(request)
    response = render_page(request, template, context | {"preview": preview}, **kwargs)
    if preview:
        response["Cache-Control"] = "no-store, private"
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def filtered(
    request: HtmxHttpRequest, declared: FilterSet, form, values: dict[str, str], items
) -> dict:
    """What every filtered list's page shows: the form, a page of items, the download of the
    same view, and the filters in force, each removable."""
    return {
        "form": form,
        "download_query": urlencode(values),
        "page": paginate(request, items),
        "removals": removals(declared, request.path, values),
    }


def named_record(form, values: dict[str, str], name: str, model):
    """The public record a slug filter names. A slug that names none would match nothing: it
    is dropped, so the list shows everything, and the page says it was ignored."""
    if not values.get(name):
        return None
    record = model.objects.public().filter(slug=values[name]).first()
    if record is None:
        form.ignore(name)
        del values[name]
    return record


RECENT_DAYS = (7, 30, 90)


def changed_options(chosen: str | None) -> list[tuple[str, str, bool]]:
    """The "changed in the last N days" choices as dates (value, label, selected); a date
    given in the address that is none of them is offered as itself."""
    today = timezone.now().date()
    options = [
        ((today - datetime.timedelta(days)).isoformat(), f"In the last {days} days")
        for days in RECENT_DAYS
    ]
    if chosen and chosen not in dict(options):
        options.append((chosen, f"Since {chosen}"))
    return [(value, label, value == chosen) for value, label in options]


def removals(
    declared: FilterSet, path: str, values: dict[str, str], shown: list[facets.Facet] = ()
) -> list[filters.Removal]:
    """The filters in force, each with the address without it, labelled as the facets label
    their options (a vendor by its name)."""
    labels = {facet.name: {o.value: o.label for o in facet.options} for facet in shown}
    return declared.removals(path, values, labels)


def shown_address(current_url: str | None) -> str:
    """The path and query of the page htmx says is shown ("" when the header is garbled)."""
    try:
        parts = urlsplit(current_url or "")
    except ValueError:
        return ""
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def is_refined_search(shown_address: str, new_params: dict) -> bool:
    """Whether the new view differs from the one shown only in a non-empty search text."""
    # The address is already split from a header; parsing it again could fail ("//[" as a path).
    shown = dict(parse_qsl(shown_address.partition("?")[2]))
    new = {name: str(value) for name, value in new_params.items()}
    shown_q, new_q = shown.pop("q", ""), new.pop("q", "")
    return bool(shown_q and new_q) and shown_q != new_q and shown == new
