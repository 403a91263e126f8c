"""No public address, parameter or header gets a server error: every URL pattern the site
serves, with the seed's real slugs and numbers or hostile text in its place, every parameter
the lists declare (agencies/filters.py), and hostile htmx headers, Accept and cookies, as
gunicorn would hand them over (a header's bytes read as Latin-1).

Each input that once gave a 500 is kept as an @example."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from agencies.api.endpoints import Pages
from agencies.filters import FILTER_SETS, SLUG, Filter
from tests.seed_values import SEED, real_values
from tracker.middleware import MAX_ADDRESS_LENGTH

FUZZ = settings(
    max_examples=100,
    deadline=None,
    database=None,  # nothing written to the checkout; a failure prints its example to re-run
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def public_routes(patterns=None, prefix: str = "") -> list[str]:
    """Every route the site serves outside admin, as written (`agencies/<slug:slug>/`)."""
    routes = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if route.startswith("admin/"):
            continue
        if isinstance(entry, URLResolver):
            routes += public_routes(entry.url_patterns, route)
        else:
            assert isinstance(entry, URLPattern)
            routes.append(route)
    return routes


ROUTES = public_routes()
PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")


def as_sent(text: str) -> str:
    """Text percent-encoded as a browser sends it; a lone surrogate as its (invalid) bytes."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def as_received(text: str) -> str:
    """Text as a WSGI server hands a header over: its UTF-8 bytes read as Latin-1."""
    return text.encode("utf-8", "surrogatepass").decode("latin-1")


# Text the site reads: any character but a NUL or a lone surrogate, which the guard refuses
# (tracker/middleware.py); those come in UNREADABLE, drawn less often, so most inputs reach a view.
READABLE = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")
HOSTILE_TEXT = st.one_of(
    st.sampled_from(["..", "-1", "0", str(2**63), str(10**30), "%", "'", "a b", "é"]),
    st.text(READABLE, max_size=30),
    st.text(READABLE, min_size=190, max_size=260),  # about the longest a filter takes
)
UNREADABLE = st.sampled_from(["a\x00b", "\x00", "\ud800", "a\udfffb"])
HOSTILE_PIECE = st.one_of(
    HOSTILE_TEXT.map(as_sent),
    st.one_of(UNREADABLE.map(as_sent), st.binary(max_size=12).map(lambda raw: quote(raw, safe=""))),
)


@st.composite
def paths(draw) -> str:
    route = draw(st.sampled_from(ROUTES))

    def fill(match: re.Match) -> str:
        real = real_values(route, match[2])
        return draw(st.sampled_from(real) if real and draw(st.booleans()) else HOSTILE_PIECE)

    return "/" + PARAMETER.sub(fill, route)


def filter_values(declared: Filter) -> st.SearchStrategy[str]:
    """Values a filter accepts, by its declaration; hostile text is added beside them."""
    if declared.date:
        return st.dates().map(lambda day: day.isoformat())
    if declared.choices is not None:
        return st.sampled_from(declared.choices.values)
    if declared.pattern == SLUG:
        slugs = [r["fields"]["slug"] for rs in SEED.values() for r in rs if "slug" in r["fields"]]
        return st.sampled_from(slugs)
    if declared.pattern is not None:
        return st.from_regex(declared.pattern, fullmatch=True)
    return st.text(max_size=40)


# Every list's filters, from their one declaration, and paging (the pages' and the API's).
DECLARED: dict[str, list[st.SearchStrategy[str]]] = {}
for filter_set in FILTER_SETS:
    for declared in filter_set.filters:
        DECLARED.setdefault(declared.name, []).append(filter_values(declared))
PAGING = ("timeline_page", *Pages.Input.model_fields)
PARAMETERS = sorted({*DECLARED, *PAGING, "preview"})
PAGE_NUMBERS = st.integers(-(2**70), 2**70).map(str)


def parameter(name: str) -> st.SearchStrategy[tuple[str, str]]:
    known = DECLARED.get(name, [PAGE_NUMBERS] if name in PAGING else [st.just("")])
    return st.tuples(st.just(name), st.one_of(*known, HOSTILE_TEXT))


QUERIES = st.lists(
    st.one_of(
        st.sampled_from(PARAMETERS).flatmap(parameter), st.tuples(HOSTILE_TEXT, HOSTILE_TEXT)
    ),
    max_size=4,
).map(lambda pairs: "&".join(f"{as_sent(name)}={as_sent(value)}" for name, value in pairs))

