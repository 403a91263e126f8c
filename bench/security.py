"""`make bench-security`: the site as a hostile public meets it, on the real server.

Serves a scratch copy of the seed data with `make serve`'s gunicorn configuration on a loopback
port (SQLite by default; PostgreSQL when DATABASE_URL names a database of its own: the run
empties and fills it), then:

1. sends hostile requests to every public URL pattern: hostile text in each path segment, in
   every declared filter's parameter, and in the headers and cookies a view reads; counts the
   answers by class and names every 5xx;
2. holds 64 connections for 60 s on ten pages and counts errors (5xx, refused or broken
   connections, time-outs);
3. signs in with wrong passwords until the lockout answers, and tries the right one after.

Every request goes to 127.0.0.1 only; every loop is bounded in count and time. Prints a markdown
table and writes it as JSON under bench/results/."""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import socket
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import RESULTS, ROOT, Server, free_port, machine, manage

# Text a hostile visitor types, as it arrives percent-encoded: NUL and other control bytes, a
# lone surrogate, overlong and invalid UTF-8, path tricks, markup, SQL, numbers out of range.
HOSTILE_TEXT = [
    "%00",
    "a%00b",
    "%ED%A0%80",
    "%C0%AF",
    "%FF%FE",
    "%0D%0ASet-Cookie:%20x=1",
    "..%2F..%2Fetc%2Fpasswd",
    "%25",
    quote("' OR 1=1 --"),
    quote('"><script>alert(1)</script>'),
    quote("𝕏😀\u202e"),
    "-1",
    "0",
    "99999999999999999999999",
    "1e309",
    "NaN",
    quote("[]"),
    "x" * 2_000,
    "y" * 7_000,
]
# For parameters, the texts that differ in kind (the rest vary only the path).
PARAMETER_TEXT = [
    "%00",
    "%ED%A0%80",
    "%FF%FE",
    "%0D%0ASet-Cookie:%20x=1",
    quote("' OR 1=1 --"),
    "-1",
    "99999999999999999999999",
    "1e309",
    "x" * 2_000,
    "y" * 7_000,
]
HOSTILE_HEADERS = [
    {"HX-Request": "true", "HX-Current-URL": "http://["},
    {"HX-Request": "true", "HX-Current-URL": "http://127.0.0.1/agencies/?page=%00"},
    {"HX-Request": "true", "HX-History-Restore-Request": "true"},
    {"HX-Request": "true", "HX-Target": "<script>"},
    {"Accept": "application/json;q=x, */*;q=-1"},
    {"If-None-Match": '"' + "x" * 500},
    {"If-Modified-Since": "not a date"},
    {"Range": "bytes=-1--2"},
    {"Cookie": "sessionid=%00; csrftoken=\\x00"},
    {"Cookie": "sessionid=" + "z" * 4_000},
    {"Accept-Language": "xx-" + "y" * 300},
    {"X-Forwarded-For": "not-an-address, ::::"},
]
LOAD_PAGES = [
    "/",
    "/agencies/",
    "/agencies/?status=confirmed&country=CA",
    "/agencies/toronto-police-service/",
    "/vendors/clearview-ai/",
    "/actions/",
    "/statements/",
    "/search/?q=clearview",
    "/api/v1/agencies",
    "/feeds/events.atom",
]


