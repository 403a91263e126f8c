from django.urls import path

from . import exports, views

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
    path("sources/", views.source_list, name="source_list"),
    path("sources/<slug:slug>/", views.source_detail, name="source_detail"),
    path("search/", views.search, name="search"),
    # CSV downloads: each takes its list page's filters.
    *(
        path(f"{name}/export.csv", exports.export_csv, {"name": name}, name=f"{name}_csv")
        for name in exports.EXPORTS
    ),
]
