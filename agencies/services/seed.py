"""Loading the seed data (fixtures/) into an empty database."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from .. import stored_public_rule
from ..choices import AgencyStatus
from ..invalidation import record_changed
from ..models import PUBLISHABLE_MODELS, RECORD_MODELS, Agency
from .statuses import derive_everything

SEED_FIXTURES = (
    "sources",
    "vendors",
    "agencies",
    "authorities",
    "people",
    "uses",
    "incidents",
    "actions",
    "statements",
    "steps",
    "citations",
)


def seed_fixture_paths() -> list[Path]:
    fixtures_dir = Path(settings.FIXTURE_DIRS[0])
    return [fixtures_dir / f"{name}.json" for name in SEED_FIXTURES]


@transaction.atomic
def load_seed_data(*, force: bool = False) -> bool:
    """Load the seed fixtures into an empty database, then derive statuses.

    Returns False, loading nothing, when the database already holds agencies (unless `force`),
    so running it again never duplicates or overwrites an editor's work.
    """
    if Agency.objects.exists() and not force:
        return False
    call_command("loaddata", *[str(path) for path in seed_fixture_paths()], verbosity=0)
    stored_public_rule.store_all()  # the fixtures carry no stored flags
    loaded_at = timezone.now()
    # Each record begins here, as its history does: not at the fixtures' own stamps.
    for model in PUBLISHABLE_MODELS:
        model.objects.published().filter(published_at=None).update(published_at=loaded_at)
    for model in RECORD_MODELS:
        if hasattr(model, "updated_at"):
            model.objects.update(created_at=loaded_at, updated_at=loaded_at)
    Agency.objects.update(changed_at=loaded_at)
    # Every status starts from "no known use", so its first derivation is kept as a change.
    Agency.objects.update(status=AgencyStatus.NO_KNOWN_USE, status_summary="")
    derive_everything(recorded_at=loaded_at)
    # Fixtures load without signals, so each record's history starts here, as its first version.
    for model in RECORD_MODELS:
        model.history.bulk_history_create(
            list(model.objects.all()), default_change_reason="Seed data", default_date=loaded_at
        )
    record_changed()  # statuses and history rows were written in bulk, which sends no signal
    return True
