"""Signals only invalidate caches. Any save, delete or relation change of a record, from admin,
a service, a command or a shell, makes the cached pages and stored figures out of date. Domain
rules (statuses, publishing) are services (agencies/services/), called where the write is made.

Every receiver is connected here, with an explicit sender."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from .invalidation import record_changed
from .models import RECORD_MODELS, Incident, RegulatoryAction

# Their history tables are written with them and need no receiver.
RELATIONS = (
    Incident.agencies.through,
    Incident.vendors.through,
    RegulatoryAction.agencies.through,
    RegulatoryAction.vendors.through,
)


def record_written(sender, **kwargs) -> None:
    record_changed()


def connect() -> None:
    """Called once, from the app's ready()."""
    for model in RECORD_MODELS:
        post_save.connect(record_written, sender=model, dispatch_uid=f"saved:{model.__name__}")
        post_delete.connect(record_written, sender=model, dispatch_uid=f"deleted:{model.__name__}")
    for through in RELATIONS:
        m2m_changed.connect(record_written, sender=through, dispatch_uid=f"m2m:{through.__name__}")
