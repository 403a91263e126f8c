from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from agencies.admin.review import review_queue
from agencies.api import api
from tracker import outage

admin.site.site_header = "Facial recognition tracker: editors"
admin.site.site_title = "Tracker admin"
admin.site.index_title = "Records"


class FaviconRedirect(RedirectView):
    def get_redirect_url(self, *args, **kwargs) -> str:
        return static("favicon.svg")  # per request: the hashed name exists once collected


# A database error outside any view is the outage's 503, not a 500 (tracker/outage.py).
handler500 = outage.server_error_or_outage

urlpatterns = [
    # For a load balancer or monitor: the process alone, then the process with its services.
    path("healthz", outage.healthz, name="healthz"),
    path("readyz", outage.readyz, name="readyz"),
    path("admin/review/", admin.site.admin_view(review_queue), name="review_queue"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    # Browsers ask for /favicon.ico on pages that name no icon (admin's): point them to ours.
    path("favicon.ico", FaviconRedirect.as_view()),
    path("", include("agencies.urls")),
]
