from django.urls import path

from . import exports, feeds, views
from .decorators import public_page

app_name = "agencies"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("agencies/", views.agency_list, name="agency_list"),
    path("agencies/<slug:slug>/", views.agency_detail, name="agency_detail"),
    path("vendors/", views.vendor_list, name="vendor_list"),
    path("vendors/<slug:slug>/", views.vendor_detail, name="vendor_detail"),
    path("incidents/", views.incident_list, name="incident_list"),
    path("incidents/<slug:slug>/", views.incident_detail, name="incident_detail"),
    path("actions/", views.action_list, name="action_list"),
    path("actions/<slug:slug>/", views.action_detail, name="action_detail"),
    path("statements/", views.statement_list, name="statement_list"),
    path("statements/<int:pk>/", views.statement_detail, name="statement_detail"),
    path("uses/<int:pk>/", views.use_detail, name="use_detail"),
    *(
        path(
            f"{kind}/<int:pk>/history/",
            views.record_history,
            {"kind": kind},
            name=f"{kind}_history",
        )
        for kind in views.NUMBERED
    ),
    path("authorities/<slug:slug>/", views.authority_detail, name="authority_detail"),
    path("sources/", views.source_list, name="source_list"),
    path("sources/<slug:slug>/", views.source_detail, name="source_detail"),
    path("search/", views.search, name="search"),
    path("data/", views.data, name="data"),
    path("changes/", views.changes, name="changes"),
    path("feeds/events.atom", public_page(feeds.EventsFeed()), name="events_feed"),
    path(
        "agencies/<slug:slug>/feed.atom", public_page(feeds.AgencyEventsFeed()), name="agency_feed"
    ),
    path(
        "vendors/<slug:slug>/feed.atom", public_page(feeds.VendorEventsFeed()), name="vendor_feed"
    ),
    path(
        "incidents/<slug:slug>/feed.atom", public_page(feeds.IncidentFeed()), name="incident_feed"
    ),
    path("actions/<slug:slug>/feed.atom", public_page(feeds.ActionFeed()), name="action_feed"),
    *(
        path(
            f"{kind}/<slug:slug>/history/",
            views.record_history,
            {"kind": kind},
            name=f"{kind}_history",
        )
        for kind in views.HISTORY_MODELS
        if kind not in views.NUMBERED
    ),
    # CSV downloads: each takes its list page's filters.
    *(
        path(f"{name}/export.csv", exports.export_csv, {"name": name}, name=f"{name}_csv")
        for name in exports.EXPORTS
    ),
]
