"""What follows an editor's write in admin or an import: the statuses it touched, before and
after, are derived again, and the records it is a fact of are marked changed. Admin notes the
agencies a record touched before the write (from the stored row) and passes them here after."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from ..models import ActionAuthority, ActionStep, Citation, Product
from .statuses import Touched, refresh_statuses, touched_by


def owner_of(record):
    """The record whose page shows this one as one of its facts, if another: a citation's
    record, an authority's part in an action, a vendor's product. (An agency's facts move its
    changed_at through the statuses service.)"""
    if isinstance(record, Citation):
        return record.record
    if isinstance(record, ActionAuthority):
        return record.action
    if isinstance(record, Product):
        return record.vendor
    if isinstance(record, ActionStep):
        return record.action
    return None


@transaction.atomic
def record_edited(*, records: Iterable, touched_before: Touched) -> int:
    """After records were saved (or deleted: pass none), derive again the state of every
    action and agency they touched before or touch now, and mark changed the records they are
    facts of; returns how many agencies."""
    touched = touched_before
    now = timezone.now()
    for record in records:
        touched |= touched_by(record)
        owner = owner_of(record)
        if owner is not None and hasattr(owner, "updated_at"):
            type(owner).objects.filter(pk=owner.pk).update(updated_at=now)
    return refresh_statuses(agency_ids=touched.agencies, action_ids=touched.actions)
