"""The API answers as its OpenAPI document says (schemathesis): for every operation, valid and
invalid parameters, never a server error, and each answer's status, content type and body as
declared. The seed's real slugs are offered as the path parameters' examples, so records are
found as well as missed."""

from __future__ import annotations

import copy
import functools

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings, strategies

from agencies.api import api
from tests.seed_values import real_values

EXAMPLES_PER_PARAMETER = 3


def with_seed_examples(document: dict) -> dict:
    """The API's document with the seed's slugs and numbers as its path parameters' examples."""
    document = copy.deepcopy(document)
    for path, operations in document["paths"].items():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] != "path":
                    continue
                values = real_values(path.lstrip("/"), parameter["name"])[:EXAMPLES_PER_PARAMETER]
                parameter["examples"] = {value: {"value": value} for value in values}
    return document


@functools.cache
def site() -> WSGIHandler:
    # Made at the first request, under the test settings (tests/conftest.py), not at import.
    return WSGIHandler()


schema = schemathesis.openapi.from_dict(with_seed_examples(api.get_openapi_schema()))
# No NUL in generated text: the site refuses a NUL anywhere in an address with a 400 before any
# view reads it (tracker/middleware.py; tests/test_fuzz.py holds that), which schemathesis
# would count as a valid request rejected, since a JSON Schema string may hold one.
schema.config.generation.update(allow_x00=False)
# Called in-process through all the site's middleware, as gunicorn calls it.
schema.app = lambda environ, start_response: site()(environ, start_response)


@pytest.fixture
def in_test_transaction(seeded_module, db):
    """A request through the WSGI handler closes the database connection when it starts and
    ends, as a server's would; inside a test's transaction it must not, as in Django's test
    client."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# One test per operation, named by it: schemathesis's own parametrize gives every operation the
# same test id, and pytest-xdist, which schedules by id, then runs only one of them.
OPERATIONS = [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_api_answers_as_its_document_says(operation, in_test_transaction):
    # Generated cases, and now and then one with the seed's values (the documented examples).
    cases = strategies.one_of(operation.as_strategy(), *operation.get_strategies_from_examples())

    @given(case=cases)
    @settings(
        max_examples=20, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def answers_as_documented(case):
        case.call_and_validate()

    answers_as_documented()


@pytest.mark.parametrize("day", ["0", "20240101", "2024-02-30", "2024-01-01T00:00"])
def test_a_date_is_read_as_the_page_reads_it(client, db, day):
    # schemathesis found changed_since=0 taken as a Unix time, 1970-01-01, where the page
    # ignores it: both read YYYY-MM-DD only (agencies/filters.py).
    response = client.get("/api/v1/agencies", {"changed_since": day})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "changed_since"]
