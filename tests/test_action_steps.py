"""The life cycle of a regulatory action: dated, cited steps, a state that follows the latest
step, a passed deadline shown as such, and the agency's status naming the latest step."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from agencies.choices import StepKind
from agencies.models import ActionStep, RegulatoryAction

from . import factories as f
from .forms import form_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stored_rule_kept")]

D = datetime.date


@pytest.mark.parametrize("kind", StepKind.values)
def test_each_step_is_recorded_and_shown(client, kind):
    action = f.make_action(title="Investigation of the example service")
    extra = {"finding": "Privacy Act contravened"} if kind == StepKind.FINDING else {}
    if kind in (StepKind.RECOMMENDATION, StepKind.ORDER):
        extra = {"deadline_on": D(2022, 6, 10)}
    step = f.make_step(action=action, kind=kind, occurred_on=D(2021, 6, 10), **extra)
    page = client.get(action.get_absolute_url()).content.decode()
    assert f'id="step-{step.pk}"' in page and StepKind(kind).label in page
    assert "10 Jun 2021" in page
    api = client.get(f"/api/v1/actions/{action.slug}").json()
    assert [s["kind"] for s in api["steps"]] == [kind]
    assert api["steps"][0]["citations"], "each step carries its citations"


def state_of(action) -> tuple[str, object]:
    action.refresh_from_db()
    return action.state, action.closed


def test_the_state_follows_the_latest_step():
    action = f.make_action(state="open")
    f.make_step(action=action, kind="opened", occurred_on=D(2020, 2, 21))
    assert state_of(action) == ("open", None)
    closing = f.make_step(action=action, kind="closed", occurred_on=D(2021, 2, 2))
    state, closed = state_of(action)
    assert state == "closed" and closed.value == D(2021, 2, 2)
    f.make_step(action=action, kind="appeal", occurred_on=D(2021, 3, 1))
    assert state_of(action) == ("open", None)
    f.deleted(ActionStep.objects.get(kind="appeal"))
    assert state_of(action)[0] == "closed"
    closing.publication = "draft"  # a step not public does not count
    f.edited(closing)
    assert state_of(action) == ("open", None)


def test_a_passed_deadline_without_compliance_shows(client):
    action = f.make_action()
    today = timezone.localdate()
    f.make_step(
        action=action, kind="order", occurred_on=D(2021, 12, 14), deadline_on=D(2022, 1, 25)
    )
    f.make_step(
        action=action,
        kind="recommendation",
        occurred_on=D(2021, 12, 14),
        deadline_on=today + datetime.timedelta(days=30),
    )
    page = client.get(action.get_absolute_url()).content.decode()
    assert page.count("passed, with no compliance reported") == 1
    f.make_step(action=action, kind="compliance", occurred_on=D(2022, 1, 20))
    page = client.get(action.get_absolute_url()).content.decode()
    assert "passed, with no compliance reported" not in page
    api = client.get(f"/api/v1/actions/{action.slug}").json()
    assert [s["deadline_passed"] for s in api["steps"]] == [False, False, False]


def test_the_agencys_status_names_the_latest_step():
    agency = f.make_agency()
    f.make_use(agency=agency, status="ended", ended_on=D(2020, 7, 6))
    action = f.make_action(kind="investigation")
    action.agencies.add(agency)
    f.edited(action)
    agency.refresh_from_db()
    assert agency.status_summary.endswith("under investigation")
    f.make_step(action=action, kind="opened", occurred_on=D(2020, 2, 28))
    f.make_step(
        action=action, kind="finding", occurred_on=D(2021, 6, 10), finding="Privacy Act contravened"
    )
    agency.refresh_from_db()
    assert agency.status_summary.endswith("Privacy Act contravened, found 10 Jun 2021")


def test_a_steps_fields_are_checked():
    action = f.make_action()
    with pytest.raises(ValidationError, match="Only a finding says what was found"):
        ActionStep(action=action, kind="order", occurred_on=D(2021, 1, 1), finding="x").full_clean()
    with pytest.raises(ValidationError, match="Only a recommendation or an order"):
        ActionStep(
            action=action, kind="finding", occurred_on=D(2021, 1, 1), deadline_on=D(2022, 1, 1)
        ).full_clean()
    with pytest.raises(ValidationError, match="Give the date of the step"):
        ActionStep(action=action, kind="opened").full_clean()


def test_an_action_without_steps_keeps_its_typed_state():
    action = f.make_action(state="closed", closed_on=D(2020, 3, 1))
    f.edited(action)
    assert RegulatoryAction.objects.get(pk=action.pk).state == "closed"


def test_a_publisher_records_a_step_in_admin_and_the_action_follows(admin_client):
    action = f.make_action(state="open")
    source = f.make_source()
    url = reverse("admin:agencies_actionstep_add")
    data = form_data(admin_client.get(url).content.decode(), "actionstep_form") | {
        "action": str(action.pk),
        "kind": "closed",
        "occurred_on": "Feb 2021",
        "publication": "published",
        "citations-TOTAL_FORMS": "1",
        "citations-0-source": str(source.pk),
        "citations-0-quote": "The investigation is closed.",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    action.refresh_from_db()
    assert action.state == "closed" and str(action.closed) == "Feb 2021"
    page = admin_client.get(reverse("admin:agencies_regulatoryaction_change", args=[action.pk]))
    # Its state now follows its steps: shown, not typed.
    assert 'name="state"' not in page.content.decode()


def test_a_step_without_a_published_source_cannot_be_published(admin_client):
    action = f.make_action()
    url = reverse("admin:agencies_actionstep_add")
    data = form_data(admin_client.get(url).content.decode(), "actionstep_form") | {
        "action": str(action.pk),
        "kind": "finding",
        "finding": "Contravened",
        "occurred_on": "2021",
        "publication": "published",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "citation of a published source" in response.content.decode()
    assert not ActionStep.objects.exists()


def test_the_lists_show_an_actions_progress_as_each_write_leaves_it(client):
    """An action's latest step and its newest source's date are derived when they are written
    and stored: the action list, the authority's page and the API follow each write."""
    authority = f.make_authority()
    action = f.make_action(title="Inquiry into the example service")
    action.participants.create(authority=authority, role="lead")

    def shown() -> tuple[str, str, dict]:
        listed = client.get("/actions/").content.decode().split(action.title)[1]
        part = client.get(authority.get_absolute_url()).content.decode().split(action.title)[1]
        api = client.get(f"/api/v1/actions/{action.slug}").json()
        return (
            listed.split("</li>")[0],
            part.split("</li>")[0],
            {k: api[k] for k in ("last_reported", "latest_step", "latest_step_on")},
        )

    listed, part, api = shown()  # its one source is of 26 Feb 2020
    assert 'Open as of <time datetime="2020-02-26">' in listed and "Open as of" in part
    assert api == {"last_reported": "2020-02-26", "latest_step": None, "latest_step_on": None}

    newer = f.make_source(published_on=D(2021, 5, 1))
    citation = f.edited(f.make_citation(action=action, source=newer, quote="", claim="Said."))
    assert shown()[2]["last_reported"] == "2021-05-01"
    newer.published_on = D(2021, 7, 1)
    f.edited(newer)
    assert shown()[2]["last_reported"] == "2021-07-01"
    f.deleted(citation)
    assert shown()[2]["last_reported"] == "2020-02-26"

    step = f.make_step(
        action=action, kind="finding", occurred_on=D(2021, 6, 10), finding="Act contravened"
    )
    listed, part, api = shown()
    phrase = 'Open; latest step: finding (Act contravened), <time datetime="2021-06-10">'
    assert phrase in listed and phrase in part
    assert api | {"last_reported": None} == {
        "last_reported": None,
        "latest_step": "finding",
        "latest_step_on": "2021-06-10",
    }
    step.publication = "draft"  # a step not public is not shown, nor known by
    f.edited(step)
    listed, part, api = shown()
    assert "latest step" not in listed and api["latest_step"] is None


def test_an_actions_progress_is_settled_once_the_write_commits(
    django_capture_on_commit_callbacks,
):
    """On PostgreSQL a concurrent write may make a step not public after this write read it
    public: the stored public rule is written again once the write commits, and so are the
    state and progress of the actions the write touched."""
    from agencies import stored_public_rule
    from agencies.models import Source

    action = f.make_action()
    with django_capture_on_commit_callbacks() as callbacks:
        step = f.make_step(action=action, kind="finding", occurred_on=D(2021, 6, 10))
    assert RegulatoryAction.objects.get(pk=action.pk).latest_step_kind == "finding"
    # The other write: the step's only source withdrawn, committed before this one.
    Source.objects.filter(citations__step=step).update(publication="draft")
    for callback in callbacks:
        callback()
    assert not ActionStep.objects.get(pk=step.pk).is_public
    assert RegulatoryAction.objects.get(pk=action.pk).latest_step_kind == ""
    stored_public_rule.store_all()  # the source's own flags, which that write would keep
