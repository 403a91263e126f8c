"""The admin import timed end to end: a generated spreadsheet posted to the real admin views
with the test client, its preview, then (with --confirm) its confirmed import. Prints seconds.

Runs in a throwaway test database on whichever engine DATABASE_URL names (SQLite by default, in
a file under /tmp so that writes touch a disk as in production), loaded with the seed data.

    .venv/bin/python bench/imports.py                            # 3,000 new agencies, SQLite
    .venv/bin/python bench/imports.py --confirm --repeat 3       # preview, confirm, update
    .venv/bin/python bench/imports.py --kind uses --confirm
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_imports \
        .venv/bin/python bench/imports.py
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "bench-agency-"


def agency_rows(count: int, *, summary: str) -> list[dict]:
    """New agencies in Ontario; one in ten names a seeded agency as its parent (a slug look-up)."""
    return [
        {
            "slug": f"{PREFIX}{i:05d}",
            "name": f"Bench Agency {i:05d}",
            "short_name": f"BA{i}",
            "kind": "municipal_police" if i % 2 else "regional_police",
            "country": "CA",
            "subdivision": "CA-ON",
            "locality": f"Town {i}",
            "parent": "ontario-provincial-police" if i % 10 == 0 else "",
            "website": f"https://agency-{i}.example.org/",
            "summary": f"{summary} {i}.",
        }
        for i in range(count)
    ]


def use_rows(count: int, *, summary: str) -> list[dict]:
    """New uses, each of one bench agency (they must exist: the agencies are imported first)."""
    return [
        {
            "agency": f"{PREFIX}{i:05d}",
            "product": "clearview-ai-image-search",
            "status": "reported",
            "authorisation": "unknown",
            "started_on": "2020-01-15",
            "started_on_precision": "month",
            "summary": f"{summary} {i}.",
        }
        for i in range(count)
    ]


def as_csv(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", choices=["agencies", "uses"], default="agencies")
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=1, help="Timed rounds.")
    parser.add_argument(
        "--confirm",
        action="store_true",
        help="Confirm each preview too, then preview and confirm an update of every row.",
    )
    parser.add_argument(
        "--profile", help="Write a cProfile of the first preview to this file (and .changed)."
    )
    options = parser.parse_args()

    os.environ |= {
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "PUBLIC_PAGE_CACHE_SECONDS": "0",
    }
    os.environ.setdefault("IMPORT_MAX_ROWS", str(max(options.rows, 5000)))
    sys.path[:0] = [str(ROOT)]
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.STORAGES["staticfiles"]["BACKEND"] = (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    with tempfile.TemporaryDirectory() as folder:
        # A database of its own, apart from the tests' (test_<name>): both may run at once.
        test = connection.settings_dict["TEST"]
        if connection.vendor == "sqlite":
            test["NAME"] = str(Path(folder) / "bench.sqlite3")
        else:
            test["NAME"] = f"bench_{connection.settings_dict['NAME']}"
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            run(options)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)


def run(options) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from agencies.models import Agency
    from agencies.services.seed import load_seed_data

    load_seed_data()
    admin = get_user_model().objects.create_superuser("bench", "bench@example.org", "bench")
    client = Client()
    client.force_login(admin)
    model = "agency" if options.kind == "agencies" else "use"
    rows = agency_rows if options.kind == "agencies" else use_rows
    if options.kind == "uses":  # the agencies the uses belong to, imported once, untimed
        confirm(client, "agency", preview(client, "agency", as_csv(agency_rows(options.rows))))

    timings: dict[str, list[float]] = defaultdict(list)

    def timed(step: str, call, *args):
        # CPU time of this process beside the wall time: the machine may be shared.
        start, cpu = time.perf_counter(), time.process_time()
        response = call(*args)
        timings[step].append(time.perf_counter() - start)
        cpu = time.process_time() - cpu
        print(f"{step:<32} {timings[step][-1]:7.2f} s ({cpu:.2f} s CPU here)", flush=True)
        return response

    # The first request imports the URL configuration (the API's among it): not timed.
    client.get(f"/admin/agencies/{model}/import/")
    print(f"{options.rows} {options.kind} rows, {connection.vendor}")
    for round_ in range(options.repeat):
        new = as_csv(rows(options.rows, summary="Imported"))
        if options.profile and round_ == 0:
            profile(options.profile, preview, client, model, new)
        page = timed("preview, new rows", preview, client, model, new)
        if not options.confirm:
            continue
        timed("confirm, new rows", confirm, client, model, page)
        changed = as_csv(rows(options.rows, summary="Updated"))
        if options.kind == "agencies":
            if options.profile and round_ == 0:
                profile(f"{options.profile}.changed", preview, client, model, changed)
            page = timed("preview, every row changed", preview, client, model, changed)
            timed("confirm, every row changed", confirm, client, model, page)
            Agency.objects.filter(slug__startswith=PREFIX).delete()
        else:
            Agency.objects.get(slug=f"{PREFIX}00000").uses.model.objects.filter(
                agency__slug__startswith=PREFIX
            ).delete()
    print()
    for step, seconds in timings.items():
        print(
            f"{step:<32} median {statistics.median(seconds):6.2f} s, "
            f"best {min(seconds):6.2f} s ({len(seconds)} runs)"
        )


def preview(client, model: str, content: bytes) -> str:
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        f"/admin/agencies/{model}/import/",
        {"import_file": SimpleUploadedFile("bench.csv", content), "format": "0", "resource": "0"},
    )
    page = response.content.decode()
    if response.status_code != 200 or "Confirm import" not in page:
        errors = re.findall(r'class="errorlist[^>]*>(.*?)</ul>', page, re.S)[:3]
        raise SystemExit(f"The preview refused the import: {errors or response.status_code}")
    return page


def confirm(client, model: str, page: str) -> None:
    form = page[page.index('action="/admin/agencies/') :].split("</form>")[0]
    fields = dict(re.findall(r'name="(\w+)"[^>]*value="([^"]*)"', form))
    response = client.post(f"/admin/agencies/{model}/process_import/", fields)
    if response.status_code != 302:
        raise SystemExit(f"The confirmed import failed: {response.status_code}")


def profile(path: str, call, *args) -> None:
    """An untimed run of the call, profiled."""
    import cProfile

    profiler = cProfile.Profile()
    profiler.runcall(call, *args)
    profiler.dump_stats(path)
    print(f"profile written to {path} (python -m pstats {path})")


if __name__ == "__main__":
    main()
