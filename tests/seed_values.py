"""The seed's real slugs and numbers, read from fixtures/ without a database, for tests that
draw addresses at collection time (the fuzz tests)."""

from __future__ import annotations

import json

from agencies import views
from agencies.services.seed import seed_fixture_paths


def seed_records() -> dict[str, list[dict]]:
    """The seed's records by model label, read from the fixtures: real slugs and numbers."""
    records: dict[str, list[dict]] = {}
    for path in seed_fixture_paths():
        for record in json.loads(path.read_text()):
            records.setdefault(record["model"], []).append(record)
    return records


SEED = seed_records()


def real_values(route: str, name: str) -> list[str]:
    """The seed's values for a route's parameter: slugs or numbers of the route's kind."""
    kind = route.removeprefix("api/v1/").split("/")[0]
    model = views.HISTORY_MODELS.get(kind)
    if model is None:
        return []
    records = SEED.get(model._meta.label_lower, [])
    if name == "slug":
        return [record["fields"]["slug"] for record in records]
    return [str(record["pk"]) for record in records]
