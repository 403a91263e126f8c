"""Publishing and withdrawing records, under one rule: a public fact has a published source.

A record other than a source is published only when at least one of its citations cites a
published source. A source that is the only published support of a public fact cannot be
withdrawn. The change form, the list actions and the imports all ask these functions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction

from ..choices import Publication
from ..models import CITATION_FIELD_OF, CITED_FIELDS, Citation, Publishable, Source
from .statuses import Touched, refresh_statuses, touched_by

NEEDS_SOURCE = (
    "add a citation of a published source, with the exact quote that supports it, then publish"
)


def describe(record) -> str:
    return f"{record._meta.verbose_name} “{record}”"


def missing_support(record: Publishable, *, sources: Iterable[Source] | None = None) -> str:
    """Why the record may not be public, or "" when it may. `sources` are the sources its
    citations will cite (a form about to be saved); by default, those it cites now."""
    if not record.needs_source:
        return ""
    if sources is None:
        field_name = CITATION_FIELD_OF[record._meta.model_name]
        sources = (
            Source.objects.filter(**{f"citations__{field_name}": record}).distinct()
            if record.pk
            else []
        )
    sources = list(sources)
    if any(source.is_published for source in sources):
        return ""
    if not sources:
        return f"{describe(record)} has no citation: {NEEDS_SOURCE}."
    drafts = "; ".join(sorted(str(source) for source in sources))
    return (
        f"{describe(record)} cites only draft sources ({drafts}): publish one of them first, "
        f"or {NEEDS_SOURCE}."
    )


def is_public(record) -> bool:
    return type(record).objects.public().filter(pk=record.pk).exists()


def sourced_elsewhere(record, *, not_by: Citation | None = None, not_in: Source | None = None):
    """Whether a public record keeps a citation of a published source without the citation
    `not_by` or the source `not_in`."""
    others = Citation.objects.supporting(type(record), record)
    if not_by is not None:
        others = others.exclude(pk=not_by.pk)
    if not_in is not None:
        others = others.exclude(source=not_in)
    return others.exists()


def facts_resting_on(source: Source) -> list:
    """The public facts whose only published source is this one: withdrawing it would leave
    them unsourced."""
    citations = source.citations.select_related(*CITED_FIELDS)
    records = {citation.record for citation in citations} - {None}
    resting = [r for r in records if is_public(r) and not sourced_elsewhere(r, not_in=source)]
    return sorted(resting, key=str)


def withdrawal_refusal(source: Source) -> str:
    """Why the source may not become a draft, or "" when it may."""
    facts = facts_resting_on(source)
    if not facts:
        return ""
    named = "; ".join(describe(fact) for fact in facts)
    return (
        f"Source “{source}” is the only published source of {named}: cite another published "
        "source for them first, or withdraw them."
    )


@dataclass
class Outcome:
    done: list = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # one plain reason per record refused


@transaction.atomic
def publish(*, records: Iterable[Publishable]) -> Outcome:
    """Publish each draft given that may be public; name each that may not and why."""
    outcome = Outcome()
    touched = Touched()
    for record in records:
        if record.is_published:
            continue
        if reason := missing_support(record):
            outcome.refused.append(reason)
            continue
        record.publication = Publication.PUBLISHED
        record.save()  # one by one, so each change is in the record's history
        outcome.done.append(record)
        touched |= touched_by(record)
    refresh_statuses(agency_ids=touched.agencies, action_ids=touched.actions)
    return outcome


@transaction.atomic
def withdraw(*, records: Iterable[Publishable]) -> Outcome:
    """Return each published record given to draft, unless it is a source that is the only
    published support of a public fact."""
    outcome = Outcome()
    touched = Touched()
    for record in records:
        if not record.is_published:
            continue
        if isinstance(record, Source) and (reason := withdrawal_refusal(record)):
            outcome.refused.append(reason)
            continue
        touched |= touched_by(record)
        record.publication = Publication.DRAFT
        record.save()
        outcome.done.append(record)
    refresh_statuses(agency_ids=touched.agencies, action_ids=touched.actions)
    return outcome


def citation_change_refusal(citation: Citation, *, deleting: bool = False) -> str:
    """Why a stored citation may not be changed as it stands in memory (moved to another
    record or to a draft source) or deleted, or "" when it may: it must not leave a public
    fact without a published source."""
    stored = Citation.objects.filter(pk=citation.pk).select_related("source").first()
    if stored is None or not stored.source.is_published:
        return ""
    record = stored.record
    if not deleting:
        same_record = all(
            getattr(citation, f"{name}_id") == getattr(stored, f"{name}_id")
            for name in CITED_FIELDS
        )
        source_published = Source.objects.published().filter(pk=citation.source_id).exists()
        if same_record and source_published:
            return ""
    if record is None or not is_public(record) or sourced_elsewhere(record, not_by=stored):
        return ""
    return (
        f"This citation is the only published source of {describe(record)}: cite another "
        "published source for it first, or withdraw it."
    )
