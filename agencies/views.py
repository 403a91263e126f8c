"""The public pages. Each is one template; htmx requests get only the part that changes."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url, replace_url

from . import exports, history, selectors
from .choices import ActionKind, ActionState, IncidentKind
from .decorators import public_page
from .forms import ActionFilterForm, AgencyFilterForm, IncidentFilterForm, TimelineFilterForm
from .models import (
    CITED_FIELDS,
    Agency,
    Authority,
    Incident,
    RegulatoryAction,
    Source,
    Use,
    Vendor,
)
from .places import COUNTRIES, SUBDIVISIONS
from .status import derive_status

PAGE_SIZE = 25
TIMELINE_PAGE = 50


def wants_fragment(request: HttpRequest) -> bool:
    # A history-restore request wants the whole page even though htmx sends HX-Request.
    return bool(request.htmx) and not request.htmx.history_restore_request


def without_empty_parameters(request: HttpRequest) -> HttpResponseRedirect | None:
    """A filter form sent without JavaScript carries every field, the empty ones too: send the
    browser to the same view's address without them, short enough to share and cite."""
    given = [(name, value) for name, values in request.GET.lists() for value in values]
    filled = [(name, value) for name, value in given if value]
    if request.htmx or len(filled) == len(given):
        return None
    return HttpResponseRedirect(f"{request.path}?{urlencode(filled)}" if filled else request.path)


def paginate(
    request: HttpRequest, items, per_page: int = PAGE_SIZE, *, param: str = "page"
) -> Page:
    """A page of items; a page number that is not a number or past the end gives a real page.
    `param` names the page's parameter, for a page that pages two lists."""
    return Paginator(items, per_page).get_page(request.GET.get(param))


def render_page(
    request: HttpRequest, template: str, context: dict, partial: str | None = None
) -> HttpResponse:
    if partial and wants_fragment(request):
        return render(request, f"{template}#{partial}", context)
    return render(request, template, context)


@public_page
def dashboard(request: HttpRequest) -> HttpResponse:
    figures = selectors.dashboard_figures()
    return render(
        request,
        "agencies/dashboard.html",
        figures
        | {
            "total": sum(count for _, _, count in figures["statuses"]),
            "latest_events": selectors.latest_events(),
            "open_actions": selectors.open_actions(),
            "bars": selectors.chart_bars(figures["events"].buckets),
        },
    )


@public_page
@vary_on_headers("HX-Request")
def agency_list(request: HttpRequest) -> HttpResponse:
    if redirect := without_empty_parameters(request):
        return redirect
    form = AgencyFilterForm(request.GET)
    values = form.valid_values()
    sort = values.pop("sort", "name")
    vendor_names = dict(Vendor.objects.published().values_list("slug", "name"))
    if "vendor" in values and values["vendor"] not in vendor_names:
        form.ignore("vendor")
        del values["vendor"]
    for name, known in (("country", COUNTRIES), ("subdivision", SUBDIVISIONS)):
        # A well-formed code no agency has (a typo, ZZ) is named as ignored, not an empty list.
        value = values.get(name)
        if (
            value
            and value not in known
            and not Agency.objects.published().filter(**{name: value}).exists()
        ):
            form.ignore(name)
            del values[name]
    page = paginate(request, selectors.filter_agencies(values, sort))
    response = render_page(
        request,
        "agencies/agency_list.html",
        {
            "form": form,
            "filters": values,
            "download_query": urlencode(values),
            "sort": sort,
            "sorts": [
                ("name", "Name, A–Z"),
                ("-name", "Name, Z–A"),
                ("status", "Status"),
                ("place", "Place"),
                ("updated", "Recently updated"),
            ],
            "facets": selectors.agency_facets(values, vendor_names),
            "page": page,
        },
        partial="fragment",
    )
    if wants_fragment(request):
        # The address bar shows only the filters that apply: no empty or ignored parameters.
        canonical = {**values, **({"sort": sort} if sort != "name" else {})}
        if page.number > 1:
            canonical["page"] = page.number
        url = f"{request.path}?{urlencode(canonical)}" if canonical else request.path
        # Typing on in the search box refines one view: one history entry, not one per pause.
        if is_refined_search(request.htmx.current_url, canonical):
            replace_url(response, url)
        else:
            push_url(response, url)
    return response


def is_refined_search(current_url: str | None, new_params: dict) -> bool:
    """Whether the new view differs from the one shown only in a non-empty search text."""
    shown = dict(parse_qsl(urlsplit(current_url or "").query))
    new = {name: str(value) for name, value in new_params.items()}
    shown_q, new_q = shown.pop("q", ""), new.pop("q", "")
    return bool(shown_q and new_q) and shown_q != new_q and shown == new


@public_page
@vary_on_headers("HX-Request")
def agency_detail(request: HttpRequest, slug: str) -> HttpResponse:
    agency = get_object_or_404(selectors.agency_detail_queryset(), slug=slug)
    kind = TimelineFilterForm(request.GET).valid_kind()
    events = selectors.agency_timeline(agency)
    derived = derive_status(agency.uses.all(), agency.actions.all())
    vendors = {use.product.vendor for use in agency.uses.all()}  # public uses: vendor published
    timeline = paginate(request, selectors.sort_timeline(events, kind), TIMELINE_PAGE)
    selectors.attach_citations(timeline.object_list)
    return render_page(
        request,
        "agencies/agency_detail.html",
        {
            "agency": agency,
            "derived": derived,
            # Newest first, 50 a page: an agency with hundreds of facts stays a readable page.
            "timeline": timeline,
            "timeline_kind": kind,
            "timeline_kind_label": selectors.TIMELINE_KINDS.get(kind, ""),
            "timeline_total": len(events),
            "timeline_filters": [
                (key, label, sum(event.kind == key for event in events))
                for key, label in selectors.TIMELINE_KINDS.items()
            ],
            "vendors": sorted(vendors, key=lambda vendor: vendor.name),
            "authorities": selectors.authorities_acting_on(agency),
        },
        partial="fragment",
    )


