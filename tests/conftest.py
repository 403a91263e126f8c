import os

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True, scope="session")
def plain_static_files():
    """Serve static files from the source folders: tests don't run collectstatic first."""
    with override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        WHITENOISE_USE_FINDERS=True,
        WHITENOISE_AUTOREFRESH=True,
    ):
        yield


@pytest.fixture(autouse=True, scope="session")
def local_memory_cache():
    """Each test process has its own cache, so parallel runs (xdist, other checkouts) never share
    the project's .cache/ folder or a Redis; tests of the shared caches name theirs."""
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    ):
        yield


@pytest.fixture(autouse=True, scope="session")
def no_page_cache():
    """Each test sees fresh pages and no caching headers; tests/test_page_cache.py and
    tests/test_http_caching.py turn them on where they test them."""
    with override_settings(PUBLIC_PAGE_CACHE_SECONDS=0, PUBLIC_HTTP_MAX_AGE=0):
        yield


DEFERRED_READS: list[str] = []


@pytest.fixture(autouse=True, scope="session")
def deferred_column_reads_refused():
    """A column a query left out (`only()`, `defer()`) and the code then reads is fetched one
    row at a time, a query per record shown: the read raises, and is noted, since a template's
    `{% if %}` takes an exception for false (no_deferred_column_read fails the test on it)."""
    from django.db.models.query_utils import DeferredAttribute

    read = DeferredAttribute.__get__

    def read_or_fail(self, instance, cls=None):
        if (
            instance is not None
            and self.field.attname not in instance.__dict__
            and instance.pk is not None
            and self._check_parent_chain(instance) is None
        ):
            DEFERRED_READS.append(f"{type(instance).__name__}.{self.field.attname}")
            raise AssertionError(
                f"{DEFERRED_READS[-1]} was left out of its query and read afterwards, one "
                "query per record"
            )
        return read(self, instance, cls)

    DeferredAttribute.__get__ = read_or_fail
    yield
    DeferredAttribute.__get__ = read


@pytest.fixture(autouse=True)
def no_deferred_column_read(deferred_column_reads_refused):
    DEFERRED_READS.clear()
    yield
    read, DEFERRED_READS[:] = list(DEFERRED_READS), []
    assert not read, f"columns left out of their query and read afterwards: {read}"


@pytest.fixture
def page_cache_on(settings):
    """The page cache on, from empty."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def seeded(db):
    """The seed data, loaded the way `make run` loads it."""
    from agencies.services.seed import load_seed_data

    assert load_seed_data()


@pytest.fixture(scope="module")
def seeded_module(django_db_setup, django_db_blocker):
    """The seed data, loaded once for a module and rolled back after it, as Django's
    TestCase.setUpTestData does: each test runs inside it, in a savepoint of its own (with `db`).
    For the fuzz tests, which make hundreds of read-only requests."""
    from agencies.services.seed import load_seed_data

    with django_db_blocker.unblock(), transaction.atomic():
        load_seed_data()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def stored_rule_kept(db):
    """After the test, every stored flag of the public rule (a record's published_and_sourced
    and is_public, a citation's is_public) is what the rule gives, and every action's state
    and progress what its steps and sources give: no write the test made (in admin, an
    import, a service) left one behind."""
    from agencies import stored_public_rule
    from agencies.models import RegulatoryAction
    from agencies.services.actions import store_action_states

    yield
    assert stored_public_rule.store_all() == 0, "a write left a stored public flag stale"
    assert store_action_states(RegulatoryAction.objects.values("pk")) == 0, (
        "a write left an action's state or progress stale"
    )
