"""Small builders for test records; each takes overrides as keyword arguments."""

from __future__ import annotations

import datetime
import itertools

from agencies import choices
from agencies.models import (
    CITATION_FIELD_OF,
    ActionStep,
    Agency,
    Authority,
    Citation,
    Incident,
    Person,
    Product,
    RegulatoryAction,
    Source,
    Statement,
    Use,
    Vendor,
)
from agencies.services import edits
from agencies.services.statuses import Touched, touched_by

_numbers = itertools.count(1)

# Records are made published, as the public pages show only those; pass publication="draft".
PUBLISHED = {"publication": choices.Publication.PUBLISHED}


def _n() -> int:
    return next(_numbers)


def _public(record, sourced: bool):
    """A published fact is public only with a citation of a published source: give it one (a
    draft too, so that it can be published), unless the test is about a record without."""
    if sourced and record.needs_source:
        field = CITATION_FIELD_OF[record._meta.model_name]
        make_citation(**{field: record}, quote="", claim="Supports the record.")
    return record


def edited(*records, touched_before: Touched | None = None):
    """Save records as an editor's save in admin does: the statuses they touch follow."""
    for record in records:
        record.save()
    edits.record_edited(records=records, touched_before=touched_before or Touched())
    return records[0] if len(records) == 1 else records


def deleted(record) -> None:
    """Delete a record as admin does: the statuses it touched follow."""
    touched = touched_by(record)
    record.delete()
    edits.record_edited(records=[], touched_before=touched)


def make_agency(*, sourced: bool = True, **fields) -> Agency:
    n = _n()
    values = {
        "name": f"Test Police Service {n}",
        "slug": f"test-police-service-{n}",
        "kind": choices.AgencyKind.MUNICIPAL_POLICE,
        "country": "CA",
        "subdivision": "CA-ON",
    }
    return edited(_public(Agency.objects.create(**(PUBLISHED | values | fields)), sourced))


def make_vendor(*, sourced: bool = True, **fields) -> Vendor:
    n = _n()
    return _public(
        Vendor.objects.create(
            **(PUBLISHED | {"name": f"Vendor {n}", "slug": f"vendor-{n}"} | fields)
        ),
        sourced,
    )


def make_product(*, sourced: bool = True, **fields) -> Product:
    n = _n()
    values = {"name": f"Product {n}", "slug": f"product-{n}"}
    if "vendor" not in fields:
        values["vendor"] = make_vendor()
    return _public(Product.objects.create(**(PUBLISHED | values | fields)), sourced)


def make_use(*, sourced: bool = True, **fields) -> Use:
    values = {"status": choices.UseStatus.CONFIRMED}
    if "agency" not in fields:
        values["agency"] = make_agency()
    if "product" not in fields:
        values["product"] = make_product()
    use = _public(Use.objects.create(**(PUBLISHED | values | fields)), sourced)
    return edited(use)


def make_incident(*, sourced: bool = True, **fields) -> Incident:
    n = _n()
    values = {"title": f"Incident {n}", "slug": f"incident-{n}", "kind": choices.IncidentKind.OTHER}
    return _public(Incident.objects.create(**(PUBLISHED | values | fields)), sourced)


def make_authority(*, sourced: bool = True, **fields) -> Authority:
    n = _n()
    values = {
        "name": f"Commissioner {n}",
        "slug": f"commissioner-{n}",
        "kind": choices.AuthorityKind.PRIVACY_COMMISSIONER,
    }
    return _public(Authority.objects.create(**(PUBLISHED | values | fields)), sourced)


def make_action(*, sourced: bool = True, **fields) -> RegulatoryAction:
    """An action, saved through the edits service, so its progress follows its sources."""
    n = _n()
    values = {
        "title": f"Action {n}",
        "slug": f"action-{n}",
        "kind": choices.ActionKind.INVESTIGATION,
        "state": choices.ActionState.OPEN,
    }
    return edited(
        _public(RegulatoryAction.objects.create(**(PUBLISHED | values | fields)), sourced)
    )


def make_person(*, sourced: bool = True, **fields) -> Person:
    n = _n()
    values = {
        "name": f"Person {n}",
        "slug": f"person-{n}",
        "role": "spokesperson",
        "organisation": "X",
    }
    return _public(Person.objects.create(**(PUBLISHED | values | fields)), sourced)


def make_statement(*, sourced: bool = True, **fields) -> Statement:
    """A statement said on 1 Feb 2020 (override said_on, stance, agency...); saved through the
    edits service, so its contradictions are derived as an editor's save derives them."""
    values = {"stance": choices.Stance.OTHER, "said_on": datetime.date(2020, 2, 1)}
    if not {"speaker", "agency", "vendor", "authority"} & set(fields):
        values["agency"] = make_agency()
    statement = _public(Statement.objects.create(**(PUBLISHED | values | fields)), sourced)
    return edited(statement)


def make_step(*, sourced: bool = True, **fields) -> ActionStep:
    """A step of an action (made if not given), saved through the edits service, so the
    action's state follows it."""
    values = {"kind": choices.StepKind.OPENED, "occurred_on": datetime.date(2020, 2, 21)}
    if "action" not in fields:
        values["action"] = make_action()
    step = _public(ActionStep.objects.create(**(PUBLISHED | values | fields)), sourced)
    return edited(step)


def make_source(**fields) -> Source:
    n = _n()
    values = {
        "title": f"Report {n}",
        "slug": f"report-{n}",
        "publisher": "Example News",
        "published_on": datetime.date(2020, 2, 26),
    }
    return Source.objects.create(**(PUBLISHED | values | fields))


def make_citation(**fields) -> Citation:
    values = {"quote": "Exact words."}
    if "source" not in fields:
        values["source"] = make_source()
    return Citation.objects.create(**(values | fields))
