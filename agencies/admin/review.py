"""One review queue: every record of every kind marked ready for review, with what changed
since its last published version, published from one page by a publisher."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import admin, messages
from django.contrib.auth import get_permission_codename
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from ..choices import Publication
from ..history import FieldChange, changes_since_published
from ..models import PUBLISHABLE_MODELS
from ..services import publishing
from . import versions


@dataclass
class Awaiting:
    record: object
    key: str  # "model:pk", the checkbox's value
    change_url: str
    preview_url: str
    changes: list[FieldChange] | None  # None: never published


def may_publish(request: HttpRequest, model) -> bool:
    codename = get_permission_codename("publish", model._meta)
    return request.user.has_perm(f"{model._meta.app_label}.{codename}")


def awaiting_review() -> list[tuple[str, list[Awaiting]]]:
    """Each kind of record with its records ready for review, oldest change first."""
    queue = []
    for model in PUBLISHABLE_MODELS:
        records = model.objects.filter(publication=Publication.REVIEW).order_by("updated_at")
        items = [
            Awaiting(
                record,
                f"{model._meta.model_name}:{record.pk}",
                reverse(f"admin:agencies_{model._meta.model_name}_change", args=[record.pk]),
                f"{record.get_absolute_url()}?preview",
                changes_since_published(record),
            )
            for record in records
        ]
        if items:
            queue.append((model, items))
    return queue


@require_http_methods(["GET", "POST"])
def review_queue(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        with transaction.atomic():
            publish_chosen(request)
        return HttpResponseRedirect(request.path)
    queue = [
        (model._meta.verbose_name_plural, may_publish(request, model), items)
        for model, items in awaiting_review()
    ]
    context = admin.site.each_context(request) | {
        "title": "Ready for review",
        "queue": queue,
        "total": sum(len(items) for _, _, items in queue),
        "shown_at": versions.shown_now(),
    }
    return render(request, "admin/review_queue.html", context)


def publish_chosen(request: HttpRequest) -> None:
    """Publish the records ticked, each kind as its publisher may, but none saved since the
    queue was shown: the publisher reviewed what the page showed."""
    chosen: dict[str, list[str]] = {}
    for key in request.POST.getlist("publish"):
        name, _, pk = key.partition(":")
        chosen.setdefault(name, []).append(pk)
    for model in PUBLISHABLE_MODELS:
        pks = [pk for pk in chosen.get(model._meta.model_name, []) if pk.isdigit()]
        if not pks:
            continue
        if not may_publish(request, model):
            messages.error(request, f"You may not publish {model._meta.verbose_name_plural}.")
            continue
        records = versions.unchanged_since_shown(
            request, model.objects.filter(pk__in=pks), not_done="Not published"
        )
        outcome = publishing.publish(records=records)
        for record in outcome.done:
            messages.success(request, f"Published: {record}.")
        for reason in outcome.refused:
            messages.error(request, f"Refused. {reason}")