HEADER_TEXT = HOSTILE_TEXT.map(as_received)
# Bytes that are not UTF-8, or a NUL: drawn in two headers only, so most requests reach a view.
UNREADABLE_HEADER = st.one_of(UNREADABLE, st.binary(max_size=20).map(lambda b: b.decode("latin-1")))
SHOWN_URLS = st.one_of(
    st.sampled_from(["http://[", "http://x//[", "http://testserver/agencies/?q=a", "/", ""]),
    st.builds(lambda path, query: f"http://testserver{path}?{query}", paths(), QUERIES),
    HEADER_TEXT,
)
COOKIE_VALUES = st.one_of(
    st.sampled_from(['"abcdefghij\\000klmnop"', "abcdefghij\x00klmnop", "x" * 40, '"\\377"']),
    st.one_of(HEADER_TEXT, UNREADABLE_HEADER).filter(lambda text: ";" not in text),
)
HEADERS = st.fixed_dictionaries(
    {},
    optional={
        "HX-Request": st.one_of(st.sampled_from(["true", "false", ""]), HEADER_TEXT),
        "HX-Current-URL": SHOWN_URLS,
        "HX-Target": st.one_of(
            st.sampled_from(["timeline", "customers", "results"]), HEADER_TEXT, UNREADABLE_HEADER
        ),
        "HX-History-Restore-Request": st.sampled_from(["true", "false"]),
        "HX-Trigger": HEADER_TEXT,
        "Accept": st.one_of(st.sampled_from(["application/json", "text/html;q=x"]), HEADER_TEXT),
        "Accept-Language": HEADER_TEXT,
        "If-Modified-Since": HEADER_TEXT,
        "Cookie": st.builds(
            lambda name, value: f"{name}={value}",
            st.sampled_from(["sessionid", "csrftoken", "django_language"]),
            COOKIE_VALUES,
        ),
    },
)


def read(response) -> None:
    """Read a download to its end: an unread one would leave its cursor open. The test
    client closes the response once read (calling close() again would close the connection)."""
    if response.streaming:
        b"".join(response.streaming_content)


@pytest.fixture
def fetch(seeded_module, db, client, admin_client):
    """GET or HEAD as a visitor or a signed-in editor (?preview shows drafts); the status."""

    def fetch(path: str, query: str = "", headers=None, *, editor=False, method="get") -> int:
        response = getattr(admin_client if editor else client, method)(
            path, QUERY_STRING=query, headers=headers or {}
        )
        read(response)
        return response.status_code

    return fetch


@pytest.mark.parametrize("route", ROUTES)
def test_every_route_answers_its_seed_values(fetch, route):
    # The fuzz below draws its routes at random; this meets each of them every run.
    path = "/" + PARAMETER.sub(lambda match: (real_values(route, match[2]) or ["x"])[0], route)
    assert fetch(path) < 500
    assert fetch(path, "preview&page=-1", {"HX-Request": "true"}, editor=True) < 500


# The inputs that gave a 500 before: (path, query, headers), each drawn first every run.
ONCE_SERVER_ERRORS = [
    # A NUL in an API slug reached PostgreSQL (DataError).
    *(
        (f"/api/v1/{kind}/a%00b", "", {})
        for kind in ("agencies", "vendors", "incidents", "actions", "sources")
    ),
    # An HX-Current-URL that urlsplit refuses once split and split again (ValueError).
    ("/agencies/", "q=a", {"HX-Request": "true", "HX-Current-URL": "http://["}),
    ("/agencies/", "q=ab", {"HX-Request": "true", "HX-Current-URL": "http://x//[?q=a"}),
    # A session cookie with a NUL, spelt as a quoted escape, looked up on PostgreSQL (DataError).
    ("/agencies/toronto-police-service/", "preview", {"Cookie": 'sessionid="abcdefghij\\000kl"'}),
]


def with_once_server_errors(test):
    for path, query, headers in ONCE_SERVER_ERRORS:
        test = example(path=path, query=query, headers=headers, editor=False, method="get")(test)
    return test


@FUZZ
@given(
    path=paths(),
    query=QUERIES,
    headers=HEADERS,
    editor=st.booleans(),
    method=st.sampled_from(["get", "head"]),
)
@with_once_server_errors
def test_no_input_gets_a_server_error(fetch, path, query, headers, editor, method):
    status = fetch(path, query, headers, editor=editor, method=method)
    event(f"answers {status}")  # pytest --hypothesis-show-statistics: how far inputs got
    assert status < 500


@pytest.mark.parametrize(
    "path", ["/agencies/a%00b/", "/agencies/?q=a%00", "/api/v1/agencies/a%00b", "/api/v1/?q=%FF"]
)
def test_a_nul_or_bytes_not_utf8_are_a_400_in_the_site_design_or_json(client, path):
    response = client.get(path)
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert "detail" in response.json()
    else:
        assert 'class="site-header"' in response.content.decode()


@pytest.mark.parametrize(
    "header", [{"Cookie": 'sessionid="abcdefghij\\000klmnop"'}, {"HX-Target": "\xff"}]
)
def test_a_nul_in_a_cookie_or_a_header_not_utf8_is_a_400(client, header):
    assert client.get("/agencies/", headers=header).status_code == 400


def test_a_long_search_is_read_up_to_the_address_limit(fetch, client):
    assert fetch("/agencies/", "q=" + "a" * 7000) == 200
    longest = "q=" + "a" * (MAX_ADDRESS_LENGTH - len("/agencies/?q="))
    assert fetch("/agencies/", longest) == 200
    too_long = client.get("/agencies/", QUERY_STRING=longest + "a")
    assert too_long.status_code == 414
    assert 'class="site-header"' in too_long.content.decode()
    api = client.get("/api/v1/agencies", QUERY_STRING=longest + "a")
    assert api.status_code == 414 and "detail" in api.json()
