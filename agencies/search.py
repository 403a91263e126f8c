"""Full-text search with an index on either engine, and one ranking rule for both.

PostgreSQL: a GIN index on to_tsvector('simple', …) of each searched table. SQLite: an FTS5
table per searched table, kept in step by triggers. Both tokenise the same way (lower case, no
stemming, accents kept: "Québec" is not "Quebec" on either), match every
word of the query (each as a prefix, so results follow typing), and rank the same way: records
whose title words match every query word first, then the rest; within each, by title, then id.
The indexes are made by migration 0004 from the definitions below, so query and index agree."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import BooleanField, Case, F, Func, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.lookups import In

MAX_WORDS = 8


# The column in which PostgreSQL keeps a table's whole document, beside its index, where
# Searched.stored says so: a list read in an index's order tests each row it reads
# (text_filter's row_by_row), and computing the document from each agency's columns was 7 µs
# an agency (2 of the 2.4 ms of SQL of the agencies searched for "harbour").
STORED_DOCUMENT = "search_document"


@dataclass(frozen=True)
class Searched:
    table: str
    title: tuple[str, ...]  # the columns a "title" match is ranked first by
    body: tuple[str, ...]
    stored: bool = False  # the document kept in STORED_DOCUMENT on PostgreSQL

    @property
    def columns(self) -> tuple[str, ...]:
        return self.title + self.body

    @property
    def fts_table(self) -> str:
        return f"{self.table}_fts"

    def tsvector(self, columns: tuple[str, ...], table: str = "") -> str:
        """The indexed expression; its columns named with `table` in a query that joins."""
        prefix = f'"{table}".' if table else ""
        joined = " || ' ' || ".join(f"coalesce({prefix}{column}, '')" for column in columns)
        return f"to_tsvector('simple'::regconfig, {joined})"

    def document(self, columns: tuple[str, ...]) -> str:
        """The row's document of `columns`, as a query that may join reads it."""
        if self.stored and columns == self.columns:
            return f'"{self.table}"."{STORED_DOCUMENT}"'
        return self.tsvector(columns, self.table)

    def index_name(self, part: str) -> str:
        return f"{self.table}_{part}_fts_idx"


SEARCHED = {
    "agencies.Agency": Searched(
        "agencies_agency", ("name", "short_name"), ("locality", "summary"), stored=True
    ),
    "agencies.Vendor": Searched("agencies_vendor", ("name",), ("summary",)),
    "agencies.Incident": Searched("agencies_incident", ("title",), ("summary",)),
    "agencies.RegulatoryAction": Searched(
        "agencies_regulatoryaction", ("title",), ("summary", "outcome")
    ),
    "agencies.Source": Searched("agencies_source", ("title", "publisher"), ("author",)),
    "agencies.Citation": Searched("agencies_citation", ("quote",), ("claim",)),
    "agencies.Person": Searched("agencies_person", ("name",), ("role", "organisation")),
    "agencies.Authority": Searched("agencies_authority", ("name", "short_name"), ()),
}


def words(query: str) -> list[str]:
    """The query's words: letters and digits only, lower case, at most MAX_WORDS."""
    return re.findall(r"[^\W_]+", query.lower())[:MAX_WORDS]


def postgres_query(terms: list[str]) -> str:
    return " & ".join(f"{term}:*" for term in terms)


def sqlite_query(terms: list[str], columns: tuple[str, ...] | None = None) -> str:
    # Each word quoted (FTS5 syntax stays inert) and matched as a prefix.
    phrase = " AND ".join(f'"{term}"*' for term in terms)
    return f"{{{' '.join(columns)}}} : ({phrase})" if columns else phrase


def matching(searched: Searched, terms: list[str], columns: tuple[str, ...]) -> RawSQL:
    """The ids of rows whose columns hold every term, through the engine's index."""
    if connection.vendor == "postgresql":
        return RawSQL(
            f"SELECT id FROM {searched.table} WHERE {searched.tsvector(columns)} "
            "@@ to_tsquery('simple'::regconfig, %s)",
            [postgres_query(terms)],
        )
    column_filter = None if columns == searched.columns else columns
    return RawSQL(
        f"SELECT rowid FROM {searched.fts_table} WHERE {searched.fts_table} MATCH %s",
        [sqlite_query(terms, column_filter)],
    )


def matched(searched: Searched, terms: list[str], columns: tuple[str, ...]) -> Q:
    """Rows among those matching()."""
    return among("pk", matching(searched, terms, columns))


def among(field_name: str, ids) -> Q:
    """Rows whose field is one of the subquery's ids, the ids read first. On PostgreSQL as
    `field = ANY(ARRAY(…))`: the subquery runs once and the field's index answers, where as an
    `IN (…)` subquery the planner checked all 111,000 citations against the public rule before
    matching any (10 s a search)."""
    if connection.vendor == "postgresql":
        return Q(AmongIds(F(field_name), ids))
    return Q(**{f"{field_name}__in": ids})


class AmongIds(Func):
    """`id = ANY(ARRAY(subquery))`: the subquery runs once, and its ids are looked up."""

    template = "%(expressions)s)"
    arg_joiner = " = ANY(ARRAY"
    output_field = BooleanField()


