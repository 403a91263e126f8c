"""No lost edit in admin: two editors, one record. A save over a change made since the form was
opened is refused, naming it; a list action or the review queue leaves alone the records saved
since its page was shown (agencies/admin/versions.py)."""

from __future__ import annotations

import re
import threading
import time

import pytest
from django.contrib import admin
from django.db import connection
from django.test import Client
from django.urls import reverse

from agencies.admin import versions
from agencies.admin.base import DerivedAdmin
from agencies.choices import Publication
from agencies.models import Agency, Incident, Use
from agencies.roles import EDITORS, PUBLISHERS

from . import factories as f
from .forms import form_data
from .test_publishing import change_url, make_member

pytestmark = pytest.mark.django_db


def signed_in(django_user_model, username: str, group: str = EDITORS) -> Client:
    client = Client()
    client.force_login(make_member(django_user_model, username, group))
    return client


def opened(client: Client, record) -> dict:
    """The record's change form as the editor's browser holds it once the page is shown."""
    page = client.get(change_url(record)).content.decode()
    return form_data(page, f"{record._meta.model_name}_form")


def shown_at(html: str) -> str:
    return re.search(r'name="shown_at" value="([^"]+)"', html)[1]


@pytest.fixture
def alice(django_user_model) -> Client:
    return signed_in(django_user_model, "alice")


@pytest.fixture
def bob(django_user_model) -> Client:
    return signed_in(django_user_model, "bob")


@pytest.fixture
def pat(django_user_model) -> Client:
    return signed_in(django_user_model, "pat", PUBLISHERS)


def test_every_record_admin_and_inline_row_carries_its_version():
    for model_admin in admin.site._registry.values():
        if isinstance(model_admin, DerivedAdmin) or model_admin.opts.app_label != "agencies":
            continue
        assert isinstance(model_admin, versions.VersionedAdmin), model_admin
        assert issubclass(model_admin.form, versions.VersionedForm), model_admin
        for inline in model_admin.inlines:
            assert issubclass(inline, versions.VersionedInline), inline
            assert issubclass(inline.form, versions.VersionedForm), inline
            assert issubclass(inline.formset, versions.VersionedFormSet), inline


def test_a_save_over_another_editors_change_is_refused_naming_it_then_saved_on_purpose(alice, bob):
    agency = f.make_agency(locality="Leeds", short_name="")
    bobs = opened(bob, agency)  # Bob opens the page first
    assert (
        alice.post(change_url(agency), opened(alice, agency) | {"locality": "York"}).status_code
        == 302
    )
    versions_before = agency.history.count()

    response = bob.post(change_url(agency), bobs | {"short_name": "LP"})
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(
        r"Locality: “Leeds” when you opened it, now “York” "
        r"\(changed by alice, \d+ \w+ \d{4} \d\d:\d\d\)",
        html,
    ), html
    assert "Short name" not in html.split("errorlist nonfield", 1)[1].split("</ul>", 1)[0]
    again = form_data(html, "agency_form")
    assert (again["short_name"], again["locality"]) == ("LP", "Leeds")  # his typing, kept
    agency.refresh_from_db()
    assert (agency.locality, agency.short_name) == ("York", "")  # nothing of his written
    assert agency.history.count() == versions_before

    # The form shown again carries the version stored now: saving again is on purpose.
    assert bob.post(change_url(agency), again | {"locality": "York"}).status_code == 302
    agency.refresh_from_db()
    assert (agency.locality, agency.short_name) == ("York", "LP")


def test_a_status_derived_meanwhile_is_no_conflict_and_is_kept(bob):
    agency = f.make_agency(short_name="")
    bobs = opened(bob, agency)
    f.make_use(agency=agency)  # the status is derived again: no field the form writes
    agency.refresh_from_db()
    derived = (agency.status, agency.changed_at)
    assert bob.post(change_url(agency), bobs | {"short_name": "TPS"}).status_code == 302
    agency.refresh_from_db()
    assert agency.short_name == "TPS"
    assert agency.status == derived[0]


def test_an_inline_row_changed_meanwhile_is_refused(alice, bob):
    use = f.make_use(summary="Trialled in 2019.")
    agency = use.agency
    bobs = opened(bob, agency)  # the use is the agency page's first inline row
    alices = opened(alice, use)
    assert (
        alice.post(change_url(use), alices | {"summary": "Trialled, then bought."}).status_code
        == 302
    )

    response = bob.post(change_url(agency), bobs | {"uses-0-summary": "Trialled in 2019 only."})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Another editor changed this use after you opened it" in html
    assert "Summary: “Trialled in 2019.” when you opened it, now “Trialled, then bought.”" in html
    assert "Trialled in 2019 only." in html
    use.refresh_from_db()
    assert use.summary == "Trialled, then bought."


def test_a_row_added_meanwhile_is_kept(bob):
    agency = f.make_agency(short_name="")
    f.make_use(agency=agency)
    bobs = opened(bob, agency)
    added = f.make_use(agency=agency)
    response = bob.post(change_url(agency), bobs | {"short_name": "X"}, follow=True)
    assert f"Another editor added use “{added}” after you opened the page" in (
        response.content.decode()
    )
    assert Use.objects.filter(pk=added.pk).exists()
    agency.refresh_from_db()
    assert agency.short_name == "X"


REFUSED_GONE = "Another editor deleted a use shown here, or moved it to another record"


