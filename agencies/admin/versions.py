"""No lost edit in admin. A change form carries, signed, the stored values of the fields it
writes as they were when it was opened; a list page carries the time it was shown. A save
whose record another editor changed since is refused, naming what they changed; a list action
acts only on the records nobody saved since. Values, not a counter: what the system derives
(a status) is no field a form writes, so it is never a conflict."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import flatten_fieldsets
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.forms.models import BaseInlineFormSet
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy

from ..dates import PreciseDate
from ..services.publishing import describe

VERSION = "version"  # the change form's hidden field
SHOWN_AT = "shown_at"  # the list page's hidden field
SALT = "agencies.admin.versions"


# What a form writes, and its values as stored.


def written_fields(form: forms.ModelForm) -> list[str]:
    """The model fields this form writes; a precise date's precision goes with its date."""
    opts = form._meta.model._meta
    fields = {f.name for f in [*opts.concrete_fields, *opts.many_to_many] if not f.primary_key}
    names = [name for name in form.fields if name in fields]
    return [*names, *(f"{n}_precision" for n in names if f"{n}_precision" in fields)]


def stored_values(record: models.Model, names: list[str]) -> dict[str, str | list[str] | None]:
    """The record's values of these fields, as JSON (a relation as its key)."""
    values: dict[str, str | list[str] | None] = {}
    for name in names:
        field = record._meta.get_field(name)
        if field.many_to_many:
            pks = getattr(record, name).values_list("pk", flat=True) if record.pk else []
            values[name] = sorted(str(pk) for pk in pks)
        elif field.value_from_object(record) is None:
            values[name] = None
        else:
            values[name] = field.value_to_string(record)
    return values


def shown(field: models.Field, value, precision: str | None = None) -> str:
    """A stored value as an editor reads it: a name, not a key; a label, not a code."""
    if value in (None, "", []):
        return "empty"
    if field.many_to_many:
        text = "; ".join(str(o) for o in field.related_model._base_manager.filter(pk__in=value))
    elif field.is_relation:
        related = field.related_model._base_manager.filter(pk=value).first()
        text = str(related) if related else f"#{value}, since deleted"
    elif field.choices:
        text = str(dict(field.flatchoices).get(value, value))
    elif precision:
        text = str(PreciseDate(datetime.date.fromisoformat(value), precision))
    elif isinstance(field, models.BooleanField):
        text = "yes" if value == "True" else "no"
    else:
        text = Truncator(value).chars(200)
    return f"“{text}”"


def by_whom(model, pk, since: datetime.datetime | None = None) -> str:
    """Who last saved the record (after `since`) and when, from its history ("" if unknown)."""
    history = getattr(model, "history", None)
    if history is None:
        return ""
    rows = history.filter(**{model._meta.pk.attname: pk})
    row = (
        (rows if since is None else rows.filter(history_date__gt=since))
        .select_related("history_user")
        .order_by("-history_date")
        .first()
    )
    if row is None:
        return ""
    when = date_format(timezone.localtime(row.history_date), "j M Y H:i")
    user = row.history_user
    return f"by {user.get_username()}, {when}" if user else when


# The change form's version.


@dataclass(frozen=True)
class Opened:
    pk: int
    at: datetime.datetime
    values: dict | None  # None: the row was gone when the form was last shown


def sign_version(record: models.Model, values: dict | None) -> str:
    payload = {
        "model": record._meta.label_lower,
        "pk": record.pk,
        "at": timezone.now().isoformat(),
        "values": values,
    }
    return signing.dumps(payload, salt=SALT, compress=True)


def read_version(token: str, model) -> Opened | None:
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if payload.get("model") != model._meta.label_lower:
        return None
    return Opened(payload["pk"], datetime.datetime.fromisoformat(payload["at"]), payload["values"])


