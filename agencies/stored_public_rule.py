"""The stored half of the public rule: each record's published_and_sourced, kept with the write.

A record is published and sourced when it is published and one of its citations cites a
published source (Publishable.published_and_sourced_rule). Stored, every public read checks a
column; the rule itself is run here only, for the rows a write can change:
- a record saved: its own row (its publication may have changed);
- a citation saved or deleted: the record it cites, and the one it cited before;
- a source saved: the source, and every record that cites it.
Like a cached page, the flag is derived and never edited: agencies/signals.py calls these in
the write's own transaction, so a reader sees the flag together with the write."""

from __future__ import annotations

from django.db import transaction

from .models import CITED_FIELDS, PUBLISHABLE_MODELS, Citation, Publishable, Source

CITED = [Citation._meta.get_field(name) for name in CITED_FIELDS]


def store_all() -> int:
    """Every record's flag from the rule: after writes that send no signal (a bulk insert of
    generated data), and the check that nothing else did (tests/test_public_rule.py)."""
    return sum(model.objects.store_published_and_sourced() for model in PUBLISHABLE_MODELS)


def store(records) -> None:
    """The records' flags written now, for the rest of this transaction, and again once it
    commits: on PostgreSQL two editors' writes may each decide on what the other has not
    committed (a record published while its only citation is deleted), and the later commit
    then decides on both."""
    records.store_published_and_sourced()
    transaction.on_commit(records.store_published_and_sourced)


def record_saved(record: Publishable) -> None:
    store(type(record).objects.filter(pk=record.pk))
    if isinstance(record, Source):
        for field in CITED:
            store(field.related_model.objects.filter(citations__source=record))


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
    """After a citation is saved or deleted: the records it cites and cited."""
    # An editor publishing or withdrawing the source at this moment holds its row until they
    # commit: wait for them, so that neither write decides on what the other has not committed.
    sources = {citation.source_id, *getattr(citation, "_sources_before", [])}
    list(Source.objects.select_for_update().filter(pk__in=sources).values_list("pk"))
    for model, pk in {*cited_records(citation), *getattr(citation, "_cited_before", [])}:
        store(model.objects.filter(pk=pk))
