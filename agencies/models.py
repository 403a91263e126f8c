"""The record: agencies, vendors and their products, uses, incidents, regulatory actions, and the
sources and quotes that back every one of them."""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import connections, models
from django.db.models import Exists, F, OrderBy, OuterRef, Q
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from simple_history.models import HistoricalRecords

from . import choices
from .dates import PreciseDateAccessor, date_range, truncate
from .links import record_url
from .places import COUNTRY_CODE, SUBDIVISION_CODE, place_name
from .prebuilt import built_once

country_code = RegexValidator(COUNTRY_CODE, "Use a two-letter ISO 3166-1 code, such as CA or US.")
subdivision_code = RegexValidator(
    SUBDIVISION_CODE, "Use an ISO 3166-2 code, such as CA-ON or US-NY."
)

PRECISION_MESSAGE = "Choose day, month or year for the date's precision."


def precise_date(
    verbose_name: str, help_text: str = ""
) -> tuple[models.DateField, models.CharField]:
    """A nullable date and its precision, stored side by side (see agencies/dates.py)."""
    return (
        models.DateField(
            verbose_name,
            null=True,
            blank=True,
            help_text=help_text or "For a month or a year, any day in it will do.",
        ),
        models.CharField(
            f"{verbose_name} known to the",
            max_length=5,
            choices=choices.DatePrecision,
            default=choices.DatePrecision.DAY,
        ),
    )


@deconstructible(path="agencies.models.NewestFirst")
class NewestFirst(OrderBy):
    """A date newest first, undated last, on both engines (PostgreSQL puts NULL first in
    DESC): the order of the lists, and of the indexes that hand them that order. SQLite sorts
    NULL last in DESC already, and refuses NULLS LAST in an index: it is told DESC alone."""

    def __init__(self, field_name: str):
        super().__init__(F(field_name), descending=True, nulls_last=True)

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.plain("sqlite").as_sql(compiler, connection, **extra_context)

    def plain(self, vendor: str) -> OrderBy:
        """The order as the engine is told it, in an index as in a query; reversed (a
        queryset's reverse()), undated first."""
        nulls = {"nulls_last": self.nulls_last, "nulls_first": self.nulls_first}
        if vendor == "sqlite" and self.descending == bool(self.nulls_last):
            nulls = {}  # SQLite's own order: NULL below every date
        return OrderBy(self.expression, descending=self.descending, **nulls)