class VersionedForm(forms.ModelForm):
    """A change form (or an inline's row) that refuses to overwrite another editor's change."""

    version = forms.CharField(required=False, widget=forms.HiddenInput)
    row_gone = False  # an inline row whose record was deleted since the page was opened

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk is not None:
            record = self.instance
            if record._state.db is None:
                # simple-history's revert form holds a past version built in memory: the
                # version opened is the stored row's.
                record = type(record)._base_manager.get(pk=record.pk)
            self.initial[VERSION] = sign_version(record, stored_values(record, self.written))

    @functools.cached_property
    def written(self) -> list[str]:
        return written_fields(self)

    def clean(self):
        cleaned = super().clean()
        self.check_version(cleaned.get(VERSION) or "")
        return cleaned

    def check_version(self, token: str) -> None:
        model = self._meta.model
        opened = read_version(token, model)
        if opened is None and self.instance.pk is None:
            return  # a new record, or a new row
        if opened is None or (self.instance.pk is not None and opened.pk != self.instance.pk):
            self.refuse(
                self.instance,
                [
                    "This form carried no version of the record it edits, so nothing was saved. "
                    "It now carries the version stored now: check your changes and save again."
                ],
            )
        # Under a row lock until the save commits (on SQLite, IMMEDIATE transactions already
        # serialise writers): no other save can slip in between this check and this write.
        stored = (
            model._base_manager.select_for_update().filter(pk=opened.pk).first()
            if self.instance.pk is not None
            else None  # a row shown that is no longer this record's
        )
        name = model._meta.verbose_name
        if stored is None:
            who = by_whom(model, opened.pk, opened.at)
            self.row_gone = True
            raise ValidationError(
                f"Another editor deleted a {name} shown here, or moved it to another record, "
                f"after you opened the page{f' ({who})' if who else ''}, so nothing was saved. "
                "Reload the page to go on from the record as it is now (copy what you typed "
                "first)."
            )
        # What the form does not write is saved as stored now, not as read before the lock.
        for field in model._meta.concrete_fields:
            if field.name not in self.written and not field.primary_key:
                setattr(self.instance, field.attname, getattr(stored, field.attname))
        now = stored_values(stored, self.written)
        then = opened.values or {}
        changed = [n for n in self.written if n in then and then[n] != now[n]]
        if not changed:
            return
        who = by_whom(model, stored.pk, opened.at)
        lines = [
            f"Another editor changed this {name} after you opened it, so nothing was saved. "
            "Your values are below: check them against theirs, then save again to keep yours."
        ]
        for field_name in changed:
            if field_name.endswith("_precision") and field_name[: -len("_precision")] in then:
                field_name = field_name[: -len("_precision")]  # one line for a precise date
                if field_name in changed:
                    continue
            field = model._meta.get_field(field_name)
            precision = f"{field_name}_precision"
            lines.append(
                f"{field.verbose_name[:1].upper()}{field.verbose_name[1:]}: "
                f"{shown(field, then[field_name], then.get(precision))} when you opened it, "
                f"now {shown(field, now[field_name], now.get(precision))}"
                f"{f' (changed {who})' if who else ''}."
            )
        self.refuse(stored, lines, now)

    def refuse(self, stored: models.Model, lines: list[str], values: dict | None = None) -> None:
        """Refuse this save; the form shown again carries the version stored now, so saving
        again overwrites on purpose."""
        if values is None:
            values = stored_values(stored, self.written)
        self.data = self.data.copy()
        self.data[self.add_prefix(VERSION)] = sign_version(stored, values)
        raise ValidationError(lines)


class VersionedFormSet(BaseInlineFormSet):
    """An inline's rows, each versioned; notes the rows another editor added meanwhile (they
    are kept: this save does not touch them)."""

    added_meanwhile: list[models.Model] = []

    def clean(self) -> None:
        super().clean()
        # Admin shows a row only while its record exists, so a deleted row's refusal is
        # said above the rows, not in a row that is no longer drawn.
        gone = [
            error
            for form in self.initial_forms
            if form.row_gone
            for error in form.non_field_errors()
        ]
        if gone:
            raise ValidationError(gone)
        shown_pks = {form.instance.pk for form in self.initial_forms}
        if self.instance.pk is not None:
            self.added_meanwhile = [r for r in self.get_queryset() if r.pk not in shown_pks]


