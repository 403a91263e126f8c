"""How the site answers an error it raises itself, before or around a view: JSON under the API,
a page in the site's design elsewhere. One rule, for the request guard and the outage alike."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

API_PREFIX = "/api/"


def error_response(request: HttpRequest, status: int, detail: str) -> HttpResponse:
    """`{"detail": ...}` under /api/, else the template named for the status. Rendered without
    the request: no context processor reads the refused text or reaches for the database."""
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse({"detail": detail}, status=status)
    return HttpResponse(render_to_string(f"{status}.html"), status=status)