class ListOrderIndex(models.Index):
    """An index in a list's whole order, its dates NewestFirst: a page of the list is read off
    it, where both engines sorted every row of the list to show a page."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        # Django's index expressions take its own OrderBy only.
        told = copy.copy(self)
        vendor = schema_editor.connection.vendor
        told.expressions = tuple(
            e.plain(vendor) if isinstance(e, NewestFirst) else e for e in self.expressions
        )
        return super(ListOrderIndex, told).create_sql(model, schema_editor, using, **kwargs)


def derived_date(verbose_name: str) -> tuple[models.DateField, models.CharField]:
    """A precise date a service derives and stores: no editor writes it."""
    date, precision = precise_date(verbose_name, "Derived from the record, never edited.")
    date.editable = precision.editable = False
    return date, precision


def in_choices(field: str, choice_class: type[models.TextChoices], *, blank: bool = False) -> Q:
    condition = Q(**{f"{field}__in": choice_class.values})
    return condition | Q(**{field: ""}) if blank else condition


def not_before(later: str, earlier: str) -> Q:
    """An end that is unknown, a start that is unknown, or an end on or after the start."""
    return (
        Q(**{f"{later}__isnull": True})
        | Q(**{f"{earlier}__isnull": True})
        | Q(**{f"{later}__gte": F(earlier)})
    )


class Timestamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self.truncate_dates()
        super().save(*args, **kwargs)

    def truncate_dates(self) -> None:
        """Store each date as the first day of the period its precision names, so it sorts
        right (save does it; a bulk insert calls it first)."""
        for field in self._meta.concrete_fields:
            precision_name = f"{field.name}_precision"
            if isinstance(field, models.DateField) and hasattr(self, precision_name):
                value = getattr(self, field.name)
                if value is not None:
                    setattr(self, field.name, truncate(value, getattr(self, precision_name)))


PUBLISHED = choices.Publication.PUBLISHED


# Each stored flag and the method that gives its rule.
STORED_RULES = {"published_and_sourced": "published_and_sourced_rule", "is_public": "public_rule"}


@functools.cache
def rule_split(model, field: str) -> tuple[models.QuerySet, models.QuerySet]:
    """The rows for which a stored flag's rule holds, and those for which it fails, built once
    a process (like a view's queryset, never evaluated itself): resolving a rule of twenty
    joins costs more than running it on the few rows a write changes."""
    rule = getattr(model, STORED_RULES[field])()
    rows = model._default_manager.all()
    return rows.filter(rule), rows.exclude(rule)


def store_flag(records: models.QuerySet, field: str) -> int:
    """Writes a stored flag afresh from its rule for these records, only where it changed;
    returns how many changed. An UPDATE, so no signal, history or updated_at."""
    holds, fails = rule_split(records.model, field)
    if not records.query.where:  # every row (store_all): the rule alone
        batches = [{}]
    else:
        # The rows' ids first, not a subquery: PostgreSQL keeps the joins of a query past
        # join_collapse_limit (8) in the order written, so it joined every citation to the
        # rule's thirteen tables before narrowing them to the few written (200 ms an UPDATE
        # at 111,000 citations, an agency's edit 950 ms).
        pks = list(records.order_by().values_list("pk", flat=True))
        size = connections[records.db].features.max_query_params or 10_000
        batches = [{"pk__in": pks[start : start + size]} for start in range(0, len(pks), size)]
    changed = 0
    for batch in batches:
        changed += holds.filter(**batch, **{field: False}).update(**{field: True})
        changed += fails.filter(**batch, **{field: True}).update(**{field: False})
    return changed


class StoredRuleQuerySet(models.QuerySet):
    def store_public(self) -> int:
        """Writes each row's is_public afresh from public_rule(), where it changed."""
        return store_flag(self, "is_public")


class PublishableQuerySet(StoredRuleQuerySet):
    def published(self):
        """The publication flag alone: for editors' tools; public reads use public()."""
        return self.filter(publication=PUBLISHED)

    def public(self):
        """What the public may see: published and sourced, with what it belongs to."""
        return self.filter(self.model.public_condition())

    def store_published_and_sourced(self) -> int:
        """Writes each record's published_and_sourced afresh from its rule, where it changed."""
        return store_flag(self, "published_and_sourced")


class PublicReadsManager(models.Manager):
    """A manager whose public(), the start of most public reads (dozens a page), is built once
    per model and cloned for each read (prebuilt.built_once)."""

    def public(self):
        # Only the model's own manager: a related manager (source.citations) reads its
        # instance's rows, and db_manager(alias) a database of its own.
        if self is self.model._default_manager and self._db is None:
            return public_reads(self.model)
        return self.get_queryset().public()


@built_once
def public_reads(model: type[models.Model]) -> models.QuerySet:
    return model._default_manager.get_queryset().public()


class Publishable(Timestamped):
    """A record the public sees only once a publisher has published it."""

    publication = models.CharField(
        max_length=10,
        choices=choices.Publication,
        default=choices.Publication.DRAFT,
        db_index=True,
        help_text="Drafts, and drafts ready for review, are seen only in admin. Publishing "
        "needs a citation of a published source.",
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The record's own half of the public rule, stored so that every public read is an equality
    # on a column instead of an EXISTS over citations and sources. Kept in the write's
    # transaction by agencies/signals.py; published_and_sourced_rule() is its definition.
    published_and_sourced = models.BooleanField(default=False, db_default=False, editable=False)
    # The whole public rule (this, and the records it is public only with), stored likewise, so
    # a public read joins nothing to decide it. public_rule() is its definition.
    is_public = models.BooleanField(default=False, db_default=False, editable=False)
    synthetic = models.BooleanField(
        default=False, editable=False, help_text="Made up by generate_scale_data for load tests."
    )

    objects = PublicReadsManager.from_queryset(PublishableQuerySet)()

    class Meta:
        abstract = True
        # "publish" gives each model a "Can publish …" permission for the Publishers group.
        default_permissions = ("add", "change", "delete", "view", "publish")

    def save(self, *args, **kwargs) -> None:
        if self.is_published and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.publication == choices.Publication.PUBLISHED

    # A fact is public only with a citation of a published source; a source is the evidence.
    needs_source = True
    # The records a record is public only with: a use with its agency and its product, say.
    public_with: tuple[str, ...] = ()
    # Optional relations that, when set, must be public too: a statement's speaker, say.
    public_if_set: tuple[str, ...] = ()

    @classmethod
    def published_and_sourced_rule(cls) -> Q:
        """Published, and (but for a source) cited by a published source: what
        published_and_sourced stores."""
        condition = Q(publication=PUBLISHED)
        if cls.needs_source:
            condition &= sourced(cls)
        return condition

    @classmethod
    def public_rule(cls, prefix: str = "") -> Q:
        """The one definition of public for this kind of record, at `prefix` ("" for the
        record itself, "agency__" through a relation): published and sourced (as stored), and
        every record in `public_with` and `public_if_set` public too. What is_public stores."""
        condition = Q(**{f"{prefix}publication": PUBLISHED, f"{prefix}published_and_sourced": True})
        for name in cls.public_with:
            related = cls._meta.get_field(name).related_model
            condition &= related.public_rule(f"{prefix}{name}__")
        for name in cls.public_if_set:
            condition &= public_if_set(cls._meta.get_field(name), prefix, stored=False)
        return condition

    @classmethod
    def public_condition(cls, prefix: str = "") -> Q:
        """Public, as stored: what every public read filters on."""
        # The publication is implied by the stored flag; said too, so the indexes that lead
        # with it serve public reads.
        return Q(**{f"{prefix}publication": PUBLISHED, f"{prefix}is_public": True})


def record_history(*, derived: Iterable[str] = (), **options) -> HistoricalRecords:
    """A publishable record's history: every field an editor can change, not the stored rule
    nor the `derived` fields a service keeps."""
    return HistoricalRecords(excluded_fields=[*STORED_RULE_FIELDS, *derived], **options)


# What the signals derive, not what an editor writes: no history, no version check.
STORED_RULE_FIELDS = ["published_and_sourced", "is_public"]
# What services/actions.py derives of an action's progress from its steps and sources.
PROGRESS_FIELDS = [
    "last_reported_on",
    "last_reported_on_precision",
    "latest_step_kind",
    "latest_step_on",
    "latest_step_on_precision",
    "latest_step_finding",
]


def public_if_set(field, prefix: str = "", *, stored: bool = True) -> Q:
    """A nullable relation that is empty, or points at a public record (as stored, or by the
    rule itself)."""
    related = field.related_model
    public = related.public_condition if stored else related.public_rule
    return Q(**{f"{prefix}{field.name}__isnull": True}) | public(f"{prefix}{field.name}__")


def precisions_valid(prefix: str, *date_fields: str) -> list[models.CheckConstraint]:
    """A check that each date's precision is day, month or year."""
    return [
        models.CheckConstraint(
            condition=in_choices(f"{name}_precision", choices.DatePrecision),
            name=f"{prefix}_{name}_precision_valid",
            violation_error_message=PRECISION_MESSAGE,
        )
        for name in date_fields
    ]


def publication_valid(prefix: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=in_choices("publication", choices.Publication),
        name=f"{prefix}_publication_valid",
        violation_error_message="A record is a draft, ready for review, or published.",
    )


def sourced(model, prefix: str = "") -> Exists:
    """Whether the record at `prefix` has a citation whose source is published."""
    return Exists(Citation.objects.supporting(model, OuterRef(f"{prefix}pk")))


def published_citations() -> models.Prefetch:
    """A record's citations of published sources, with the source (published_citations):
    whose dates say as of when it was last reported."""
    return models.Prefetch(
        "citations",
        queryset=Citation.objects.filter(source__publication=PUBLISHED).select_related("source"),
        to_attr="published_citations",
    )


class AgencyQuerySet(PublishableQuerySet):
    def for_status(self) -> AgencyQuerySet:
        """Prefetches what the status rule reads: uses that count (with products, and their
        citations of published sources, whose dates say when a use was last reported) and
        public actions."""
        return self.prefetch_related(
            models.Prefetch(
                "uses",
                queryset=Use.objects.counted_in_status()
                .select_related("product__vendor")
                .prefetch_related(published_citations()),
            ),
            models.Prefetch("actions", queryset=RegulatoryAction.objects.public().with_steps()),
        )

    def with_public_parent(self) -> AgencyQuerySet:
        """Annotates public_parent_slug: the parent body's slug if it is public, else None
        (one subquery, read only for the rows fetched)."""
        parents = Agency.objects.public().filter(pk=OuterRef("parent")).values("slug")
        return self.annotate(public_parent_slug=models.Subquery(parents))

    def with_status_as_of(self, moment) -> AgencyQuerySet:
        """Annotates status_as_of: the status this record gave before `moment`, from the
        newest status change recorded before it (none: no known use). One subquery."""
        newest = (
            StatusChange.objects.filter(agency=OuterRef("pk"), recorded_at__lt=moment)
            .order_by("-recorded_at", "-pk")
            .values("to_status")[:1]
        )
        return self.annotate(
            status_as_of=Coalesce(
                models.Subquery(newest), models.Value(choices.AgencyStatus.NO_KNOWN_USE)
            )
        )


class ActionQuerySet(PublishableQuerySet):
    def with_steps(self) -> ActionQuerySet:
        """Prefetches its public steps (shown_steps) and the public statements about it
        (replies): what its life cycle and the status summary read. Two queries."""
        return self.prefetch_related(
            models.Prefetch("steps", queryset=ActionStep.objects.public(), to_attr="shown_steps"),
            models.Prefetch(
                "statements",
                queryset=Statement.objects.public().select_related("speaker"),
                to_attr="replies",
            ),
        )


class UseQuerySet(PublishableQuerySet):
    def counted_in_status(self) -> UseQuerySet:
        """Uses public but for their agency (the use, its product and vendor published and
        sourced): what an agency's status follows, whether or not the agency is published."""
        return self.filter(Use.public_rule(with_agency=False))


class CitationQuerySet(StoredRuleQuerySet):
    def supporting(self, model, record) -> CitationQuerySet:
        """The citations of a record of `model` (a record, its pk or an OuterRef) whose source
        is published: what makes a fact sourced. No join but to the source."""
        return self.filter(
            **{CITATION_FIELD_OF[model._meta.model_name]: record}, source__publication=PUBLISHED
        )

    def public(self) -> CitationQuerySet:
        """Citations the public may see (Citation.public_rule), as stored."""
        # The source's publication is implied by the stored flag; said too, so that a list in
        # the sources' date order walks their index instead of sorting every citation.
        return self.filter(is_public=True, source__publication=PUBLISHED)


class Agency(Publishable):
    name = models.CharField(max_length=200, help_text="The official name.")
    short_name = models.CharField(
        max_length=50, blank=True, help_text="The official short name or acronym, such as TPS."
    )
    slug = models.SlugField(max_length=200)
    kind = models.CharField(max_length=30, choices=choices.AgencyKind)
    country = models.CharField(
        max_length=2, validators=[country_code], help_text="ISO 3166-1, e.g. CA."
    )
    subdivision = models.CharField(
        "province or state",
        max_length=6,
        blank=True,
        validators=[subdivision_code],
        help_text="ISO 3166-2, e.g. CA-ON.",
    )
    locality = models.CharField(max_length=200, blank=True, help_text="City or region served.")
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="The body this agency belongs to, if any.",
    )
    website = models.URLField(blank=True)
    summary = models.TextField(blank=True)
    # Derived by agencies/status.py from uses and actions; never typed by hand.
    status = models.CharField(
        max_length=20,
        choices=choices.AgencyStatus,
        default=choices.AgencyStatus.NO_KNOWN_USE,
        editable=False,
    )
    status_summary = models.CharField(max_length=500, blank=True, editable=False)
    # The newest published source behind the fact that decides the status: "as last reported".
    status_reported_on = models.DateField(null=True, blank=True, editable=False)
    status_reported_on_precision = models.CharField(
        max_length=5,
        choices=choices.DatePrecision,
        default=choices.DatePrecision.DAY,
        editable=False,
    )

    # When the agency or any fact about it (its uses, citations, actions, incidents, status)
    # last changed; kept by the services that write them. Null only before the first write.
    changed_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)

    status_reported = PreciseDateAccessor("status_reported_on")

    objects = PublicReadsManager.from_queryset(AgencyQuerySet)()

    history = record_history()

    class Meta(Publishable.Meta):
        ordering = ["name"]
        verbose_name_plural = "agencies"
        constraints = [
            publication_valid("agency"),
            models.UniqueConstraint(
                fields=["slug"],
                name="agency_slug_unique",
                violation_error_message="Another agency already uses this slug; choose another.",
            ),
            models.CheckConstraint(
                condition=in_choices("kind", choices.AgencyKind),
                name="agency_kind_valid",
                violation_error_message="Choose a kind of agency from the list.",
            ),
            models.CheckConstraint(
                condition=in_choices("status", choices.AgencyStatus),
                name="agency_status_valid",
                violation_error_message="The status is not one the status rule gives.",
            ),
            models.CheckConstraint(
                condition=Q(subdivision="")
                | Q(subdivision__startswith=Concat(F("country"), models.Value("-"))),
                name="agency_subdivision_in_country",
                violation_error_message=(
                    "The province or state must be in the agency's country (CA-ON goes with CA)."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="agency_not_own_parent",
                violation_error_message="An agency cannot be its own parent.",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "name"], name="agency_status_name_idx"),
            models.Index(fields=["country", "subdivision"], name="agency_place_idx"),
            # Every public read filters on publication first. The list's default order reads
            # the first; each facet's counts, whatever the other filters, read one of the two
            # wide ones alone (it holds every facet column), never the table.
            models.Index(fields=["publication", "name"], name="agency_public_name_idx"),
            models.Index(
                fields=["publication", "status", "country", "subdivision", "kind"],
                name="agency_facets_idx",
            ),
            models.Index(
                fields=["publication", "country", "subdivision", "status", "kind"],
                name="agency_place_facets_idx",
            ),
            # Most agencies have no parent, so the whole-column index tells SQLite's planner
            # that "children of X" are thousands and it scans by name instead; this one,
            # holding only agencies with a parent, tells it the truth.
            models.Index(
                fields=["parent"], condition=Q(parent__isnull=False), name="agency_parent_idx"
            ),
        ]

    # What __str__ and get_absolute_url read (naming).
    named_by = ("name", "slug")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return record_url("agencies:agency_detail", self.slug)

    @property
    def region_name(self) -> str:
        """The province or state in words, or the country for a national body."""
        return place_name(self.subdivision or self.country)

    @property
    def place(self) -> str:
        """Where the agency is, in words: "Toronto, Ontario"; "United States" for a federal body."""
        return f"{self.locality}, {self.region_name}" if self.locality else self.region_name


