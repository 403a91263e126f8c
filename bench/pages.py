"""Each benchmarked page timed in process, without a server or the page cache: where its time
goes (SQL or Python) and how many queries it runs. For comparing two versions of the code on
the same data; `make bench` is the measure under load.

    .venv/bin/python bench/pages.py                   # bench/bench.sqlite3, as make bench builds
    .venv/bin/python bench/pages.py --sizes small     # what run.py --sizes small builds
    DATABASE_URL=postgres://… .venv/bin/python bench/pages.py --repeat 20
    .venv/bin/python bench/pages.py --after-write     # each request the first after a write
    .venv/bin/python bench/pages.py --hits            # a page cache hit, against a static file
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, help="Timed requests a page.")
    parser.add_argument(
        "--sizes",
        default="default",
        choices=("default", "small"),
        help="The data bench/run.py built (small: bench/bench-small.sqlite3).",
    )
    parser.add_argument(
        "--after-write",
        action="store_true",
        help="Move the write generation before each request, as an edit does: the stored "
        "figures are recounted, what a miss costs with an edit a second.",
    )
    parser.add_argument(
        "--hits",
        action="store_true",
        help="Time a page cache hit instead (µs, the WSGI handler called directly, repeat × 300 "
        "times), beside the static file that is make bench's floor.",
    )
    parser.add_argument("paths", nargs="*", help="Pages to time (default: the benchmark's).")
    options = parser.parse_args()

    suffix = "" if options.sizes == "default" else f"-{options.sizes}"
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'bench' / f'bench{suffix}.sqlite3'}")
    os.environ |= {
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "DJANGO_DEBUG": "0",
        "PUBLIC_PAGE_CACHE_SECONDS": "300" if options.hits else "0",
        "DJANGO_ALLOWED_HOSTS": "testserver",
    }
    if options.hits:  # a cache of its own, empty
        os.environ["CACHE_DIR"] = tempfile.mkdtemp(prefix="bench-hits-")
    sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from run import CONTROL, floor_path, pages

    from agencies.invalidation import record_changed

    timed = [(path, path) for path in options.paths] or [
        (name, path) for name, path, kind in pages(options.sizes) if kind != "csv"
    ]
    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG off: hashed names
    if options.hits:
        time_hits([("floor: static file", floor_path()), *timed], options.repeat * 300)
        return
    client = Client()
    after = ", each the first after a write" if options.after_write else ""
    print(f"{connection.vendor}, {options.repeat} requests a page{after}, median")
    print(f"{'page':40} {'ms':>7} {'SQL ms':>7} {'queries':>7}")
    for name, path in timed:
        client.get(path)  # the first visit after a write recounts the stored summaries
        wall, sql = [], []
        for _ in range(options.repeat):
            if options.after_write:
                record_changed()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(path)
                wall.append(time.perf_counter() - started)
            assert response.status_code == 200, (path, response.status_code)
            sql.append(sum(float(query["time"]) for query in queries.captured_queries))
            count = sum(not query["sql"].startswith(CONTROL) for query in queries)
        print(
            f"{name[:40]:40} {statistics.median(wall) * 1000:7.1f} "
            f"{statistics.median(sql) * 1000:7.1f} {count:7}"
        )


def time_hits(timed: list[tuple[str, str]], hits: int) -> None:
    """Each page served from the page cache, through the WSGI handler as gunicorn calls it."""
    from django.core.handlers.wsgi import WSGIHandler

    application = WSGIHandler()

    def get(path: str) -> str:
        """The response's X-Cache (none for a static file)."""
        address, _, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": address,
            "QUERY_STRING": query,
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "HTTP_HOST": "testserver",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(),
        }
        answer = {}

        def start_response(status, headers, *_):
            answer.update(headers, status=status)

        body = application(environ, start_response)
        b"".join(body)
        body.close()
        assert answer["status"] == "200 OK", (path, answer["status"])
        return answer.get("X-Cache", "")

    print(f"{hits} hits a page, µs each")
    for name, path in timed:
        get(path)
        assert get(path) in ("hit", ""), path  # stored, or a static file
        started = time.perf_counter()
        for _ in range(hits):
            get(path)
        print(f"{name[:40]:40} {(time.perf_counter() - started) / hits * 1e6:7.0f}")


if __name__ == "__main__":
    main()