def public_urls(env: dict) -> tuple[list[str], dict[str, list[str]]]:
    """Every public URL pattern filled with a real seed value, and each list's filter names,
    asked of the project itself so that a new page or filter is fuzzed without a change here."""
    script = """
import json, re, django
django.setup()
from django.urls import get_resolver, URLPattern, URLResolver
from agencies import filters
from agencies.models import Agency, Incident, RegulatoryAction, Source, Statement, Use, Vendor
from agencies.models import Authority

def walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)

def first(model, field):
    row = model.objects.public().order_by("pk").values_list(field, flat=True).first()
    return str(row)

values = {
    "agencies": first(Agency, "slug"), "vendors": first(Vendor, "slug"),
    "incidents": first(Incident, "slug"), "actions": first(RegulatoryAction, "slug"),
    "sources": first(Source, "slug"), "authorities": first(Authority, "slug"),
    "statements": first(Statement, "pk"), "uses": first(Use, "pk"),
}
urls = []
for pattern in walk(get_resolver().url_patterns):
    if pattern.startswith(("admin/", "^admin/")) or "static" in pattern:
        continue
    path = re.sub(r"^\\^|\\$$", "", pattern)
    section = path.split("/")[0] if not path.startswith("api/") else path.split("/")[2]
    value = values.get(section, values["agencies"])
    path = re.sub(r"<[^>]+>|\\{[^}]+\\}", value, path)
    path = re.sub(r"\\(\\?P<[^>]+>[^)]*\\)", value, path)
    urls.append("/" + path)
names = sorted({f.name for filter_set in filters.FILTER_SETS for f in filter_set.filters})
print(json.dumps({"urls": sorted(set(urls)), "parameters": names + ["page", "q", "format"]}))
"""
    import subprocess

    output = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    found = json.loads(output.strip().splitlines()[-1])
    return found["urls"], found["parameters"]


def hostile_requests(urls: list[str], parameters: list[str]) -> list[tuple[str, dict]]:
    """Hostile text in each path segment of every URL, in every filter parameter of every list
    (a URL with no value in its path), and hostile headers on every URL. Shuffled with a fixed
    seed, so a run cut short by its time bound still tries some of each kind."""
    requests: list[tuple[str, dict]] = []
    for url in urls:
        segments = [s for s in url.split("/") if s]
        for text in HOSTILE_TEXT:
            for index in range(len(segments)):
                bent = [*segments[:index], text, *segments[index + 1 :]]
                requests.append(("/" + "/".join(bent) + ("/" if url.endswith("/") else ""), {}))
        if not re.search(r"\d|/api/v1/\w+/.|/(agencies|vendors|incidents|actions|sources)/.", url):
            for name in parameters:
                for text in PARAMETER_TEXT:
                    requests.append((f"{url}?{name}={text}", {}))
        for headers in HOSTILE_HEADERS:
            requests.append((url, headers))
    random.Random(0).shuffle(requests)
    return requests