class Vendor(Publishable):
    name = models.CharField(max_length=200, help_text="The legal or trading name.")
    slug = models.SlugField(max_length=200)
    country = models.CharField(max_length=2, blank=True, validators=[country_code])
    website = models.URLField(blank=True)
    summary = models.TextField(blank=True)

    history = record_history()

    class Meta(Publishable.Meta):
        ordering = ["name"]
        constraints = [
            publication_valid("vendor"),
            models.UniqueConstraint(
                fields=["slug"],
                name="vendor_slug_unique",
                violation_error_message="Another vendor already uses this slug; choose another.",
            ),
        ]

    # What __str__ and get_absolute_url read (naming).
    named_by = ("name", "slug")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return record_url("agencies:vendor_detail", self.slug)

    @property
    def country_name(self) -> str:
        return place_name(self.country)


class Product(Publishable):
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="products")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200)
    description = models.TextField(blank=True)

    history = record_history()

    public_with = ("vendor",)

    class Meta(Publishable.Meta):
        ordering = ["vendor__name", "name"]
        constraints = [
            publication_valid("product"),
            models.UniqueConstraint(
                fields=["slug"],
                name="product_slug_unique",
                violation_error_message="Another product already uses this slug; choose another.",
            ),
        ]

    # What __str__ and get_absolute_url read (naming).
    named_by = ("name", "vendor__slug")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return record_url("agencies:vendor_detail", self.vendor.slug)


