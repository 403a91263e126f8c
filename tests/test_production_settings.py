"""The documented production switch, DJANGO_HTTPS=1, tried in a fresh process the way a server
reads it: settings are read once, from the environment, when Django starts."""

import json

import pytest

from tests.django_process import run_django

# The environment the README documents for a server behind a TLS-terminating proxy.
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_HTTPS": "1",
    "DJANGO_ALLOWED_HOSTS": "tracker.example.org",
}

# Asks the site over plain HTTP and over HTTPS as the proxy reports it, touching no database.
PROBE = """
import json, django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
from django.conf import settings
plain = Client(HTTP_HOST="tracker.example.org").get("/agencies/")
secure = Client(HTTP_HOST="tracker.example.org", HTTP_X_FORWARDED_PROTO="https").get("/healthz")
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location")],
    "secure_hsts": secure.get("Strict-Transport-Security"),
    "probe_plain": Client(HTTP_HOST="tracker.example.org").get("/healthz").status_code,
    "cookies_secure": [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE],
}))
"""


@pytest.mark.parametrize("https", [True, False], ids=["production", "no-switch"])
def test_the_deployment_checklist_passes_only_under_the_production_switch(https):
    environment = PRODUCTION if https else {**PRODUCTION, "DJANGO_HTTPS": "0"}
    result = run_django(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], environment)
    if https:
        assert result.returncode == 0, result.stderr
        assert "no issues" in result.stdout
    else:
        assert result.returncode != 0
        for warning in ["W004", "W008", "W012", "W016"]:
            assert warning in result.stderr


def test_the_production_switch_redirects_to_https_and_asks_browsers_to_stay():
    result = run_django(["-c", PROBE], PRODUCTION)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["plain"] == [301, "https://tracker.example.org/agencies/"]
    assert seen["secure_hsts"] == "max-age=63072000; includeSubDomains; preload"
    # A load balancer's probe over plain HTTP is answered, not redirected.
    assert seen["probe_plain"] == 200
    assert seen["cookies_secure"] == [True, True]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u@db:5432/tracker", "-c max_parallel_workers_per_gather=0"),
        ("postgres://u@db:5432/tracker?options=-c%20work_mem%3D64MB", "-c work_mem=64MB"),
    ],
)
def test_postgresql_runs_each_query_on_one_core_unless_the_address_says_otherwise(url, expected):
    from tracker.settings import database_from_url

    assert database_from_url(url)["OPTIONS"]["options"] == expected