def text_filter(model, query: str, *, title: bool = False, row_by_row: bool = False) -> Q:
    """Rows whose indexed text (`title`: their title's) holds every word of the query; nothing
    for a query of no words.

    `row_by_row` tests each row the query reads, where the default reads the matches first and
    then their rows: for a list read in an index's order that stops at a page, when the words
    are in so many rows that a page of them is found sooner than every match is read and
    sorted. On SQLite the matches are still read once, and each row's id looked up in them."""
    terms = words(query)
    if not terms:
        return Q(pk__in=[])
    searched = SEARCHED[model._meta.label]
    columns = searched.title if title else searched.columns
    if not row_by_row:
        return matched(searched, terms, columns)
    if connection.vendor == "postgresql":
        return Q(
            RawSQL(
                f"{searched.document(columns)} @@ to_tsquery('simple'::regconfig, %s)",
                [postgres_query(terms)],
                output_field=BooleanField(),
            )
        )
    # A unary plus: the id is no longer an index SQLite may start from (its rowid), so it
    # reads the index the order asks for.
    unindexed = Func(F("pk"), template="+%(expressions)s", output_field=IntegerField())
    return Q(In(unindexed, matching(searched, terms, columns)))


def ranked(queryset: QuerySet, query: str, order_by: str) -> QuerySet:
    """The queryset's rows matching the query, title matches first, then by `order_by`, then id."""
    model = queryset.model
    terms = words(query)
    if not terms:
        return queryset.none()
    searched = SEARCHED[model._meta.label]
    return (
        queryset.filter(matched(searched, terms, searched.columns))
        .annotate(
            # An IN subquery, not matched(): in an expression PostgreSQL hashes its ids once,
            # where `= ANY(ARRAY(…))` scans the array for every row (2,852 agencies matching
            # "harbour police" against 1,497 title matches: 32 ms, against 10).
            search_rank=Case(
                When(pk__in=matching(searched, terms, searched.title), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("search_rank", order_by, "pk")
    )


# The index definitions, applied by migrations/0004_full_text_search.py.


@contextmanager
def joins_as_written(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Run the queries inside with PostgreSQL joining tables in the order the query names them.

    A public citation is checked against the nine kinds of record it may cite: fifteen joined
    tables, whose order PostgreSQL's planner spent 80 ms choosing, against 13 ms to run the
    query. The order as written (the citation, then each record by primary key) is the one it
    chose anyway; SET LOCAL keeps the change to this transaction. SQLite plans as written."""
    database = connections[using]
    if database.vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=using), database.cursor() as cursor:
        cursor.execute("SET LOCAL join_collapse_limit = 1")
        yield


def create_indexes(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for searched in SEARCHED.values():
        if vendor == "postgresql":
            for part, columns in (("all", searched.columns), ("title", searched.title)):
                schema_editor.execute(
                    f"CREATE INDEX {searched.index_name(part)} ON {searched.table} "
                    f"USING gin ({searched.tsvector(columns)})"
                )
        elif vendor == "sqlite":
            create_fts5(schema_editor, searched)


def stored_on(schema_editor) -> list[Searched]:
    """The tables whose document the database keeps in a column (PostgreSQL's, Searched.stored)."""
    if schema_editor.connection.vendor != "postgresql":
        return []
    return [searched for searched in SEARCHED.values() if searched.stored]


def add_stored_documents(schema_editor) -> None:
    """Each stored document, computed by the database as it writes the row."""
    for searched in stored_on(schema_editor):
        schema_editor.execute(
            f"ALTER TABLE {searched.table} ADD COLUMN {STORED_DOCUMENT} tsvector "
            f"GENERATED ALWAYS AS ({searched.tsvector(searched.columns)}) STORED"
        )


def drop_stored_documents(schema_editor) -> None:
    for searched in stored_on(schema_editor):
        schema_editor.execute(f"ALTER TABLE {searched.table} DROP COLUMN {STORED_DOCUMENT}")


def create_fts5(schema_editor, s: Searched) -> None:
    columns = ", ".join(s.columns)
    new = ", ".join(f"new.{column}" for column in s.columns)
    old = ", ".join(f"old.{column}" for column in s.columns)
    fts = s.fts_table
    for statement in (
        f"CREATE VIRTUAL TABLE {fts} USING fts5({columns}, content='{s.table}', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {s.table} BEGIN "
        f"INSERT INTO {fts}(rowid, {columns}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {s.table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {columns}) VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER {fts}_update AFTER UPDATE ON {s.table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {columns}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {fts}(rowid, {columns}) VALUES (new.id, {new}); END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ):
        schema_editor.execute(statement)


def drop_indexes(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for searched in SEARCHED.values():
        if vendor == "postgresql":
            for part in ("all", "title"):
                schema_editor.execute(f"DROP INDEX IF EXISTS {searched.index_name(part)}")
        elif vendor == "sqlite":
            for suffix in ("insert", "delete", "update"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {searched.fts_table}_{suffix}")
            schema_editor.execute(f"DROP TABLE IF EXISTS {searched.fts_table}")


def rebuild_after_table_copy(apps, schema_editor) -> None:
    """A migration step: on SQLite, adding or removing a NOT NULL column remakes the table,
    which drops its full-text triggers; this makes them again. PostgreSQL's indexes are left
    as they are. It also runs ANALYZE: the copied tables lost their planner statistics, and
    without them SQLite may walk every use for each vendor (1.6 s for a page)."""
    if schema_editor.connection.vendor == "sqlite":
        drop_indexes(schema_editor)
        create_indexes(schema_editor)
    schema_editor.execute("ANALYZE")