@public_page
def vendor_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.vendor_list())
    return render(request, "agencies/vendor_list.html", {"page": page})


@public_page
@vary_on_headers("HX-Request")
def vendor_detail(request: HttpRequest, slug: str) -> HttpResponse:
    vendor = get_object_or_404(selectors.vendor_detail_queryset(), slug=slug)
    customers = (
        Use.objects.public()
        .filter(product__vendor=vendor)
        .select_related("agency", "product")
        .order_by("agency__name", "pk")
    )
    # Two lists page on their own: customers by `page`, the timeline by `timeline_page`.
    timeline = paginate(
        request,
        selectors.sort_timeline(selectors.vendor_timeline(vendor)),
        TIMELINE_PAGE,
        param="timeline_page",
    )
    selectors.attach_citations(timeline.object_list)
    return render_page(
        request,
        "agencies/vendor_detail.html",
        {
            "vendor": vendor,
            "customers": paginate(request, customers, per_page=50),
            "timeline": timeline,
        },
        partial="timeline" if request.htmx.target == "timeline" else "customers",
    )


@public_page
@vary_on_headers("HX-Request")
def incident_list(request: HttpRequest) -> HttpResponse:
    if redirect := without_empty_parameters(request):
        return redirect
    form = IncidentFilterForm(request.GET)
    filters = form.valid_values()
    return render_page(
        request,
        "agencies/incident_list.html",
        {
            "form": form,
            "download_query": urlencode(filters),
            "page": paginate(request, selectors.incident_list(filters)),
            "kind": filters.get("kind", ""),
            "kinds": IncidentKind.choices,
        },
        partial="fragment",
    )


@public_page
def incident_detail(request: HttpRequest, slug: str) -> HttpResponse:
    incident = get_object_or_404(
        Incident.objects.published().prefetch_related(
            selectors.cited(),
            selectors.published("agencies", Agency),
            selectors.published("vendors", Vendor),
        ),
        slug=slug,
    )
    return render(request, "agencies/incident_detail.html", {"incident": incident})


@public_page
@vary_on_headers("HX-Request")
def action_list(request: HttpRequest) -> HttpResponse:
    if redirect := without_empty_parameters(request):
        return redirect
    form = ActionFilterForm(request.GET)
    filters = form.valid_values()
    authority = None
    if filters.get("authority"):
        authority = Authority.objects.published().filter(slug=filters["authority"]).first()
        if authority is None:  # it would match nothing: show every action, and say why
            form.ignore("authority")
            del filters["authority"]
    return render_page(
        request,
        "agencies/action_list.html",
        {
            "form": form,
            "download_query": urlencode(filters),
            "page": paginate(request, selectors.action_list(filters)),
            "kind": filters.get("kind", ""),
            "state": filters.get("state", ""),
            "authority": authority,
            "kinds": ActionKind.choices,
            "states": ActionState.choices,
        },
        partial="fragment",
    )


@public_page
def action_detail(request: HttpRequest, slug: str) -> HttpResponse:
    action = get_object_or_404(
        RegulatoryAction.objects.published().prefetch_related(
            selectors.cited(),
            selectors.acting_authorities(),
            selectors.published("agencies", Agency),
            selectors.published("vendors", Vendor),
        ),
        slug=slug,
    )
    return render(request, "agencies/action_detail.html", {"action": action})


@public_page
def source_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.source_list())
    return render(request, "agencies/source_list.html", {"page": page})


@public_page
def source_detail(request: HttpRequest, slug: str) -> HttpResponse:
    source = get_object_or_404(Source.objects.published(), slug=slug)
    citations = source.citations.public().select_related(
        "speaker", *CITED_FIELDS, "use__agency", "use__product", "product__vendor"
    )
    return render(
        request, "agencies/source_detail.html", {"source": source, "citations": citations}
    )


@public_page
@vary_on_headers("HX-Request")
def search(request: HttpRequest) -> HttpResponse:
    query = selectors.clean_query(request.GET.get("q"))
    results = selectors.search_records(query)
    return render_page(
        request,
        "agencies/search.html",
        {
            "query": query,
            "results": results,
            "total": sum(len(group) for group in results.values()),
        },
        partial="fragment",
    )


@public_page
def data(request: HttpRequest) -> HttpResponse:
    downloads = [
        {
            "name": name,
            "title": export.model._meta.verbose_name_plural,
            "csv_url": reverse(f"agencies:{name}_csv"),
            "columns": exports.meanings(export),
        }
        for name, export in exports.EXPORTS.items()
    ]
    return render(request, "agencies/data.html", {"downloads": downloads})


@public_page
def changes(request: HttpRequest) -> HttpResponse:
    return render(request, "agencies/changes.html", {"versions": history.recent_changes()})


HISTORY_MODELS = {
    "agencies": Agency,
    "vendors": Vendor,
    "incidents": Incident,
    "actions": RegulatoryAction,
    "sources": Source,
}


@public_page
def record_history(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    record = get_object_or_404(HISTORY_MODELS[kind].objects.published(), slug=slug)
    return render(
        request,
        "agencies/record_history.html",
        {"record": record, "versions": history.record_versions(record)},
    )
