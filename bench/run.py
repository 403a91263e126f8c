"""`make bench`: every page of the site under load, against the stack's own floor, in one run.

Builds the synthetic database (manage.py generate_scale_data), serves it with `make serve`'s
gunicorn configuration on a loopback port, and drives each page for a fixed time with wrk (or a
Python client where wrk is missing) at a fixed concurrency. The floor is a static file served
by the same server and stack. Run twice: with the anonymous page cache off, then on. Prints a
table and writes it as JSON under bench/results/. SQLite by default; PostgreSQL when
DATABASE_URL is set (a database of its own: the run fills it)."""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable

PAGES = [
    # Django's own floor for an HTML page: the site's template, no query.
    ("data page (no queries)", "/data/", "html"),
    ("dashboard", "/", "html"),
    ("agency list", "/agencies/", "html"),
    ("agency list, status + country", "/agencies/?status=confirmed&country=US", "html"),
    ("agency list, q", "/agencies/?q=harbour", "html"),
    ("agency with 500 facts", "/agencies/synthetic-agency-00000/", "detail"),
    ("vendor with 10,000 customers", "/vendors/synthetic-vendor-000/", "detail"),
    ("search", "/search/?q=harbour+police", "html"),
    ("API agency list", "/api/v1/agencies?page=2", "api"),
    ("API citation list (144,000)", "/api/v1/citations", "api"),
    ("agencies CSV, full, 2 at a time", "/agencies/export.csv", "csv"),
]


CSV_CONNECTIONS = 2

# Transaction control, not reads: left out of a page's query count, as the tests leave it out.
CONTROL = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "SET LOCAL")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


class Server:
    """gunicorn with the repository's configuration, as `make serve` runs it."""

    def __init__(self, env: dict, port: int) -> None:
        self.env, self.port = env, port

    def __enter__(self) -> Server:
        gunicorn = str(Path(PYTHON).with_name("gunicorn"))
        self.process = subprocess.Popen(
            [gunicorn, "--config", "gunicorn.conf.py"],
            cwd=ROOT,
            env=self.env | {"PORT": str(self.port), "LOG_LEVEL": "warning"},
        )
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/static/css/site.css")
            except OSError:
                time.sleep(0.2)
            else:
                return self
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    @property
    def worker_count(self) -> int:
        return len(self.worker_pids())


