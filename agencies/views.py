"""The public pages. Each is one template; htmx requests get only the part that changes."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url, replace_url

from . import exports, filters, history
from .choices import (
    ActionKind,
    ActionState,
    AgencySort,
    Contradicted,
    IncidentKind,
    Stance,
    TimelineKind,
)
from .decorators import public_page
from .filters import clean_query
from .lifecycle import latest_step
from .models import (
    Agency,
    Authority,
    Incident,
    Person,
    RegulatoryAction,
    Source,
    Statement,
    Use,
    Vendor,
)
from .places import COUNTRIES, SUBDIVISIONS
from .responses import (
    RECORD_LIST_PAGE,
    TIMELINE_PAGE,
    HtmxHttpRequest,
    changed_options,
    filtered,
    is_refined_search,
    named_record,
    paginate,
    previewing,
    removals,
    render_page,
    render_record,
    shown_address,
    wants_fragment,
    without_empty_parameters,
)
from .selectors import charts, facets, lists, records, timeline, timeline_pages
from .selectors import dashboard as figures
from .selectors import search as searching


@public_page
def dashboard(request: HtmxHttpRequest) -> HttpResponse:
    counts = figures.dashboard_figures()
    return render(
        request,
        "agencies/dashboard.html",
        counts
        | {
            "total": sum(count for _, _, count in counts["statuses"]),
            "bars": charts.chart_bars(counts["events"].buckets),
        },
    )


@public_page
@vary_on_headers("HX-Request")
def agency_list(request: HtmxHttpRequest) -> HttpResponse:
    if redirect := without_empty_parameters(request):
        return redirect
    form = filters.AGENCIES.form(request.GET)
    values = form.valid_values()
    sort = values.pop("sort", AgencySort.NAME)
    vendor_names = facets.vendor_names()
    if "vendor" in values and values["vendor"] not in vendor_names:
        form.ignore("vendor")
        del values["vendor"]
    for name, known in (("country", COUNTRIES), ("subdivision", SUBDIVISIONS)):
        # A well-formed code no agency has (a typo, ZZ) is named as ignored, not an empty list.
        value = values.get(name)
        if (
            value
            and value not in known
            and not Agency.objects.public().filter(**{name: value}).exists()
        ):
            form.ignore(name)
            del values[name]
    page = paginate(request, lists.agency_rows(values, sort))
    agency_facets = facets.agency_facets(values, vendor_names)
    response = render_page(
        request,
        "agencies/agency_list.html",
        {
            "form": form,
            "filters": values,
            "download_query": urlencode(values),
            "sort": sort,
            "sorts": AgencySort.choices,
            "facets": agency_facets,
            "page": page,
            "removals": removals(filters.AGENCIES, request.path, values, agency_facets),
            "changed_options": changed_options(values.get("changed_since")),
        },
        partial="fragment",
    )
    if wants_fragment(request):
        # The address bar shows only the filters that apply: no empty or ignored parameters.
        canonical = {**values, **({"sort": sort} if sort != AgencySort.NAME else {})}
        if page.number > 1:
            canonical["page"] = page.number
        url = f"{request.path}?{urlencode(canonical)}" if canonical else request.path
        # Typing on in the search box refines one view, and the same view asked for again
        # (Enter after a pause) is the same: one history entry, not one per request.
        shown = shown_address(request.htmx.current_url)
        if shown == url or is_refined_search(shown, canonical):
            replace_url(response, url)
        else:
            push_url(response, url)
    return response


@public_page
@vary_on_headers("HX-Request")
def agency_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    agency = get_object_or_404(
        records.agency_detail_queryset(drafts=previewing(request)), slug=slug
    )
    kind = filters.TIMELINE.form(request.GET).valid_values().get("kind", "")
    events = timeline_pages.agency_timeline(agency, kind)
    statements = records.statements_of(events.said())
    timeline_page = paginate(request, events, TIMELINE_PAGE)
    about = ("agency", agency.pk)
    cited = timeline.attach_citations(timeline_page.object_list, also=[about])
    counts = events.counts()
    return render_record(
        request,
        "agencies/agency_detail.html",
        {
            "agency": agency,
            "citations": cited[about],
            # Newest first, 50 a page: an agency with hundreds of facts stays a readable page.
            "timeline": timeline_page,
            "timeline_kind": kind,
            "timeline_kind_label": dict(TimelineKind.choices).get(kind, ""),
            "timeline_total": counts.total(),
            "timeline_filters": [(key, label, counts[key]) for key, label in TimelineKind.choices],
            "vendors": records.vendors_of(agency),
            "authorities": records.authorities_acting_on(agency),
            "status_over_time": records.status_over_time(agency),
            "statements": statements,
            "contradicted_count": sum(bool(s.contradicted_by.all()) for s in statements),
        },
        partial="fragment",
    )


@public_page
def vendor_list(request: HtmxHttpRequest) -> HttpResponse:
    page = paginate(request, lists.stored_vendor_list())
    return render(request, "agencies/vendor_list.html", {"page": page})


@public_page
@vary_on_headers("HX-Request")
def vendor_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    vendor = get_object_or_404(
        records.vendor_detail_queryset(drafts=previewing(request)), slug=slug
    )
    # Two lists page on their own: customers by `page`, the timeline by `timeline_page`.
    timeline_page = paginate(
        request, timeline_pages.vendor_timeline(vendor), TIMELINE_PAGE, param="timeline_page"
    )
    products = vendor.products.all()
    cited = timeline.attach_citations(
        timeline_page.object_list,
        also=[("vendor", vendor.pk), *(("product", product.pk) for product in products)],
    )
    return render_record(
        request,
        "agencies/vendor_detail.html",
        {
            "vendor": vendor,
            "citations": cited[("vendor", vendor.pk)],
            "products": [(product, cited[("product", product.pk)]) for product in products],
            "customers": paginate(request, records.customers_of(vendor), per_page=50),
            "timeline": timeline_page,
        },
        partial="timeline" if request.htmx.target == "timeline" else "customers",
    )


@public_page
@vary_on_headers("HX-Request")
def incident_list(request: HtmxHttpRequest) -> HttpResponse:
    if redirect := without_empty_parameters(request):
        return redirect
    form = filters.INCIDENTS.form(request.GET)
    values = form.valid_values()
    return render_page(
        request,
        "agencies/incident_list.html",
        filtered(request, filters.INCIDENTS, form, values, lists.incident_list(values))
        | {"kind": values.get("kind", ""), "kinds": IncidentKind.choices},
        partial="fragment",
    )


@public_page
def incident_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    incident = get_object_or_404(
        records.incident_page_queryset(drafts=previewing(request)), slug=slug
    )
    return render_record(request, "agencies/incident_detail.html", {"incident": incident})


@public_page
@vary_on_headers("HX-Request")
def action_list(request: HtmxHttpRequest) -> HttpResponse:
    if redirect := without_empty_parameters(request):
        return redirect
    form = filters.ACTIONS.form(request.GET)
    values = form.valid_values()
    authority = named_record(form, values, "authority", Authority)
    return render_page(
        request,
        "agencies/action_list.html",
        filtered(request, filters.ACTIONS, form, values, lists.action_list(values))
        | {
            "kind": values.get("kind", ""),
            "state": values.get("state", ""),
            "authority": authority,
            "kinds": ActionKind.choices,
            "states": ActionState.choices,
        },
        partial="fragment",
    )


@public_page
def action_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    action = get_object_or_404(records.action_page_queryset(drafts=previewing(request)), slug=slug)
    steps = records.with_deadlines(action.shown_steps)
    return render_record(
        request,
        "agencies/action_detail.html",
        {"action": action, "steps": steps, "latest_step": latest_step(steps)},
    )


@public_page
@vary_on_headers("HX-Request")
def statement_list(request: HtmxHttpRequest) -> HttpResponse:
    if redirect := without_empty_parameters(request):
        return redirect
    form = filters.STATEMENTS.form(request.GET)
    values = form.valid_values()
    agency = named_record(form, values, "agency", Agency)
    speaker = named_record(form, values, "speaker", Person)
    return render_page(
        request,
        "agencies/statement_list.html",
        filtered(request, filters.STATEMENTS, form, values, lists.statement_list(values))
        | {
            "stance": values.get("stance", ""),
            "contradicted": values.get("contradicted", ""),
            "stances": Stance.choices,
            "contradicted_choices": Contradicted.choices,
            "agency_chosen": agency,
            "speaker_chosen": speaker,
            "options": lists.statement_speakers(),
        },
        partial="fragment",
    )


@public_page
def statement_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    statement = get_object_or_404(records.statements_shown(drafts=previewing(request)), pk=pk)
    return render_record(request, "agencies/statement_detail.html", {"statement": statement})


@public_page
def use_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    use = get_object_or_404(records.use_page_queryset(drafts=previewing(request)), pk=pk)
    return render_record(request, "agencies/use_detail.html", {"use": use})


@public_page
def authority_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    authority = get_object_or_404(
        records.authority_page_queryset(drafts=previewing(request)), slug=slug
    )
    parts = paginate(request, records.actions_of(authority), RECORD_LIST_PAGE)
    return render_record(
        request, "agencies/authority_detail.html", {"authority": authority, "parts": parts}
    )


@public_page
def source_list(request: HtmxHttpRequest) -> HttpResponse:
    page = paginate(request, lists.source_list())
    return render(request, "agencies/source_list.html", {"page": page})


@public_page
def source_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    source = get_object_or_404(records.shown(Source, previewing(request)), slug=slug)
    citations = paginate(
        request,
        records.supported_by(source),
        RECORD_LIST_PAGE,
    )
    return render_record(
        request, "agencies/source_detail.html", {"source": source, "citations": citations}
    )


@public_page
@vary_on_headers("HX-Request")
def search(request: HtmxHttpRequest) -> HttpResponse:
    query = clean_query(request.GET.get("q"))
    results = searching.search_records(query)
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
def data(request: HtmxHttpRequest) -> HttpResponse:
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
def changes(request: HtmxHttpRequest) -> HttpResponse:
    return render(request, "agencies/changes.html", {"versions": history.recent_changes()})


HISTORY_MODELS = {
    "agencies": Agency,
    "authorities": Authority,
    "vendors": Vendor,
    "incidents": Incident,
    "actions": RegulatoryAction,
    "sources": Source,
    "uses": Use,
    "statements": Statement,
}
# The records named by number, not by slug, in their addresses.
NUMBERED = ("uses", "statements")


@public_page
def record_history(
    request: HtmxHttpRequest, kind: str, slug: str | None = None, pk: int | None = None
) -> HttpResponse:
    lookup = {"pk": pk} if pk is not None else {"slug": slug}
    records = HISTORY_MODELS[kind].objects.public()
    if kind == "uses":  # a use is named by its agency and product
        records = records.select_related("agency", "product")
    if kind == "statements":  # a statement is named by who said it
        records = records.select_related("speaker", "agency", "vendor", "authority")
    record = get_object_or_404(records, **lookup)
    versions = paginate(request, history.RecordHistory(record), RECORD_LIST_PAGE)
    return render(request, "agencies/record_history.html", {"record": record, "versions": versions})