def with_version_field(fieldsets) -> list:
    fieldsets = list(fieldsets)
    if VERSION in flatten_fieldsets(fieldsets):
        return fieldsets
    (name, options), *rest = fieldsets
    return [(name, {**options, "fields": [*options["fields"], VERSION]}), *rest]


class VersionedInline:
    """Mixed into an inline: its rows carry their versions."""

    form = VersionedForm
    formset = VersionedFormSet

    def get_fieldsets(self, request, obj=None):
        return with_version_field(super().get_fieldsets(request, obj))


# The list page's time.


def shown_now() -> str:
    return signing.dumps(timezone.now().isoformat(), salt=f"{SALT}.shown")


def read_shown(token: str) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromisoformat(signing.loads(token, salt=f"{SALT}.shown"))
    except (signing.BadSignature, TypeError, ValueError):
        return None


class ShownActionForm(helpers.ActionForm):
    """The list's action form, carrying the time the list was shown."""

    shown_at = forms.CharField(
        label="", required=False, widget=forms.HiddenInput, initial=shown_now
    )


def unchanged_since_shown(request, queryset: models.QuerySet, *, not_done: str):
    """The records of `queryset` nobody saved since the page posting this request was shown,
    locked until the transaction ends; those saved since are named in an error, so the editor
    looks at them again. A record's `updated_at` moves with every save of it and of its facts
    (a citation), never with a derived status."""
    model = queryset.model
    shown_at = read_shown(request.POST.get(SHOWN_AT, ""))
    # A list's queryset may be grouped (a count column), which cannot be locked: lock by key.
    pks = list(queryset.values_list("pk", flat=True))
    locked = model._base_manager.select_for_update().filter(pk__in=pks).order_by("pk")
    if shown_at is None:
        messages.error(
            request, f"{not_done}: this page carried no time it was shown. Reload it and try again."
        )
        return queryset.none()
    changed = [record for record in locked if record.updated_at > shown_at]
    if changed:
        named = "; ".join(
            f"{describe(r)}{f' ({who})' if (who := by_whom(model, r.pk, shown_at)) else ''}"
            for r in changed
        )
        messages.error(
            request,
            f"{not_done}, changed since this page was shown (look at them again first): {named}.",
        )
    return queryset.exclude(pk__in=[record.pk for record in changed])


def refuses_changed_since_shown(not_done: str):
    """A list action that acts only on the records nobody saved since the list was shown."""

    def decorate(action):
        @functools.wraps(action)
        def checked(modeladmin, request, queryset):
            with transaction.atomic(using=router.db_for_write(queryset.model)):
                unchanged = unchanged_since_shown(request, queryset, not_done=not_done)
                return action(modeladmin, request, unchanged)

        return checked

    return decorate


delete_confirmed = refuses_changed_since_shown("Not deleted")(django_delete_selected)


class VersionedAdmin:
    """Mixed into a record's admin: its change form, its inlines' rows, its list actions and its
    delete confirmation refuse to overwrite what another editor saved since they were shown."""

    action_form = ShownActionForm
    delete_selected_confirmation_template = "admin/agencies/delete_selected_confirmation.html"
    actions = ["delete_selected"]

    def get_fieldsets(self, request, obj=None):
        return with_version_field(super().get_fieldsets(request, obj))

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # A restore is a save: one transaction, so the row lock holds until it is written.
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        for formset in formsets:
            for record in getattr(formset, "added_meanwhile", []):
                who = by_whom(type(record), record.pk)
                messages.warning(
                    request,
                    f"Another editor added {describe(record)} after you opened the page"
                    f"{f' ({who})' if who else ''}: it is kept as they saved it.",
                )

    @admin.action(
        permissions=["delete"], description=gettext_lazy("Delete selected %(verbose_name_plural)s")
    )
    def delete_selected(self, request, queryset):
        if request.POST.get("post"):  # the confirmation, answered
            return delete_confirmed(self, request, queryset)
        response = django_delete_selected(self, request, queryset)
        if isinstance(response, TemplateResponse):
            response.context_data[SHOWN_AT] = shown_now()  # the confirmation's own time
        return response