def send(port: int, path: str, headers: dict, method: str = "GET", body: bytes | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.putrequest(method, path, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        content = response.read()
        return response.status, dict(response.getheaders()), content
    finally:
        connection.close()


def fuzz(port: int, requests: list[tuple[str, dict]], deadline: float) -> dict:
    classes: Counter[str] = Counter()
    server_errors: list[str] = []
    lock = threading.Lock()
    queue = list(reversed(requests))

    def worker() -> None:
        while time.monotonic() < deadline:
            with lock:
                if not queue:
                    return
                path, headers = queue.pop()
            try:
                status, _, _ = send(port, path, headers)
                kind = f"{status // 100}xx"
            except (OSError, http.client.HTTPException) as error:
                status, kind = 0, f"connection error ({type(error).__name__})"
            with lock:
                classes[kind] += 1
                if status >= 500 or status == 0:
                    server_errors.append(f"{status} {path[:120]} {headers}")

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "sent": sum(classes.values()),
        "planned": len(requests),
        "classes": dict(sorted(classes.items())),
        "5xx": sorted(server_errors)[:50],
    }


def hold_connections(port: int, connections: int, seconds: int) -> dict:
    """Each connection asks the ten pages in turn, keeping its socket alive, for `seconds`."""
    answered: Counter[int] = Counter()
    errors: Counter[str] = Counter()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker(offset: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        index = offset
        while time.monotonic() < deadline:
            path = LOAD_PAGES[index % len(LOAD_PAGES)]
            index += 1
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                with lock:
                    answered[response.status] += 1
            except (OSError, http.client.HTTPException) as error:
                with lock:
                    errors[type(error).__name__] += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    server_errors = sum(count for status, count in answered.items() if status >= 500)
    return {
        "connections": connections,
        "seconds": seconds,
        "answered": sum(answered.values()),
        "statuses": {str(status): count for status, count in sorted(answered.items())},
        "errors": server_errors + sum(errors.values()),
        "connection_errors": dict(errors),
    }


def sign_in(port: int, username: str, password: str) -> int:
    """One sign-in through the admin's real form, CSRF token and all; the status it answers."""
    status, headers, body = send(port, "/admin/login/", {})
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    cookie = re.search(r"csrftoken=([^;]+)", headers.get("Set-Cookie", ""))
    if not (token and cookie):
        raise RuntimeError(f"no CSRF token on the sign-in page ({status})")
    form = urlencode(
        {
            "csrfmiddlewaretoken": token.group(1).decode(),
            "username": username,
            "password": password,
            "next": "/admin/",
        }
    ).encode()
    status, _, _ = send(
        port,
        "/admin/login/",
        {
            "Cookie": f"csrftoken={cookie.group(1)}",
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://127.0.0.1:{port}/admin/login/",
        },
        method="POST",
        body=form,
    )
    return status


def lockout(port: int, username: str, password: str, tries: int = 20) -> dict:
    statuses = []
    for _ in range(tries):
        statuses.append(sign_in(port, username, "not-the-password"))
        if statuses[-1] == 429:
            break
    right_after = sign_in(port, username, password)
    return {
        "wrong_passwords_until_locked": len(statuses) if statuses[-1] == 429 else None,
        "statuses": statuses,
        "right_password_after_lockout": right_after,
    }


def prepare(env: dict, engine: str, database_url: str, username: str, password: str) -> None:
    if engine == "sqlite":
        Path(database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    else:
        manage(env, "flush", "--no-input")
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    manage(env, "seed")
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    manage(
        env | {"TRACKER_PASSWORD": password},
        "grant_role",
        username,
        "editor",
        "--create",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--fuzz-seconds", type=int, default=600, help="An upper bound.")
    options = parser.parse_args()

    scratch = ROOT / "bench" / "security.sqlite3"
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{scratch}"
    engine = "postgresql" if database_url.startswith("postgres") else "sqlite"
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"} | {
        "DJANGO_LOG_LEVEL": "ERROR",  # the 404s are the point here: log only what fails
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
    }
    if os.environ.get("REDIS_URL"):
        env["REDIS_URL"] = os.environ["REDIS_URL"]
    username, password = "bench-editor", "a long and unguessable bench password"
    prepare(env, engine, database_url, username, password)
    urls, parameters = public_urls(env)
    requests = hostile_requests(urls, parameters)

    port = free_port()
    with Server(env, port):
        started = time.monotonic()
        fuzzed = fuzz(port, requests, started + options.fuzz_seconds)
        fuzzed["seconds"] = round(time.monotonic() - started, 1)
        load = hold_connections(port, options.connections, options.seconds)
        locked = lockout(port, username, password)

    report = {
        "engine": engine,
        "machine": machine(),
        "urls": len(urls),
        "parameters": parameters,
        "hostile": fuzzed,
        "load": load,
        "lockout": locked,
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"security-{engine}.json").write_text(json.dumps(report, indent=2) + "\n")
    print_table(report)


def print_table(report: dict) -> None:
    hostile, load, locked = report["hostile"], report["load"], report["lockout"]
    fivexx = sum(n for kind, n in hostile["classes"].items() if kind[0] not in "234")
    print(f"\n{report['engine']}, {report['machine']['cores']} cores, {report['when']}\n")
    print("| measure | result |\n| --- | --- |")
    print(f"| hostile requests sent | {hostile['sent']:,} of {hostile['planned']:,} |")
    print(
        f"| answers by class | {', '.join(f'{k}: {v:,}' for k, v in hostile['classes'].items())} |"
    )
    print(f"| 5xx or broken answers | {fivexx} |")
    print(
        f"| {load['connections']} connections for {load['seconds']} s | "
        f"{load['answered']:,} answered, {load['errors']} errors |"
    )
    print(
        f"| wrong passwords until locked | {locked['wrong_passwords_until_locked']} "
        f"(then the right password: {locked['right_password_after_lockout']}) |"
    )
    for line in hostile["5xx"]:
        print("  5xx:", line)


if __name__ == "__main__":
    socket.setdefaulttimeout(30)
    main()