class Use(Publishable):
    """One agency's use of one product, as far as it is known."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="uses")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="uses")
    status = models.CharField(max_length=20, choices=choices.UseStatus)
    authorisation = models.CharField(
        max_length=20,
        choices=choices.Authorisation,
        default=choices.Authorisation.UNKNOWN,
        help_text="Whether the agency's leadership or a legal authority approved the use.",
    )
    started_on, started_on_precision = precise_date("started")
    ended_on, ended_on_precision = precise_date("ended")
    disclosed_on, disclosed_on_precision = precise_date(
        "made public", "When the use was first reported or confirmed."
    )
    accounts = models.PositiveIntegerField(
        null=True, blank=True, help_text="User accounts, if known."
    )
    searches = models.PositiveIntegerField(
        null=True, blank=True, help_text="Searches run, if known."
    )
    cost = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, help_text="Amount paid, if known."
    )
    cost_currency = models.CharField(max_length=3, blank=True, help_text="ISO 4217, e.g. CAD.")
    summary = models.TextField(blank=True)

    started = PreciseDateAccessor("started_on")
    ended = PreciseDateAccessor("ended_on")
    disclosed = PreciseDateAccessor("disclosed_on")

    objects = PublicReadsManager.from_queryset(UseQuerySet)()
    history = record_history()

    public_with = ("product",)

    class Meta(Publishable.Meta):
        ordering = ["agency__name", "started_on"]
        # A vendor's customers, counted without reading the uses table itself.
        indexes = [
            models.Index(
                fields=["publication", "product", "agency"], name="use_public_customer_idx"
            ),
            models.Index(fields=["publication", "started_on"], name="use_public_started_idx"),
            models.Index(fields=["publication", "disclosed_on"], name="use_public_disclosed_idx"),
            models.Index(fields=["publication", "ended_on"], name="use_public_ended_idx"),
        ]
        constraints = [
            publication_valid("use"),
            models.CheckConstraint(
                condition=in_choices("status", choices.UseStatus),
                name="use_status_valid",
                violation_error_message="Choose a status from the list.",
            ),
            models.CheckConstraint(
                condition=in_choices("authorisation", choices.Authorisation),
                name="use_authorisation_valid",
                violation_error_message="Choose whether the use was authorised from the list.",
            ),
            models.CheckConstraint(
                condition=not_before("ended_on", "started_on"),
                name="use_ends_after_start",
                violation_error_message="The end date cannot be before the start date.",
            ),
            models.CheckConstraint(
                condition=Q(accounts__isnull=True) | Q(accounts__gte=0),
                name="use_accounts_not_negative",
                violation_error_message="The number of accounts cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(searches__isnull=True) | Q(searches__gte=0),
                name="use_searches_not_negative",
                violation_error_message="The number of searches cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(cost__isnull=True) | Q(cost__gte=0),
                name="use_cost_not_negative",
                violation_error_message="The cost cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(cost__isnull=True) | ~Q(cost_currency=""),
                name="use_cost_has_currency",
                violation_error_message="Give the currency of the cost, e.g. CAD.",
            ),
            *precisions_valid("use", "started_on", "ended_on", "disclosed_on"),
        ]

    # What __str__ and get_absolute_url read (naming).
    named_by = ("agency__name", "agency__slug", "product__name")

    def __str__(self) -> str:
        return f"{self.agency} – {self.product}"

    def get_absolute_url(self) -> str:
        return record_url("agencies:use_detail", self.pk)

    @classmethod
    def public_rule(cls, prefix: str = "", *, with_agency: bool = True) -> Q:
        """A use is public with its product (so its vendor) and, on public pages, its agency;
        the status rule counts it without its agency (UseQuerySet.counted_in_status)."""
        condition = super().public_rule(prefix)
        if with_agency:
            condition &= Agency.public_rule(f"{prefix}agency__")
        return condition

    @property
    def is_ongoing(self) -> bool:
        return (
            self.status in (choices.UseStatus.CONFIRMED, choices.UseStatus.TRIAL)
            and not self.ended_on
        )

    @property
    def period(self) -> str:
        return date_range(self.started, self.ended, over=self.has_ended)

    @property
    def has_ended(self) -> bool:
        return self.status == choices.UseStatus.ENDED or (
            self.status in (choices.UseStatus.CONFIRMED, choices.UseStatus.TRIAL)
            and bool(self.ended_on)
        )


class Incident(Publishable):
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200)
    kind = models.CharField(max_length=20, choices=choices.IncidentKind)
    occurred_on, occurred_on_precision = precise_date("occurred")
    disclosed_on, disclosed_on_precision = precise_date("made public")
    summary = models.TextField(blank=True)
    agencies = models.ManyToManyField(Agency, blank=True, related_name="incidents")
    vendors = models.ManyToManyField(Vendor, blank=True, related_name="incidents")

    occurred = PreciseDateAccessor("occurred_on")
    disclosed = PreciseDateAccessor("disclosed_on")

    history = record_history(m2m_fields=[agencies, vendors])

    class Meta(Publishable.Meta):
        # Lists and the dashboard's latest events read the newest first.
        indexes = [
            models.Index(
                fields=["publication", "disclosed_on"], name="incident_public_disclosed_idx"
            ),
            models.Index(
                fields=["publication", "occurred_on"], name="incident_public_occurred_idx"
            ),
            # The list's whole order (lists.incident_list).
            ListOrderIndex(
                F("publication"),
                NewestFirst("disclosed_on"),
                NewestFirst("occurred_on"),
                F("title"),
                F("id"),
                name="incident_list_order_idx",
            ),
        ]
        ordering = ["-disclosed_on", "-occurred_on", "title"]
        constraints = [
            publication_valid("incident"),
            models.UniqueConstraint(
                fields=["slug"],
                name="incident_slug_unique",
                violation_error_message="Another incident already uses this slug; choose another.",
            ),
            models.CheckConstraint(
                condition=in_choices("kind", choices.IncidentKind),
                name="incident_kind_valid",
                violation_error_message="Choose a kind of incident from the list.",
            ),
            models.CheckConstraint(
                condition=not_before("disclosed_on", "occurred_on"),
                name="incident_disclosed_after_occurred",
                violation_error_message="An incident cannot be made public before it occurred.",
            ),
            *precisions_valid("incident", "occurred_on", "disclosed_on"),
        ]

    # What __str__ and get_absolute_url read (naming).
    named_by = ("title", "slug")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return record_url("agencies:incident_detail", self.slug)

    @property
    def date(self):
        """The date a timeline shows: when it happened, or else when it came out."""
        return self.occurred or self.disclosed


class Authority(Publishable):
    """A body that acts on facial recognition use: a regulator, a court, a platform, an agency."""

    name = models.CharField(max_length=200, help_text="The official name.")
    short_name = models.CharField(max_length=50, blank=True)
    slug = models.SlugField(max_length=200)
    kind = models.CharField(max_length=30, choices=choices.AuthorityKind)
    country = models.CharField(max_length=2, blank=True, validators=[country_code])
    subdivision = models.CharField(
        "province or state", max_length=6, blank=True, validators=[subdivision_code]
    )
    website = models.URLField(blank=True)
    agency = models.OneToOneField(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="as_authority",
        help_text="Set when the authority is an agency acting on itself, e.g. an internal review.",
    )

    history = record_history()

    class Meta(Publishable.Meta):
        ordering = ["name"]
        verbose_name_plural = "authorities"
        constraints = [
            publication_valid("authority"),
            models.UniqueConstraint(
                fields=["slug"],
                name="authority_slug_unique",
                violation_error_message="Another authority already uses this slug; choose another.",
            ),
            models.CheckConstraint(
                condition=in_choices("kind", choices.AuthorityKind),
                name="authority_kind_valid",
                violation_error_message="Choose a kind of authority from the list.",
            ),
        ]

    # What __str__ and get_absolute_url read (naming).
    named_by = ("name", "slug")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return record_url("agencies:authority_detail", self.slug)


class RegulatoryAction(Publishable):
    """An investigation, guidance, order, ruling, ban, moratorium, letter or review."""

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200)
    kind = models.CharField(max_length=20, choices=choices.ActionKind)
    state = models.CharField(
        max_length=10, choices=choices.ActionState, default=choices.ActionState.OPEN
    )
    opened_on, opened_on_precision = precise_date("opened")
    closed_on, closed_on_precision = precise_date("closed")
    summary = models.TextField(blank=True)
    outcome = models.TextField(blank=True)
    authorities = models.ManyToManyField(
        Authority, through="ActionAuthority", related_name="actions", blank=True
    )
    agencies = models.ManyToManyField(
        Agency, blank=True, related_name="actions", verbose_name="about agencies"
    )
    vendors = models.ManyToManyField(
        Vendor, blank=True, related_name="actions", verbose_name="about vendors"
    )

    # What its state is told by, derived from its steps and sources whenever they are written
    # (services/actions.py) and stored, as an agency's status is: the date of the newest
    # published source that cites the action itself, what "open as of" means, and its latest
    # public step, which an action with steps is known by instead.
    last_reported_on, last_reported_on_precision = derived_date("last reported")
    latest_step_kind = models.CharField(
        max_length=20, choices=choices.StepKind, blank=True, editable=False
    )
    latest_step_on, latest_step_on_precision = derived_date("latest step")
    latest_step_finding = models.CharField(max_length=300, blank=True, editable=False)

    opened = PreciseDateAccessor("opened_on")
    closed = PreciseDateAccessor("closed_on")
    last_reported = PreciseDateAccessor("last_reported_on")
    latest_step_date = PreciseDateAccessor("latest_step_on")

    objects = PublicReadsManager.from_queryset(ActionQuerySet)()
    history = record_history(m2m_fields=[agencies, vendors], derived=PROGRESS_FIELDS)

    class Meta(Publishable.Meta):
        # Lists and the dashboard's latest events read the newest first.
        indexes = [
            models.Index(fields=["publication", "opened_on"], name="action_public_opened_idx"),
            models.Index(fields=["publication", "closed_on"], name="action_public_closed_idx"),
            # The list's whole order (lists.action_list).
            ListOrderIndex(
                F("publication"),
                NewestFirst("opened_on"),
                F("title"),
                F("id"),
                name="action_list_order_idx",
            ),
        ]
        ordering = ["-opened_on", "title"]
        verbose_name = "regulatory action"
        constraints = [
            publication_valid("action"),
            models.UniqueConstraint(
                fields=["slug"],
                name="action_slug_unique",
                violation_error_message="Another action already uses this slug; choose another.",
            ),
            models.CheckConstraint(
                condition=in_choices("kind", choices.ActionKind),
                name="action_kind_valid",
                violation_error_message="Choose a kind of action from the list.",
            ),
            models.CheckConstraint(
                condition=in_choices("state", choices.ActionState),
                name="action_state_valid",
                violation_error_message="Choose open or closed.",
            ),
            models.CheckConstraint(
                condition=not_before("closed_on", "opened_on"),
                name="action_closes_after_open",
                violation_error_message="The closing date cannot be before the opening date.",
            ),
            models.CheckConstraint(
                condition=Q(state=choices.ActionState.CLOSED) | Q(closed_on__isnull=True),
                name="action_open_has_no_close_date",
                violation_error_message=(
                    "An open action cannot have a closing date: mark it closed, or clear the date."
                ),
            ),
            *precisions_valid("action", "opened_on", "closed_on"),
        ]

    # What __str__ and get_absolute_url read (naming).
    named_by = ("title", "slug")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return record_url("agencies:action_detail", self.slug)

    @property
    def latest_step_label(self) -> str:
        """Its latest step's kind, as a page names it."""
        return choices.STEP_KIND_LABELS.get(self.latest_step_kind, "")


