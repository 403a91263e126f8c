"""An edit a second, as an editor makes it, until stopped: for `make bench`'s run with the page
cache on and a write every second (bench/run.py starts it; the environment names the database
and the cache).

Each edit saves one synthetic agency's summary through the ORM and then does what admin does
after a save (agencies.services.edits.record_edited): the save's signal moves the page cache
and the stored figures to a new generation, so every cached page is rendered again on its next
request. It prints "ready", then a line for each edit; on SIGTERM it puts the summary back.

    DATABASE_URL=… .venv/bin/python bench/writer.py --time 7   # what one edit costs, median

With --time N it makes N edits one after the other instead, and prints the median time and the
queries of one, then puts the summary back."""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time", type=int, metavar="N", help="Time N edits, then stop.")
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from agencies.models import Agency
    from agencies.services.edits import record_edited
    from agencies.services.statuses import touched_by

    # An ordinary agency, not one of the benchmarked pages: every page is invalidated alike.
    agency = Agency.objects.filter(synthetic=True).order_by("-slug").first()
    original = agency.summary

    def edit(n: int) -> None:
        """What an editor's save in admin does: the save, then the statuses it touched."""
        with transaction.atomic():
            before = touched_by(Agency.objects.get(pk=agency.pk))
            agency.summary = f"{original} (Benchmark edit {n}.)"
            agency.save()
            record_edited(records=[agency], touched_before=before)

    def stop(*_) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    try:
        if options.time:
            timed = []
            for n in range(1, options.time + 1):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    edit(n)
                    timed.append(time.perf_counter() - started)
            print(
                f"{connection.vendor}: one edit {statistics.median(timed) * 1000:.0f} ms "
                f"(median of {options.time}), {len(queries)} queries"
            )
            return
        print("ready", flush=True)
        started, edits = time.monotonic(), 0
        while True:
            edit(edits + 1)
            edits += 1
            print(edits, flush=True)
            time.sleep(max(0.0, started + edits - time.monotonic()))
    finally:
        agency.summary = original
        agency.save()


if __name__ == "__main__":
    main()