@pytest.mark.parametrize("rows_left", [0, 1], ids=["the only row", "one row of two"])
def test_a_row_deleted_meanwhile_is_refused_above_the_rows(bob, rows_left):
    # Admin draws a row only while its record exists: the refusal must not ride on a row
    # that is no longer drawn, whichever order the rows come back in.
    agency = f.make_agency(short_name="")
    gone, *kept = [f.make_use(agency=agency) for _ in range(1 + rows_left)]
    bobs = opened(bob, agency)
    f.deleted(gone)
    response = bob.post(change_url(agency), bobs | {"short_name": "Y"})
    assert response.status_code == 200
    html = response.content.decode()
    assert REFUSED_GONE in html
    uses = next(s for s in response.context["inline_admin_formsets"] if s.formset.prefix == "uses")
    assert any(REFUSED_GONE in error for error in uses.formset.non_form_errors())
    agency.refresh_from_db()
    assert agency.short_name == ""
    assert list(Use.objects.filter(agency=agency)) == kept


def list_shown_at(client: Client, model) -> str:
    page = client.get(reverse(f"admin:agencies_{model._meta.model_name}_changelist"))
    return shown_at(page.content.decode())


def test_a_list_action_leaves_alone_a_record_saved_since_the_list_was_shown(alice, pat):
    changed, unchanged = (f.make_agency(publication=Publication.DRAFT) for _ in range(2))
    shown = list_shown_at(pat, Agency)
    assert (
        alice.post(change_url(changed), opened(alice, changed) | {"locality": "York"}).status_code
        == 302
    )

    response = pat.post(
        reverse("admin:agencies_agency_changelist"),
        {
            "action": "publish_selected",
            "_selected_action": [changed.pk, unchanged.pk],
            "shown_at": shown,
        },
        follow=True,
    )
    html = response.content.decode()
    assert (
        "Not published, changed since this page was shown (look at them again first): "
        f"agency “{changed}” (by alice, " in html
    )
    changed.refresh_from_db()
    unchanged.refresh_from_db()
    assert (changed.publication, unchanged.publication) == (
        Publication.DRAFT,
        Publication.PUBLISHED,
    )


def test_delete_selected_confirms_then_leaves_alone_a_record_saved_since(alice, pat):
    changed, unchanged = (
        f.make_incident(sourced=False, publication=Publication.DRAFT) for _ in range(2)
    )
    changelist = reverse("admin:agencies_incident_changelist")
    chosen = {"action": "delete_selected", "_selected_action": [changed.pk, unchanged.pk]}
    confirmation = pat.post(changelist, chosen | {"shown_at": list_shown_at(pat, Incident)})
    shown = shown_at(confirmation.content.decode())  # the confirmation's own time
    edit = opened(alice, changed) | {"summary": "More is known."}
    assert alice.post(change_url(changed), edit).status_code == 302

    response = pat.post(changelist, chosen | {"post": "yes", "shown_at": shown}, follow=True)
    assert (
        "Not deleted, changed since this page was shown (look at them again first): "
        f"incident “{changed}”" in (response.content.decode())
    )
    assert list(Incident.objects.filter(pk__in=[changed.pk, unchanged.pk])) == [changed]


def test_the_review_queue_publishes_only_what_was_not_saved_since_it_was_shown(alice, pat):
    changed, unchanged = (f.make_agency(publication=Publication.REVIEW) for _ in range(2))
    shown = shown_at(pat.get("/admin/review/").content.decode())
    alice.post(change_url(changed), opened(alice, changed) | {"locality": "York"})

    keys = [f"agency:{changed.pk}", f"agency:{unchanged.pk}"]
    response = pat.post("/admin/review/", {"publish": keys, "shown_at": shown}, follow=True)
    assert f"agency “{changed}” (by alice, " in response.content.decode()
    changed.refresh_from_db()
    unchanged.refresh_from_db()
    assert (changed.publication, unchanged.publication) == (
        Publication.REVIEW,
        Publication.PUBLISHED,
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers whole")
@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(60)
def test_two_saves_at_the_same_moment_on_postgresql_one_waits_and_is_refused(
    alice, bob, monkeypatch
):
    """Alice's save holds the row lock; Bob's, sent with the same version, waits for it, then
    reads her change and is refused. Every wait is bounded, so the test never hangs."""
    agency = f.make_agency(locality="Leeds", short_name="")
    alices, bobs = opened(alice, agency), opened(bob, agency)
    holding, release = threading.Event(), threading.Event()
    read = versions.stored_values

    def held(record, names):
        values = read(record, names)
        if threading.current_thread().name == "alice" and not holding.is_set():
            holding.set()
            release.wait(timeout=15)  # the lock is held until her save commits
        return values

    monkeypatch.setattr(versions, "stored_values", held)
    responses = {}

    def save(name: str, client: Client, data: dict) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '15s'")
            responses[name] = client.post(change_url(agency), data)
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=save, name="alice", args=("alice", alice, alices | {"locality": "York"})
        ),
        threading.Thread(target=save, name="bob", args=("bob", bob, bobs | {"short_name": "LP"})),
    ]
    threads[0].start()
    assert holding.wait(timeout=15)
    threads[1].start()
    deadline = time.monotonic() + 15
    waiting = 0
    while not waiting and time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"
            )
            waiting = cursor.fetchone()[0]
        time.sleep(0.05)
    release.set()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    assert waiting == 1  # Bob's save waited on Alice's lock
    assert responses["alice"].status_code == 302
    assert responses["bob"].status_code == 200
    assert "Locality: “Leeds” when you opened it, now “York” (changed by alice" in (
        responses["bob"].content.decode()
    )
    agency.refresh_from_db()
    assert (agency.locality, agency.short_name) == ("York", "")
