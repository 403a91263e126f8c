"""What follows an editor's write in admin or an import: the statuses it touched, before and
after, are derived again. Admin notes the agencies a record touched before the write (from
the stored row) and passes them here after it."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from .statuses import agencies_touched_by, refresh_statuses


@transaction.atomic
def record_edited(*, records: Iterable, touched_before: set[int]) -> int:
    """After records were saved (or deleted: pass none), derive again the status of every
    agency they touched before or touch now; returns how many agencies."""
    touched = set(touched_before)
    for record in records:
        touched |= agencies_touched_by(record)
    return refresh_statuses(agency_ids=touched)
