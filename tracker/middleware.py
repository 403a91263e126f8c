"""The guard that refuses text the site cannot read, before anything reads it."""

from urllib.parse import unquote_to_bytes

from .errors import error_response

# The longest address (path and query, as sent) the site reads. gunicorn refuses a request line
# over 8,190 bytes itself (limit_request_line, its maximum); this stays below it, so every
# address too long for the site gets the site's own answer.
MAX_ADDRESS_LENGTH = 8000

REFUSALS = {
    400: "The address, a cookie or a header holds text that is not valid: a NUL or bytes that "
    "are not UTF-8.",
    414: f"The address is longer than {MAX_ADDRESS_LENGTH:,} characters.",
}


def readable(text: str, *, percent_encoded: bool = False) -> bool:
    """Whether text as the WSGI server hands it over (its bytes read as Latin-1) is UTF-8
    without a NUL, once percent-decoded if it is a query. A lone surrogate is not UTF-8."""
    try:
        raw = text.encode("latin-1")
        if percent_encoded:
            raw = unquote_to_bytes(raw.replace(b"+", b" "))
        return "\x00" not in raw.decode("utf-8")
    except UnicodeError:
        return False


class RequestGuardMiddleware:
    """Refuses, before anything reads it, a request whose text the site cannot store or
    compare: a NUL (PostgreSQL refuses it in a query, so a lookup would fail) or bytes that are
    not UTF-8 in the path, the query, a cookie or a header (400), or an address over
    MAX_ADDRESS_LENGTH (414). The answer is a page in the site's design, or JSON under /api/."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if len(request.get_full_path()) > MAX_ADDRESS_LENGTH:
            return refusal(request, 414)
        if not self.readable(request):
            return refusal(request, 400)
        return self.get_response(request)

    def readable(self, request) -> bool:
        meta = request.META
        return (
            # Django has escaped a path's bytes that are not UTF-8 (as %FF): only a NUL is left.
            readable(meta.get("PATH_INFO", ""))
            and readable(meta.get("QUERY_STRING", ""), percent_encoded=True)
            and all(readable(value) for name, value in meta.items() if name.startswith("HTTP_"))
            # A quoted cookie may spell a NUL as an escape (\000), which parsing turns into one.
            and not any("\x00" in name + value for name, value in request.COOKIES.items())
        )


def refusal(request, status: int):
    return error_response(request, status, REFUSALS[status])
