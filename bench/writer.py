"""An edit a second, as an editor makes it, until stopped: for `make bench`'s run with the page
cache on and a write every second (bench/run.py starts it; the environment names the database
and the cache).

Each edit saves one synthetic agency's summary through the ORM and then does what admin does
after a save (agencies.services.edits.record_edited): the save's signal moves the page cache
and the stored figures to a new generation, so every cached page is rendered again on its next
request. It prints "ready", then a line for each edit; on SIGTERM it puts the summary back."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import transaction

    from agencies.models import Agency
    from agencies.services.edits import record_edited
    from agencies.services.statuses import touched_by

    # An ordinary agency, not one of the benchmarked pages: every page is invalidated alike.
    agency = Agency.objects.filter(synthetic=True).order_by("-slug").first()
    original = agency.summary

    def stop(*_) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    print("ready", flush=True)
    started, edits = time.monotonic(), 0
    try:
        while True:
            with transaction.atomic():
                before = touched_by(Agency.objects.get(pk=agency.pk))
                agency.summary = f"{original} (Benchmark edit {edits + 1}.)"
                agency.save()
                record_edited(records=[agency], touched_before=before)
            edits += 1
            print(edits, flush=True)
            time.sleep(max(0.0, started + edits - time.monotonic()))
    finally:
        agency.summary = original
        agency.save()


if __name__ == "__main__":
    main()
