"""Reads from a replica of the database, when DATABASE_REPLICA_URL names one (settings.py).

A replica replays the primary's writes a moment later, so a read from it may miss the latest
write. Only an anonymous visitor's GET or HEAD outside admin reads from it: nothing they see
depends on a write of their own. Everything else reads the primary ("default"): an editor (any
request with a session, anything under /admin/), a request with another method, a request once
it has written, a read inside a transaction, and anything outside a request (commands, the
shell, tests). Every write goes to the primary; migrations run only there.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"

# Set per request by ReplicaReadsMiddleware; off by default, so code outside a request never
# reads a lagging copy.
replica_reads = ContextVar("replica_reads", default=False)


def reads_from_replica(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path.startswith("/admin/")
    )


class ReplicaReadsMiddleware:
    """Decides, before the session or anything else is read, where this request reads."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = replica_reads.set(reads_from_replica(request))
        try:
            return self.get_response(request)
        finally:
            replica_reads.reset(token)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        # A transaction reads what it is about to write (select_for_update, a check before a
        # save), and the replica does not hold its uncommitted rows.
        if replica_reads.get() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        # Read your writes: the rest of this request must not read a replica that lacks them.
        replica_reads.set(False)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the same rows, a moment apart

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS  # the replica copies the primary's schema with its rows
