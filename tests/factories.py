"""Small builders for test records; each takes overrides as keyword arguments."""

from __future__ import annotations

import datetime
import itertools

from agencies import choices
from agencies.models import (
    Agency,
    Authority,
    Citation,
    Incident,
    Person,
    Product,
    RegulatoryAction,
    Source,
    Use,
    Vendor,
)

_numbers = itertools.count(1)

# Records are made published, as the public pages show only those; pass publication="draft".
PUBLISHED = {"publication": choices.Publication.PUBLISHED}


def _n() -> int:
    return next(_numbers)


def make_agency(**fields) -> Agency:
    n = _n()
    values = {
        "name": f"Test Police Service {n}",
        "slug": f"test-police-service-{n}",
        "kind": choices.AgencyKind.MUNICIPAL_POLICE,
        "country": "CA",
        "subdivision": "CA-ON",
    }
    return Agency.objects.create(**(PUBLISHED | values | fields))


def make_vendor(**fields) -> Vendor:
    n = _n()
    return Vendor.objects.create(
        **(PUBLISHED | {"name": f"Vendor {n}", "slug": f"vendor-{n}"} | fields)
    )


def make_product(**fields) -> Product:
    n = _n()
    values = {"name": f"Product {n}", "slug": f"product-{n}"}
    if "vendor" not in fields:
        values["vendor"] = make_vendor()
    return Product.objects.create(**(PUBLISHED | values | fields))


def make_use(**fields) -> Use:
    values = {"status": choices.UseStatus.CONFIRMED}
    if "agency" not in fields:
        values["agency"] = make_agency()
    if "product" not in fields:
        values["product"] = make_product()
    return Use.objects.create(**(PUBLISHED | values | fields))


def make_incident(**fields) -> Incident:
    n = _n()
    values = {"title": f"Incident {n}", "slug": f"incident-{n}", "kind": choices.IncidentKind.OTHER}
    return Incident.objects.create(**(PUBLISHED | values | fields))


def make_authority(**fields) -> Authority:
    n = _n()
    values = {
        "name": f"Commissioner {n}",
        "slug": f"commissioner-{n}",
        "kind": choices.AuthorityKind.PRIVACY_COMMISSIONER,
    }
    return Authority.objects.create(**(PUBLISHED | values | fields))


def make_action(**fields) -> RegulatoryAction:
    n = _n()
    values = {
        "title": f"Action {n}",
        "slug": f"action-{n}",
        "kind": choices.ActionKind.INVESTIGATION,
        "state": choices.ActionState.OPEN,
    }
    return RegulatoryAction.objects.create(**(PUBLISHED | values | fields))


def make_person(**fields) -> Person:
    n = _n()
    values = {
        "name": f"Person {n}",
        "slug": f"person-{n}",
        "role": "spokesperson",
        "organisation": "X",
    }
    return Person.objects.create(**(PUBLISHED | values | fields))


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
