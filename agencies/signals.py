"""Signals only keep what is derived from the record: the cached pages and stored figures, which
any save, delete or relation change makes out of date, and the public rule as each row
stores it (agencies/stored_public_rule.py), written in the same transaction. Whether from
admin, a service, a command, a fixture or a shell. Domain rules (statuses, publishing) are
services (agencies/services/), called where the write is made.

Every receiver is connected here, with an explicit sender."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from . import stored_public_rule
from .invalidation import record_changed
from .models import PUBLISHABLE_MODELS, RECORD_MODELS, Citation, Incident, RegulatoryAction

# Their history tables are written with them and need no receiver.
RELATIONS = (
    Incident.agencies.through,
    Incident.vendors.through,
    RegulatoryAction.agencies.through,
    RegulatoryAction.vendors.through,
)


def record_written(sender, **kwargs) -> None:
    record_changed()


def keeping_the_rule(action):
    """A receiver that hands the instance to stored_public_rule's `action`. A fixture's rows
    (raw) are saved as they are, flags included, and may name rows not loaded yet: the loader
    stores the rule once they are all in (services.seed)."""

    def receiver(sender, instance, raw=False, **kwargs) -> None:
        if not raw:
            action(instance)

    return receiver


publishable_saving = keeping_the_rule(stored_public_rule.record_saving)
publishable_saved = keeping_the_rule(stored_public_rule.record_saved)
publishable_deleting = keeping_the_rule(stored_public_rule.record_deleting)
publishable_deleted = keeping_the_rule(stored_public_rule.record_deleted)
citation_saving = keeping_the_rule(stored_public_rule.citation_saving)
citation_written = keeping_the_rule(stored_public_rule.citation_written)


def connect() -> None:
    """Called once, from the app's ready()."""
    for model in PUBLISHABLE_MODELS:
        name = model.__name__
        pre_save.connect(publishable_saving, sender=model, dispatch_uid=f"rule:{name}-before")
        post_save.connect(publishable_saved, sender=model, dispatch_uid=f"rule:{name}")
    for model in stored_public_rule.emptied_on_delete():
        name = model.__name__
        pre_delete.connect(publishable_deleting, sender=model, dispatch_uid=f"rule:{name}-before")
        post_delete.connect(publishable_deleted, sender=model, dispatch_uid=f"rule:{name}-deleted")
    pre_save.connect(citation_saving, sender=Citation, dispatch_uid="rule:citation-before")
    post_save.connect(citation_written, sender=Citation, dispatch_uid="rule:citation-saved")
    post_delete.connect(citation_written, sender=Citation, dispatch_uid="rule:citation-deleted")
    for model in RECORD_MODELS:
        post_save.connect(record_written, sender=model, dispatch_uid=f"saved:{model.__name__}")
        post_delete.connect(record_written, sender=model, dispatch_uid=f"deleted:{model.__name__}")
    for through in RELATIONS:
        m2m_changed.connect(record_written, sender=through, dispatch_uid=f"m2m:{through.__name__}")
