"""A deterministic, continental-scale data set for load tests, every record marked synthetic.

The same seed and sizes give the same records. Rows are written in bulk, without signals or
history, then statuses are derived in memory by the same rule the site uses."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction

from . import choices, stored_public_rule
from .invalidation import record_changed
from .models import (
    PUBLISHABLE_MODELS,
    ActionAuthority,
    Agency,
    Authority,
    Citation,
    Incident,
    Product,
    RegulatoryAction,
    Source,
    StatusChange,
    Use,
    Vendor,
)
from .places import SUBDIVISIONS
from .services.actions import store_action_states
from .status import derive_status

BATCH = 2000
PUBLISHED = choices.Publication.PUBLISHED
CANADA = [code for code in SUBDIVISIONS if code.startswith("CA-")]
STATES = [code for code in SUBDIVISIONS if code.startswith("US-")]
KINDS = [choices.AgencyKind.MUNICIPAL_POLICE] * 6 + [
    choices.AgencyKind.REGIONAL_POLICE,
    choices.AgencyKind.PROVINCIAL_STATE_POLICE,
    choices.AgencyKind.OTHER_PUBLIC_BODY,
]
WORDS = tuple(
    [
        "harbour",
        "valley",
        "ridge",
        "lake",
        "river",
        "prairie",
        "summit",
        "coast",
        "forest",
        "granite",
        "maple",
        "cedar",
        "north",
        "south",
        "east",
        "west",
        "pine",
        "oak",
        "elm",
        "birch",
        "falls",
        "springs",
        "haven",
        "field",
        "brook",
        "stone",
        "bridge",
    ]
)


@dataclass(frozen=True)
class Sizes:
    """How much to make. `facts` is the total of uses, incidents, regulatory actions and
    citations. Beside the rest, the data set holds a ladder of agencies and one of vendors, so a
    benchmark can time the same page at sizes a decade apart:

    - `agency_facts`: one agency for each number, slug `agency_slug(n)`, with exactly that many
      facts, a fact being an entry of its timeline: one of its uses, incidents or regulatory
      actions. A tenth are uses (of the ordinary vendors' products, in turn), the rest incidents
      and actions, half each. Their citations (at least one each, so that they are public) are
      not counted here; they count towards `facts`.
    - `vendor_customers`: one vendor for each number, slug `vendor_slug(n)`, with exactly that
      many customers: the public uses of its products its page lists, made by the ordinary
      agencies (not the ladder's). Where that is more than there are agencies, the vendor has
      several products and each agency uses several of them (50,000 over 19,997 agencies: three
      products; every agency uses two, half of them a third).

    Every other agency has at least one use, of an ordinary vendor's product where no ladder
    vendor reached it."""

    agencies: int = 20_000
    vendors: int = 50
    facts: int = 200_000
    sources: int = 2_000
    agency_facts: tuple[int, ...] = (50, 500, 5_000)
    vendor_customers: tuple[int, ...] = (100, 10_000, 50_000)

    def __post_init__(self) -> None:
        for name in ("agency_facts", "vendor_customers"):
            ladder = getattr(self, name)
            if len(set(ladder)) != len(ladder) or any(n < 1 for n in ladder):
                raise ValueError(f"{name}: distinct numbers of at least 1, not {ladder}")
        if self.agencies <= len(self.agency_facts):
            raise ValueError("More agencies than the agency ladder holds are needed.")
        if self.vendors <= len(self.vendor_customers):
            raise ValueError("More vendors than the vendor ladder holds are needed.")


def agency_slug(facts: int) -> str:
    """The ladder's agency with this many facts."""
    return f"synthetic-agency-facts-{facts}"


def vendor_slug(customers: int) -> str:
    """The ladder's vendor with this many customers."""
    return f"synthetic-vendor-customers-{customers}"


AUTHORITIES = 100


class RealRecordsPresent(Exception):
    """The database holds records that are not synthetic."""


def real_record_count() -> int:
    return sum(model.objects.filter(synthetic=False).count() for model in PUBLISHABLE_MODELS)


# No synthetic event lies in the future: a record of what happened (a fixed day, so a seed
# gives the same data whenever it runs).
LAST_DAY = datetime.date(2025, 12, 31)


def day(rng: random.Random) -> tuple[datetime.date, str]:
    """A date in 2015–2025 with a precision, most known to the day."""
    date = datetime.date(2015, 1, 1) + datetime.timedelta(days=rng.randrange(11 * 365))
    precision = rng.choices(["day", "month", "year"], weights=[7, 2, 1])[0]
    if precision == "month":
        date = date.replace(day=1)
    elif precision == "year":
        date = date.replace(month=1, day=1)
    return date, precision


def phrase(rng: random.Random, words: int = 2) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def create(model, objects: list) -> list:
    return model.objects.bulk_create(objects, batch_size=BATCH)


@transaction.atomic
def generate(sizes: Sizes, seed: int = 1, *, allow_real: bool = False) -> dict[str, int]:
    """Fill the database; returns how many records of each kind were made."""
    if not allow_real and real_record_count():
        raise RealRecordsPresent(
            "This database holds real records; generating synthetic ones beside them needs "
            "--allow-real-data."
        )
    rng = random.Random(seed)
    marks = {"synthetic": True, "publication": PUBLISHED}

    sources = create(
        Source,
        [
            Source(
                title=f"Synthetic report {n}: {phrase(rng, 3)}",
                slug=f"synthetic-source-{n:05d}",
                publisher=f"Synthetic Press {n % 40}",
                url=f"https://example.org/synthetic/{n}",
                published_on=(published := day(rng))[0],
                published_on_precision=published[1],
                **marks,
            )
            for n in range(sizes.sources)
        ],
    )
    ladder_vendors = len(sizes.vendor_customers)
    vendors = create(
        Vendor,
        [
            Vendor(
                name=f"Synthetic Vision {n}",
                slug=(
                    vendor_slug(sizes.vendor_customers[n])
                    if n < ladder_vendors
                    else f"synthetic-vendor-{n:03d}"
                ),
                country=rng.choice(["US", "CA"]),
                summary=f"A synthetic vendor of {phrase(rng)} recognition.",
                **marks,
            )
            for n in range(sizes.vendors)
        ],
    )
    ordinary_count = sizes.agencies - len(sizes.agency_facts)
    # A ladder vendor with more customers than there are agencies: one product per use an agency
    # makes of it.
    product_counts = [-(-customers // ordinary_count) for customers in sizes.vendor_customers]
    product_counts += [1] * (sizes.vendors - ladder_vendors)
    products = create(
        Product,
        [
            Product(
                vendor=vendor,
                name=f"{vendor.name} Search" + (f" {k + 1}" if k else ""),
                slug=f"{vendor.slug}-search" + (f"-{k + 1}" if k else ""),
                **marks,
            )
            for vendor, count in zip(vendors, product_counts, strict=True)
            for k in range(count)
        ],
    )
    products_of = defaultdict(list)
    for product in products:
        products_of[product.vendor_id].append(product)
    ordinary_products = [p for v in vendors[ladder_vendors:] for p in products_of[v.pk]]
    authorities = create(
        Authority,
        [
            Authority(
                name=f"Synthetic Commissioner {n}",
                slug=f"synthetic-authority-{n:03d}",
                kind=rng.choice(choices.AuthorityKind.values),
                country="CA" if n % 3 == 0 else "US",
                **marks,
            )
            for n in range(AUTHORITIES)
        ],
    )

    agencies = []
    for n in range(sizes.agencies):
        canadian = n % 10 == 0
        locality = f"{phrase(rng).title()} {n}"
        agencies.append(
            Agency(
                name=f"{locality} Police Department",
                slug=(
                    agency_slug(sizes.agency_facts[n])
                    if n < len(sizes.agency_facts)
                    else f"synthetic-agency-{n:05d}"
                ),
                kind=rng.choice(KINDS),
                country="CA" if canadian else "US",
                subdivision=rng.choice(CANADA if canadian else STATES),
                locality=locality,
                summary=f"A synthetic {phrase(rng)} police service.",
                **marks,
            )
        )
    agencies = create(Agency, agencies)
    ladder, ordinary = agencies[: len(sizes.agency_facts)], agencies[len(sizes.agency_facts) :]

    # Uses: the ladder vendors' customers, every ordinary agency an equal share of each (its
    # k-th use of a vendor is of the vendor's k-th product) and some one more; then one use for
    # every agency no ladder vendor reached; then the ladder agencies' tenth.
    uses = []
    for vendor, customers in zip(vendors, sizes.vendor_customers, strict=False):
        each, more = divmod(customers, ordinary_count)
        its = products_of[vendor.pk]
        uses += [(agency, its[k]) for agency in ordinary for k in range(each)]
        uses += [(agency, its[each]) for agency in rng.sample(ordinary, more)]
    reached = {id(agency) for agency, _ in uses}
    uses += [
        (agency, rng.choice(ordinary_products)) for agency in ordinary if id(agency) not in reached
    ]
    ladder_events = []  # (agency, incidents, actions)
    for agency, facts in zip(ladder, sizes.agency_facts, strict=True):
        own = max(1, facts // 10)
        uses += [(agency, ordinary_products[k % len(ordinary_products)]) for k in range(own)]
        events = facts - own
        ladder_events.append((agency, events // 2, events - events // 2))
    use_rows = []
    for agency, product in uses:
        started, started_precision = day(rng)
        status = rng.choice(choices.UseStatus.values)
        ended = min(started + datetime.timedelta(days=rng.randrange(30, 900)), LAST_DAY)
        use_rows.append(
            Use(
                agency=agency,
                product=product,
                status=status,
                authorisation=rng.choice(choices.Authorisation.values),
                started_on=started,
                started_on_precision=started_precision,
                ended_on=ended if status == choices.UseStatus.ENDED else None,
                summary=f"Synthetic use of {product.name}.",
                **marks,
            )
        )
    uses = create(Use, use_rows)

    # Incidents and actions: the ladder agencies' first, the rest spread across the others. What
    # the uses leave is shared one to four between events and citations, as long as every record
    # can still have a citation of its own.
    remaining = sizes.facts - len(uses)
    cited = len(agencies) + len(uses) + len(vendors) + len(products) + len(authorities)
    event_budget = max(0, min(remaining // 5, (remaining - cited) // 2))
    incident_owners = [agency for agency, n, _ in ladder_events for _ in range(n)]
    action_owners = [agency for agency, _, n in ladder_events for _ in range(n)]
    incident_count = max(event_budget // 2, len(incident_owners))
    action_count = max(event_budget - event_budget // 2, len(action_owners))
    incident_owners += [rng.choice(ordinary) for _ in range(incident_count - len(incident_owners))]
    action_owners += [rng.choice(ordinary) for _ in range(action_count - len(action_owners))]
    incidents = create(
        Incident,
        [
            Incident(
                title=f"Synthetic incident {n}: {phrase(rng, 3)}",
                slug=f"synthetic-incident-{n:06d}",
                kind=rng.choice(choices.IncidentKind.values),
                disclosed_on=(disclosed := day(rng))[0],
                disclosed_on_precision=disclosed[1],
                summary=f"A synthetic {phrase(rng)} incident.",
                **marks,
            )
            for n in range(incident_count)
        ],
    )
    actions = []
    for n in range(action_count):
        opened, opened_precision = day(rng)
        closed = rng.random() < 0.5
        actions.append(
            RegulatoryAction(
                title=f"Synthetic action {n}: {phrase(rng, 3)}",
                slug=f"synthetic-action-{n:06d}",
                kind=rng.choice(choices.ActionKind.values),
                state=choices.ActionState.CLOSED if closed else choices.ActionState.OPEN,
                opened_on=opened,
                opened_on_precision=opened_precision,
                closed_on=min(opened + datetime.timedelta(days=200), LAST_DAY) if closed else None,
                closed_on_precision="day",
                summary=f"A synthetic {phrase(rng)} action.",
                **marks,
            )
        )
    actions = create(RegulatoryAction, actions)

    Incident.agencies.through.objects.bulk_create(
        [
            Incident.agencies.through(incident=incident, agency=agency)
            for incident, agency in zip(incidents, incident_owners, strict=True)
        ],
        batch_size=BATCH,
    )
    Incident.vendors.through.objects.bulk_create(
        [Incident.vendors.through(incident=i, vendor=rng.choice(vendors)) for i in incidents],
        batch_size=BATCH,
    )
    action_agency = list(zip(actions, action_owners, strict=True))
    RegulatoryAction.agencies.through.objects.bulk_create(
        [
            RegulatoryAction.agencies.through(regulatoryaction=action, agency=agency)
            for action, agency in action_agency
        ],
        batch_size=BATCH,
    )
    create(
        ActionAuthority,
        [ActionAuthority(action=action, authority=rng.choice(authorities)) for action in actions],
    )

    # Citations: one for every record, then the rest of the budget spread over them.
    targets = (
        [("agency", a) for a in agencies]
        + [("use", u) for u in uses]
        + [("incident", i) for i in incidents]
        + [("action", a) for a in actions]
        + [("vendor", v) for v in vendors]
        + [("product", p) for p in products]
        + [("authority", a) for a in authorities]
    )
    extra = max(0, sizes.facts - len(uses) - len(incidents) - len(actions) - len(targets))
    chosen = targets + [rng.choice(targets) for _ in range(extra)]
    citations = create(
        Citation,
        [
            Citation(
                source=rng.choice(sources),
                quote=f"Synthetic quote about {phrase(rng, 4)}.",
                synthetic=True,
                **{field: record},
            )
            for field, record in chosen
        ],
    )

    # Statuses, by the site's rule, from what was just made.
    uses_of, actions_of = defaultdict(list), defaultdict(list)
    for use in uses:
        uses_of[use.agency_id].append(use)
    for action, agency in action_agency:
        actions_of[agency.pk].append(action)
    product_vendor = {product.pk: product for product in products}
    for use in uses:
        use.product = product_vendor[use.product_id]
    # Each status is kept as the site keeps one, with its change from "no known use": recent
    # changes and an agency's status over time read them. One minute apart, in a fixed order.
    changes, recorded_at = [], datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    for agency in agencies:
        derived = derive_status(uses_of[agency.pk], actions_of[agency.pk])
        if derived.status != agency.status:
            use = derived.deciding_use
            recorded_at += datetime.timedelta(minutes=1)
            changes.append(
                StatusChange(
                    agency=agency,
                    from_status=agency.status,
                    to_status=derived.status,
                    summary=derived.summary[:500],
                    use=use,
                    fact_public_at=use.published_at if use else None,
                    recorded_at=recorded_at,
                )
            )
        agency.status, agency.status_summary = derived.status, derived.summary[:500]
    Agency.objects.bulk_update(agencies, ["status", "status_summary"], batch_size=BATCH)
    create(StatusChange, changes)
    # Bulk writes send no signals: the stored public rule and the caches are brought up to date.
    stored_public_rule.store_all()
    store_action_states(RegulatoryAction.objects.values("pk"))  # from their sources
    record_changed()

    return {
        "agencies": len(agencies),
        "vendors": len(vendors),
        "uses": len(uses),
        "incidents": len(incidents),
        "actions": len(actions),
        "citations": len(citations),
        "sources": len(sources),
        "facts": len(uses) + len(incidents) + len(actions) + len(citations),
        "status changes": len(changes),
    }


def refresh_statistics() -> None:
    """After a bulk load: fresh planner statistics, so the planner picks the indexes; on
    PostgreSQL also VACUUM, whose visibility map lets an index-only scan answer a count
    without visiting the table. VACUUM cannot run in a transaction (a test's, say)."""
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
