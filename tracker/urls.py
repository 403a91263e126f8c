from django.contrib import admin
from django.urls import include, path

from agencies.api import api

admin.site.site_header = "Facial recognition tracker: editors"
admin.site.site_title = "Tracker admin"
admin.site.index_title = "Records"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("agencies.urls")),
]
