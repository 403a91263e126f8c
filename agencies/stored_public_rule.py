"""The public rule, stored: each record's published_and_sourced and is_public, and each
citation's is_public, kept with the write.

A record is published and sourced when it is published and one of its citations cites a
published source (Publishable.published_and_sourced_rule); it is public when it and every
record it is public only with are published and sourced (Publishable.public_rule); a citation
is public when its source is published and its speaker and its record are public
(Citation.public_rule). Stored, a public read checks one column and joins nothing to decide it;
the rules themselves run here only, for the rows a write can change:
- a record saved: its own row, and every row whose rule reads it, and theirs (a vendor's
  products and uses, and their citations);
- a record deleted: the rows whose rule read it and that outlive it;
- a citation saved or deleted: the record it cites, and the one it cited before;
- a source saved: the source, and every record that cites it.
Like a cached page, the flags are derived and never edited: agencies/signals.py calls these in
the write's own transaction, so a reader sees the flags together with the write."""

from __future__ import annotations

import functools

from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.db.models import Q

from .models import CITED_FIELDS, PUBLISHABLE_MODELS, Citation, Publishable, Source

CITED = [Citation._meta.get_field(name) for name in CITED_FIELDS]
# Whatever stores is_public, each after the rows its rule reads the stored flag of: a
# citation reads its record's.
RULED_MODELS = (*PUBLISHABLE_MODELS, Citation)


def store_all() -> int:
    """Every flag from its rule: after writes that send no signal (a bulk insert of generated
    data), and the check that nothing else did (tests/conftest.py's stored_rule_kept).
    Returns how many flags changed."""
    changed = sum(model.objects.store_published_and_sourced() for model in PUBLISHABLE_MODELS)
    return changed + sum(model.objects.store_public() for model in RULED_MODELS)


# Which rows read which: the relation paths each rule follows, read off the rule itself.


def lookups(condition: Q):
    for child in condition.children:
        if isinstance(child, Q):
            yield from lookups(child)
        else:
            yield child[0]


@functools.cache
def rule_paths(model) -> frozenset[tuple[str, type]]:
    """(prefix, model) for every record the model's public rule reads through a relation:
    ("product__vendor__", Vendor) for a use, ("use__", Use) for a citation."""
    paths = set()
    for lookup in lookups(model.public_rule()):
        current, prefix = model, ""
        for name in lookup.split("__"):
            try:
                field = current._meta.get_field(name)
            except FieldDoesNotExist:  # a lookup ("isnull"), not a field
                break
            if not field.is_relation:
                break
            current, prefix = field.related_model, f"{prefix}{name}__"
            paths.add((prefix, current))
    return frozenset(paths)


def readers_of(records: models.QuerySet) -> list[models.QuerySet]:
    """The rows, of every kind, whose public rule reads one of these records."""
    return [
        ruled.objects.filter(**{f"{prefix}in": records})
        for ruled in RULED_MODELS
        for prefix, target in rule_paths(ruled)
        if target is records.model
    ]


# Keeping the flags with each write.


def write(records: models.QuerySet, *, recheck: bool = False, was_public: bool | None = None):
    if issubclass(records.model, Publishable):
        records.store_published_and_sourced()
    write_public(records, recheck=recheck, was_public=was_public)


def write_public(rows: models.QuerySet, *, recheck: bool, was_public: bool | None = None):
    """The rows' is_public from their rule, then, where it changed, that of the rows whose rule
    reads them, and so on (a rule is its own half and the is_public of what it is public with:
    while that holds, no reader changes). A recheck writes them all."""
    changed = rows.store_public()
    if was_public is not None:  # a save wrote the flag as the instance held it
        changed = was_public != rows.filter(is_public=True).exists()
    if changed or recheck:
        for readers in readers_of(rows):
            write_public(readers, recheck=recheck)


def store(records: models.QuerySet, *, was_public: bool | None = None) -> None:
    """The records' flags, and those of every row whose rule reads them, written now, for the
    rest of this transaction, and again once it commits: on PostgreSQL two editors' writes
    may each decide on what the other has not committed (a record published while its only
    citation is deleted), and the later commit then decides on both."""
    write(records, was_public=was_public)
    transaction.on_commit(functools.partial(write, records, recheck=True))


def record_saving(record: Publishable) -> None:
    """Before a record is saved: whether it was public, as stored (the save writes the flag as
    the instance holds it, which may be stale)."""
    stored = type(record).objects.filter(pk=record.pk).values_list("is_public", flat=True)
    record._was_public = stored.first() if record.pk is not None else None


def record_saved(record: Publishable) -> None:
    store(
        type(record).objects.filter(pk=record.pk), was_public=getattr(record, "_was_public", None)
    )
    if isinstance(record, Source):
        for field in CITED:
            store(field.related_model.objects.filter(citations__source=record))


def emptied_on_delete() -> set[type]:
    """The kinds of record some rule reads through a relation that a delete empties (a
    statement's action): deleting one leaves rows whose rule must decide again."""
    emptied = set()
    for ruled in RULED_MODELS:
        for prefix, target in rule_paths(ruled):
            *through, name = prefix.removesuffix("__").split("__")
            holder = ruled
            for step in through:
                holder = holder._meta.get_field(step).related_model
            if holder._meta.get_field(name).remote_field.on_delete is models.SET_NULL:
                emptied.add(target)
    return emptied


def record_deleting(record: Publishable) -> None:
    """Before a record is deleted: the rows whose rule reads it (a relation that is emptied,
    not deleted with it, leaves them to decide again)."""
    record._readers = [
        (rows.model, list(rows.values_list("pk", flat=True)))
        for rows in readers_of(type(record).objects.filter(pk=record.pk))
    ]


def record_deleted(record: Publishable) -> None:
    for model, pks in getattr(record, "_readers", []):
        if pks:
            store(model.objects.filter(pk__in=pks))


def cited_records(citation: Citation) -> list[tuple[type, int]]:
    """(model, pk) of the record a citation cites, read from its columns without a query."""
    return [
        (field.related_model, getattr(citation, field.attname))
        for field in CITED
        if getattr(citation, field.attname) is not None
    ]


def citation_saving(citation: Citation) -> None:
    """Before a citation is saved: the record it cited, should the save point it elsewhere."""
    before = Citation.objects.only("source", *CITED_FIELDS).filter(pk=citation.pk).first()
    citation._cited_before = cited_records(before) if before else []
    citation._sources_before = [before.source_id] if before else []


@transaction.atomic
def citation_written(citation: Citation) -> None:
    """After a citation is saved or deleted: the records it cites and cited, and itself."""
    # An editor publishing or withdrawing the source at this moment holds its row until they
    # commit: wait for them, so that neither write decides on what the other has not committed.
    sources = {citation.source_id, *getattr(citation, "_sources_before", [])}
    list(Source.objects.select_for_update().filter(pk__in=sources).values_list("pk"))
    for model, pk in {*cited_records(citation), *getattr(citation, "_cited_before", [])}:
        store(model.objects.filter(pk=pk))
    store(Citation.objects.filter(pk=citation.pk))  # its source or speaker may have changed