class ActionAuthority(models.Model):
    action = models.ForeignKey(
        RegulatoryAction, on_delete=models.CASCADE, related_name="participants"
    )
    authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, related_name="participations"
    )
    role = models.CharField(
        max_length=10, choices=choices.ActionRole, default=choices.ActionRole.LEAD
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "authority__name"]
        verbose_name = "authority acting"
        verbose_name_plural = "authorities acting"
        constraints = [
            models.UniqueConstraint(
                fields=["action", "authority"],
                name="action_authority_unique",
                violation_error_message="This authority is already listed on this action.",
            ),
            models.CheckConstraint(
                condition=in_choices("role", choices.ActionRole),
                name="action_role_valid",
                violation_error_message="Choose a role from the list.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.authority} ({self.get_role_display().lower()})"


class Person(Publishable):
    """Someone quoted or named, with the role they held at the time."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200)
    role = models.CharField(max_length=200, help_text="e.g. lawyer, chief of police, spokesperson.")
    organisation = models.CharField(max_length=200, help_text="Where they held that role.")
    agency = models.ForeignKey(
        Agency, on_delete=models.SET_NULL, null=True, blank=True, related_name="people"
    )
    vendor = models.ForeignKey(
        Vendor, on_delete=models.SET_NULL, null=True, blank=True, related_name="people"
    )
    authority = models.ForeignKey(
        Authority, on_delete=models.SET_NULL, null=True, blank=True, related_name="people"
    )

    history = record_history()

    class Meta(Publishable.Meta):
        ordering = ["name"]
        verbose_name_plural = "people"
        constraints = [
            publication_valid("person"),
            models.UniqueConstraint(
                fields=["slug"],
                name="person_slug_unique",
                violation_error_message="Another person already uses this slug; choose another.",
            ),
        ]

    # What __str__ and get_absolute_url read (naming).
    named_by = ("name", "role", "organisation")

    def __str__(self) -> str:
        return f"{self.name}, {self.role}, {self.organisation}"


class StatementQuerySet(PublishableQuerySet):
    def with_contradictions(self) -> StatementQuerySet:
        """Prefetches what a statement's flag shows: each derived contradiction, with the
        other statement or the use it is contradicted by (public ones only)."""

        # What the flag names of the other side: its speaker and organisation, or the use.
        def named(side: str) -> list[str]:
            return [f"{side}__{name}" for name in ("speaker", *Statement.SPEAKERS)]

        return self.prefetch_related(
            models.Prefetch(
                "contradicted_by",
                queryset=Contradiction.objects.shown().select_related(
                    *named("confirmation"), "use__product"
                ),
            ),
            models.Prefetch(
                "contradicts",
                queryset=Contradiction.objects.shown().select_related(*named("denial")),
            ),
        )


class Statement(Publishable):
    """Something said on the record, or a refusal to say it: by a person on behalf of an
    organisation, or by the organisation itself, with its stance, its date, and where it was
    said. Its exact words are its citation's quote. Contradictions between statements, and
    between a denial and a use, are derived (services/statements.py), never typed."""

    stance = models.CharField(max_length=20, choices=choices.Stance)
    said_on, said_on_precision = precise_date("said", "When it was said, not when reported.")
    said_on_inferred = models.BooleanField(
        "date inferred",
        default=False,
        help_text="Tick when the source does not give the date outright (“on Thursday”).",
    )
    date_note = models.CharField(
        max_length=300, blank=True, help_text="How an inferred date was worked out."
    )
    speaker = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements_made",
        help_text="Who said it, if a person is named.",
    )
    agency = models.ForeignKey(
        Agency,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="statements",
        verbose_name="on behalf of agency",
    )
    vendor = models.ForeignKey(
        Vendor,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="statements",
        verbose_name="on behalf of vendor",
    )
    authority = models.ForeignKey(
        Authority,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="statements",
        verbose_name="on behalf of authority",
    )
    venue = models.CharField(
        "to whom or where",
        max_length=200,
        blank=True,
        help_text="e.g. “told CBC News”, “news release”, “report to the police services board”.",
    )
    about_agency = models.ForeignKey(
        Agency,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="statements_about",
        help_text="The agency it is about, when another speaks of it.",
    )
    about_use = models.ForeignKey(
        Use, on_delete=models.SET_NULL, null=True, blank=True, related_name="statements"
    )
    about_action = models.ForeignKey(
        RegulatoryAction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="statements",
        help_text="The action it answers or speaks of: a reply to a finding, say.",
    )
    summary = models.TextField(
        blank=True, help_text="What was said, in brief: needed when the words are not quoted."
    )

    said = PreciseDateAccessor("said_on")

    # Who said it must be public, and what it is about when that is a page of its own. (A
    # use it is about is named with its agency, whose page shows the use.)
    public_if_set = ("speaker", "agency", "vendor", "authority", "about_agency", "about_action")

    objects = PublicReadsManager.from_queryset(StatementQuerySet)()
    history = record_history()

    SPEAKERS = ("agency", "vendor", "authority")

    class Meta(Publishable.Meta):
        ordering = ["-said_on", "pk"]
        indexes = [models.Index(fields=["publication", "said_on"], name="statement_said_idx")]
        constraints = [
            publication_valid("statement"),
            models.CheckConstraint(
                condition=in_choices("stance", choices.Stance),
                name="statement_stance_valid",
                violation_error_message="Choose a stance from the list.",
            ),
            models.CheckConstraint(
                condition=Q(said_on__isnull=False),
                name="statement_is_dated",
                violation_error_message="Give the date it was said, to the day, month or year.",
            ),
            models.CheckConstraint(
                condition=~(Q(agency__isnull=False) & Q(vendor__isnull=False))
                & ~(Q(agency__isnull=False) & Q(authority__isnull=False))
                & ~(Q(vendor__isnull=False) & Q(authority__isnull=False)),
                name="statement_one_organisation",
                violation_error_message="A statement is made on behalf of one organisation.",
            ),
            models.CheckConstraint(
                condition=Q(speaker__isnull=False)
                | Q(agency__isnull=False)
                | Q(vendor__isnull=False)
                | Q(authority__isnull=False),
                name="statement_has_speaker",
                violation_error_message=(
                    "Say who made the statement: a person, or the organisation it speaks for."
                ),
            ),
            models.CheckConstraint(
                condition=Q(said_on_inferred=False) | ~Q(date_note=""),
                name="statement_inferred_date_explained",
                violation_error_message="Say how the inferred date was worked out.",
            ),
            *precisions_valid("statement", "said_on"),
        ]

    # What __str__ and get_absolute_url read (naming).
    named_by = (
        "said_on",
        "said_on_precision",
        "stance",
        "speaker__name",
        "speaker__role",
        "speaker__organisation",
        "agency__name",
        "vendor__name",
        "authority__name",
    )

    def __str__(self) -> str:
        return f"{self.speaker_name}, {self.said}: {self.get_stance_display().lower()}"

    def get_absolute_url(self) -> str:
        return record_url("agencies:statement_detail", self.pk)

    @property
    def organisation(self):
        """The agency, company or authority it was said on behalf of, if any."""
        return self.agency or self.vendor or self.authority

    @property
    def speaker_name(self) -> str:
        """Who said it, as a page names them: the person and for whom, or the organisation."""
        organisation = self.organisation
        if self.speaker is None:
            return str(organisation)
        name = f"{self.speaker.name}, {self.speaker.role}"
        return f"{name}, {organisation}" if organisation else f"{name}, {self.speaker.organisation}"

    @property
    def concerns(self):
        """The agency the statement is about: the one it names, its use's, or its speaker's."""
        if self.about_agency_id:
            return self.about_agency
        if self.about_use_id:
            return self.about_use.agency
        return self.agency


class ContradictionQuerySet(models.QuerySet):
    def shown(self) -> ContradictionQuerySet:
        """Contradictions whose every side is public: what a page may flag."""
        return self.filter(
            Statement.public_condition("denial__")
            & public_if_set(Contradiction._meta.get_field("confirmation"))
            & public_if_set(Contradiction._meta.get_field("use"))
        )


class Contradiction(models.Model):
    """Derived, never typed (services/statements.py): an agency's denial of use that its own
    later confirmation, or a use of its own that the denial falls inside, contradicts."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="contradictions")
    denial = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="contradicted_by")
    confirmation = models.ForeignKey(
        Statement, on_delete=models.CASCADE, null=True, blank=True, related_name="contradicts"
    )
    use = models.ForeignKey(
        Use, on_delete=models.CASCADE, null=True, blank=True, related_name="contradictions"
    )

    objects = ContradictionQuerySet.as_manager()

    class Meta:
        ordering = ["denial__said_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(confirmation__isnull=False) & Q(use__isnull=True))
                | (Q(confirmation__isnull=True) & Q(use__isnull=False)),
                name="contradiction_has_one_reason",
                violation_error_message="A contradiction is by a statement or by a use.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.denial} contradicted by {self.confirmation or self.use}"


class ActionStep(Publishable):
    """One dated step of a regulatory action: opened, a finding, a recommendation or order (with
    any deadline), a response, compliance reported, an appeal, closed. The action's state
    follows its latest public step (services/actions.py)."""

    action = models.ForeignKey(RegulatoryAction, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=20, choices=choices.StepKind)
    occurred_on, occurred_on_precision = precise_date("on", "When the step was taken.")
    finding = models.CharField(
        max_length=300,
        blank=True,
        help_text="For a finding: what was found, e.g. “Privacy Act contravened”.",
    )
    deadline_on, deadline_on_precision = precise_date(
        "deadline", "For a recommendation or an order: by when it must be met, if said."
    )
    dates_inferred = models.BooleanField(
        "a date inferred",
        default=False,
        help_text="Tick when the step's date or deadline is worked out, not given outright "
        "(“within a year” of a report, “on Thursday”).",
    )
    date_note = models.CharField(
        max_length=500, blank=True, help_text="How an inferred date was worked out."
    )
    summary = models.TextField(blank=True)

    occurred = PreciseDateAccessor("occurred_on")
    deadline = PreciseDateAccessor("deadline_on")

    public_with = ("action",)

    history = record_history()

    class Meta(Publishable.Meta):
        ordering = ["occurred_on", "pk"]
        verbose_name = "step of an action"
        verbose_name_plural = "steps of actions"
        constraints = [
            publication_valid("step"),
            models.CheckConstraint(
                condition=in_choices("kind", choices.StepKind),
                name="step_kind_valid",
                violation_error_message="Choose a kind of step from the list.",
            ),
            models.CheckConstraint(
                condition=Q(occurred_on__isnull=False),
                name="step_is_dated",
                violation_error_message="Give the date of the step, to the day, month or year.",
            ),
            models.CheckConstraint(
                condition=Q(finding="") | Q(kind=choices.StepKind.FINDING),
                name="step_finding_only_on_finding",
                violation_error_message="Only a finding says what was found.",
            ),
            models.CheckConstraint(
                condition=Q(deadline_on__isnull=True)
                | Q(kind__in=[choices.StepKind.RECOMMENDATION, choices.StepKind.ORDER]),
                name="step_deadline_only_on_order",
                violation_error_message="Only a recommendation or an order has a deadline.",
            ),
            models.CheckConstraint(
                condition=not_before("deadline_on", "occurred_on"),
                name="step_deadline_after_step",
                violation_error_message="The deadline cannot be before the step itself.",
            ),
            models.CheckConstraint(
                condition=Q(dates_inferred=False) | ~Q(date_note=""),
                name="step_inferred_date_explained",
                violation_error_message="Say how the inferred date was worked out.",
            ),
            *precisions_valid("step", "occurred_on", "deadline_on"),
        ]

    # What __str__ and get_absolute_url read (naming).
    named_by = ("kind", "occurred_on", "occurred_on_precision", "action__title", "action__slug")

    def __str__(self) -> str:
        return f"{self.action}: {self.get_kind_display().lower()}, {self.occurred}"

    def get_absolute_url(self) -> str:
        return f"{self.action.get_absolute_url()}#step-{self.pk}"

    @property
    def title(self) -> str:
        label = choices.STEP_KIND_LABELS[self.kind]
        return f"{label}: {self.finding}" if self.finding else label


class Source(Publishable):
    """A document that facts come from."""

    title = models.CharField(max_length=300)
    title_supplied = models.BooleanField(
        "title written here",
        default=False,
        help_text="Tick when the title describes the source because its own headline is not "
        "recorded: it is then shown in square brackets, never in quotation marks as if quoted.",
    )
    slug = models.SlugField(max_length=200)
    publisher = models.CharField(max_length=200)
    kind = models.CharField(
        max_length=20, choices=choices.SourceKind, default=choices.SourceKind.NEWS
    )
    author = models.CharField(max_length=200, blank=True)
    url = models.URLField("URL", max_length=500, blank=True)
    published_on, published_on_precision = precise_date("published")
    published_on_inferred = models.BooleanField(
        "publication date inferred",
        default=False,
        help_text="Tick when the document carries no date and it was worked out elsewhere.",
    )
    date_note = models.TextField(blank=True, help_text="How an inferred date was worked out.")

    published = PreciseDateAccessor("published_on")

    history = record_history()

    needs_source = False  # a source is the evidence itself

    class Meta(Publishable.Meta):
        ordering = ["-published_on", "title"]
        indexes = [
            # Citations list in their sources' order: walking this index, a page of them is
            # found without ordering all 150,000 (the rowid or heap order settles ties).
            models.Index(fields=["publication", "published_on"], name="source_public_date_idx"),
        ]
        constraints = [
            publication_valid("source"),
            models.UniqueConstraint(
                fields=["slug"],
                name="source_slug_unique",
                violation_error_message="Another source already uses this slug; choose another.",
            ),
            models.CheckConstraint(
                condition=in_choices("kind", choices.SourceKind),
                name="source_kind_valid",
                violation_error_message="Choose a kind of source from the list.",
            ),
            *precisions_valid("source", "published_on"),
            models.CheckConstraint(
                condition=Q(published_on_inferred=False) | ~Q(date_note=""),
                name="source_inferred_date_explained",
                violation_error_message="Say how the inferred publication date was worked out.",
            ),
        ]

    # What __str__ and get_absolute_url read (naming).
    named_by = ("publisher", "title", "title_supplied", "slug")

    def __str__(self) -> str:
        return f"{self.publisher}: {self.title}"

    def get_absolute_url(self) -> str:
        return record_url("agencies:source_detail", self.slug)

    @property
    def shown_title(self) -> str:
        """The title as a heading shows it: a supplied one in brackets, as citations do."""
        return f"[{self.title}]" if self.title_supplied else self.title

    @property
    def cited_title(self) -> str:
        """The title as a citation shows it: a headline quoted, a supplied one in brackets."""
        return self.shown_title if self.title_supplied else f"“{self.title}”"


# The records a citation can support, each a nullable foreign key: exactly one is set.
CITED_FIELDS = (
    "agency",
    "vendor",
    "product",
    "use",
    "incident",
    "action",
    "authority",
    "person",
    "statement",
    "step",
)


def by_ids(records: models.QuerySet, ids) -> models.QuerySet:
    """The records with these ids, in no order, for a reader that puts them in its own (a stored
    order, a page of a timeline). Ordered, the query cost more to build than to run: Django
    hashes every selected column to compile an ORDER BY, and a model's default order may join
    another table (a use's is its agency's name)."""
    return records.filter(pk__in=ids).order_by()


def naming(records: models.QuerySet, *relations: str, also: tuple[str, ...] = ()):
    """The records with each related record read as far as naming and linking it (its
    `named_by`, joined with what that follows): a page that names a record reads a few of its
    columns, not all of them. `also` names other columns of related records the reader shows."""
    joined, columns = [], []
    for relation in relations:
        related = records.model
        for name in relation.split("__"):
            related = related._meta.get_field(name).related_model
        columns += [f"{relation}__{column}" for column in related.named_by]
        followed = {column.rpartition("__")[0] for column in related.named_by} - {""}
        joined += [f"{relation}__{path}" for path in sorted(followed)] or [relation]
    return records.select_related(*joined).only(*concrete_names(records.model), *columns, *also)


def concrete_names(model) -> list[str]:
    """The names of the model's own columns: what a read restricted to some related columns
    (only()) still reads of the record itself."""
    return [field.name for field in model._meta.concrete_fields]


# The citation field that points at each kind of record, by model name.
CITATION_FIELD_OF = {
    "agency": "agency",
    "vendor": "vendor",
    "product": "product",
    "use": "use",
    "incident": "incident",
    "regulatoryaction": "action",
    "authority": "authority",
    "person": "person",
    "statement": "statement",
    "actionstep": "step",
}


def exactly_one_of(fields: tuple[str, ...]) -> Q:
    condition = Q()
    for chosen in fields:
        condition |= Q(
            **{f"{field}__isnull": field != chosen for field in fields},
        )
    return condition


class Citation(Timestamped):
    """A source backing one record, with the exact quote and, where named, who said it."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    quote = models.TextField(blank=True, help_text="The exact words, as published.")
    claim = models.CharField(
        max_length=300,
        blank=True,
        help_text="What the source supports, e.g. the date; needed when there is no quote.",
    )
    speaker = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements",
        help_text="Who said the quoted words, if the source names them.",
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    vendor = models.ForeignKey(
        Vendor, on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    use = models.ForeignKey(
        Use, on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    action = models.ForeignKey(
        RegulatoryAction, on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    authority = models.ForeignKey(
        Authority, on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    step = models.ForeignKey(
        ActionStep, on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )

    # Citation.public_rule(), stored as a record's is_public is (agencies/stored_public_rule.py).
    is_public = models.BooleanField(default=False, db_default=False, editable=False)
    synthetic = models.BooleanField(
        default=False, editable=False, help_text="Made up by generate_scale_data for load tests."
    )

    objects = PublicReadsManager.from_queryset(CitationQuerySet)()

    history = HistoricalRecords(excluded_fields=["is_public"])

    class Meta:
        ordering = ["source__published_on", "pk"]
        indexes = [
            # The newest quotes (the dashboard's latest statements) walk the sources by date:
            # each source's quotes with a speaker, not all its citations, most of which have
            # none (at 111,000 citations, 94 ms to 1 ms on SQLite).
            models.Index(
                fields=["source"],
                condition=Q(speaker__isnull=False),
                name="citation_quote_source_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=exactly_one_of(CITED_FIELDS),
                name="citation_cites_one_record",
                violation_error_message="A citation supports exactly one record: choose one.",
            ),
            models.CheckConstraint(
                condition=~Q(quote="") | ~Q(claim=""),
                name="citation_has_quote_or_claim",
                violation_error_message="Give the exact quote, or say what the source supports.",
            ),
        ]

    def __str__(self) -> str:
        excerpt = self.quote or self.claim
        return f"{self.source.publisher}: “{excerpt[:60]}{'…' if len(excerpt) > 60 else ''}”"

    def get_absolute_url(self) -> str:
        return self.source.get_absolute_url()

    def clean(self) -> None:
        # A changed citation must not leave a public fact without a published source.
        from .services.publishing import citation_change_refusal

        stored = self.pk is not None and self.source_id is not None
        if stored and (reason := citation_change_refusal(self)):
            raise ValidationError(reason)

    @classmethod
    def public_rule(cls) -> Q:
        """A citation the public may see: its source published, and its speaker and the record
        it supports public (as they store it, so a citation is decided after its record)."""
        condition = Q(source__publication=PUBLISHED)
        for name in ("speaker", *CITED_FIELDS):
            condition &= public_if_set(cls._meta.get_field(name))
        return condition

    @property
    def record(self):
        """The one record this citation supports."""
        for field in CITED_FIELDS:
            if getattr(self, f"{field}_id") is not None:
                return getattr(self, field)
        return None


class StatusChange(models.Model):
    """One change of an agency's derived status, kept when the status rule gives a new one:
    from, to, the fact that decided it, and when that fact was public and reported."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=choices.AgencyStatus)
    to_status = models.CharField(max_length=20, choices=choices.AgencyStatus)
    summary = models.CharField(max_length=500, help_text="The status summary it changed to.")
    use = models.ForeignKey(
        Use,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="status_changes",
        help_text="The use that decided the new status, if any.",
    )
    fact_public_at = models.DateTimeField(
        null=True, blank=True, help_text="When the deciding fact was first published here."
    )
    reported_on, reported_on_precision = precise_date(
        "reported", "The newest published source behind the deciding fact."
    )
    recorded_at = models.DateTimeField(default=timezone.now, help_text="When the record changed.")

    reported = PreciseDateAccessor("reported_on")

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        default_permissions = ("view",)  # derived by the status rule, never edited
        indexes = [
            models.Index(fields=["agency", "recorded_at"], name="status_change_agency_idx"),
            # Recent changes read the newest across agencies, walking this backwards.
            models.Index(fields=["recorded_at", "id"], name="status_change_recent_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=in_choices("from_status", choices.AgencyStatus)
                & in_choices("to_status", choices.AgencyStatus),
                name="status_change_statuses_valid",
                violation_error_message="A status change is between statuses the rule gives.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency}: {self.get_from_status_display()} → {self.get_to_status_display()}"

    def get_absolute_url(self) -> str:
        return f"{self.agency.get_absolute_url()}#status-over-time"


# Every kind of record that is a draft until a publisher publishes it.
PUBLISHABLE_MODELS = (
    Agency,
    Vendor,
    Product,
    Use,
    Incident,
    Authority,
    RegulatoryAction,
    Person,
    Statement,
    ActionStep,
    Source,
)
# Every table of the record: what a write to invalidates, and what has a history.
RECORD_MODELS = (*PUBLISHABLE_MODELS, ActionAuthority, Citation)


class Summary(models.Model):
    """A site-wide figure (the dashboard's counts, the agency list's facets without filters),
    kept once computed so a page reads one row instead of counting 20,000 agencies. Every write
    to the record moves the generation (agencies/summaries.py); an older row is recomputed."""

    key = models.CharField(max_length=100, primary_key=True)
    value = models.JSONField()
    generation = models.CharField(max_length=32)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "summaries"
        default_permissions = ()  # kept by the site, never edited

    def __str__(self) -> str:
        return self.key