def warm(url: str, workers: int, *, streaming: bool) -> None:
    """Measure the steady state: twice as many requests as workers, all at once, so that every
    worker has most likely rendered the page (and, with the page cache on, holds it: local
    memory is per worker). What a miss costs is the row with the page cache off."""
    rounds = 1 if streaming else 2 * workers
    threads = [
        threading.Thread(target=lambda: urllib.request.urlopen(url, timeout=60).read())
        for _ in range(rounds)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def load_wrk(url: str, seconds: int, connections: int) -> dict:
    output = subprocess.run(
        [
            "wrk",
            f"-t{min(2, connections)}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "bench" / "report.lua"),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result = json.loads(output.strip().splitlines()[-1])
    result["rps"] = result["requests"] / result["seconds"]
    return result


def load_python(url: str, seconds: int, connections: int) -> dict:
    """A keep-alive client per connection, for machines without wrk."""
    parsed = urllib.request.urlparse(url)
    path = parsed.path + (f"?{parsed.query}" if parsed.query else "")
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
        mine = []
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    errors[0] += 1
            except OSError:
                errors[0] += 1
                connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
                continue
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0] * 99
    return {
        "requests": len(latencies),
        "seconds": elapsed,
        "errors": errors[0],
        "non_2xx": 0,
        "rps": len(latencies) / elapsed,
        "p50": cuts[49],
        "p95": cuts[94],
        "p99": cuts[98],
    }


def queries_per_request(env: dict) -> dict[str, int]:
    """Each page's query count, measured in process on the same database."""
    script = (
        "import json, sys, django\n"
        "django.setup()\n"
        "from django.db import connection\n"
        "from django.test import Client\n"
        "from django.test.utils import CaptureQueriesContext\n"
        "client = Client()\n"
        "counts = {}\n"
        f"CONTROL = {CONTROL!r}\n"
        "for url in json.loads(sys.argv[1]):\n"
        "    client.get(url)  # the first visit after a write computes the stored summaries\n"
        "    with CaptureQueriesContext(connection) as queries:\n"
        "        response = client.get(url)\n"
        "        if response.streaming:\n"
        "            b''.join(response.streaming_content)\n"
        "    assert response.status_code == 200, (url, response.status_code)\n"
        "    counts[url] = sum(not q['sql'].startswith(CONTROL) for q in queries)\n"
        "print(json.dumps(counts))\n"
    )
    urls = json.dumps([url for _, url, _ in PAGES])
    output = subprocess.run(
        [PYTHON, "-c", script, urls],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env=env
        | {
            "DJANGO_SETTINGS_MODULE": "tracker.settings",
            "PUBLIC_PAGE_CACHE_SECONDS": "0",
            "DJANGO_ALLOWED_HOSTS": "testserver",
        },
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = int(Path("/proc/meminfo").read_text().split()[1]) // 1024 // 1024
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": memory,
        "python": platform.python_version(),
        "os": platform.platform(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", 10)))
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rebuild", action="store_true", help="Regenerate the database.")
    options = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{ROOT / 'bench' / 'bench.sqlite3'}"
    engine = "postgresql" if database_url.startswith("postgres") else "sqlite"
    env = os.environ | {
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "0",
        "CACHE_DIR": str(ROOT / "bench" / ".cache"),
    }
    cache_backend = "redis" if env.get("REDIS_URL") else "files"  # as `make serve`

    if engine == "sqlite" and options.rebuild:
        Path(database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    started = time.perf_counter()
    if not has_agencies(env):
        manage(env, "generate_scale_data")
    build_seconds = time.perf_counter() - started
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")

    counts = queries_per_request(env)
    load = load_wrk if shutil.which("wrk") else load_python
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    static = next((ROOT / "staticfiles" / "css").glob("site.*.css")).name
    floor_url = f"{base}/static/css/{static}"

    rows = []
    for cache_seconds in ("0", "300"):
        with Server(env | {"PUBLIC_PAGE_CACHE_SECONDS": cache_seconds}, port) as server:
            floor = load(floor_url, options.seconds, options.connections)
            rows.append(
                row(
                    "floor: static file",
                    "/static/css/…",
                    "floor",
                    cache_seconds,
                    floor,
                    floor,
                    None,
                )
            )
            for name, path, kind in PAGES:
                warm(base + path, server.worker_count, streaming=kind == "csv")
                before = {pid: peak_rss_mb(pid) for pid in server.worker_pids()}
                # A full CSV takes seconds: 16 at once on five workers would not finish within
                # the window. Two downloads at a time measure its speed and its memory.
                if kind == "csv":
                    result = load(base + path, max(options.seconds, 10), CSV_CONNECTIONS)
                else:
                    result = load(base + path, options.seconds, options.connections)
                growth = max(peak_rss_mb(pid) - before[pid] for pid in before)
                rows.append(
                    row(
                        name,
                        path,
                        kind,
                        cache_seconds,
                        result,
                        floor,
                        counts[path],
                        growth if kind == "csv" else None,
                    )
                )

    report = {
        "engine": engine,
        "cache": cache_backend,
        "machine": machine(),
        "tool": load.__name__.removeprefix("load_"),
        "seconds_per_page": options.seconds,
        "connections": options.connections,
        "build_seconds": round(build_seconds, 1),
        "rows": rows,
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{engine}{'-redis' if cache_backend == 'redis' else ''}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print_table(report)
    print(f"\nWritten to {path.relative_to(ROOT)}")


def has_agencies(env: dict) -> bool:
    output = subprocess.run(
        [
            PYTHON,
            "manage.py",
            "shell",
            "-c",
            "from agencies.models import Agency; "
            "print(Agency.objects.filter(synthetic=True).exists())",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return output.strip().endswith("True")


def row(name, path, kind, cache_seconds, result, floor, queries, growth=None) -> dict:
    return {
        "page": name,
        "path": path,
        "kind": kind,
        "cached": cache_seconds != "0",
        "rps": round(result["rps"], 1),
        "p50_ms": round(result["p50"], 1),
        "p95_ms": round(result["p95"], 1),
        "p99_ms": round(result["p99"], 1),
        "errors": result["errors"] + result.get("non_2xx", 0),
        "queries": queries,
        "ratio_to_floor": round(result["rps"] / floor["rps"], 3),
        "csv_peak_worker_growth_mb": None if growth is None else round(growth, 1),
    }


def print_table(report: dict) -> None:
    m = report["machine"]
    print(
        f"\n{report['engine']} · {m['cpu']} · {m['cores']} cores · {m['memory_gib']} GiB · "
        f"{report['tool']}, {report['connections']} connections, "
        f"{report['seconds_per_page']} s a page · data built in {report['build_seconds']} s"
    )
    header = (
        f"{'page':32} {'cache':5} {'req/s':>8} {'p50':>7} {'p95':>7} {'p99':>7} "
        f"{'queries':>7} {'× floor':>8} {'errors':>6}"
    )
    print(header)
    print("-" * len(header))
    for r in report["rows"]:
        queries = "" if r["queries"] is None else r["queries"]
        note = (
            f"  peak worker +{r['csv_peak_worker_growth_mb']} MB"
            if r["csv_peak_worker_growth_mb"] is not None
            else ""
        )
        print(
            f"{r['page']:32} {'on' if r['cached'] else 'off':5} {r['rps']:8.1f} {r['p50_ms']:7.1f} "
            f"{r['p95_ms']:7.1f} {r['p99_ms']:7.1f} {queries:>7} "
            f"{r['ratio_to_floor']:8.3f} {r['errors']:6}{note}"
        )


if __name__ == "__main__":
    main()
