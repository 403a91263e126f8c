"""Dates in admin as a newsroom types them: one box per date, whose form sets its precision."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from ..dates import ACCEPTED_FORMS, PreciseDate, parse_typed


class PreciseDateField(forms.CharField):
    """A date typed as 27 Feb 2020, Feb 2020 or 2020 (and other forms): cleaned to a
    PreciseDate, so the precision follows what was typed."""

    def __init__(self, *, required: bool = False, **kwargs) -> None:
        kwargs.setdefault("help_text", f"Type it as it is known: {ACCEPTED_FORMS}.")
        super().__init__(required=required, **kwargs)

    def to_python(self, value) -> PreciseDate | None:
        text = super().to_python(value).strip()
        if not text:
            return None
        parsed = parse_typed(text)
        if parsed is None:
            raise ValidationError(
                f"“{text}” is not a date this form reads. Type it as one of: {ACCEPTED_FORMS}.",
                code="invalid",
            )
        return parsed


def precise_date_names(model) -> list[str]:
    """The model's date fields that have a precision beside them."""
    names = {field.name for field in model._meta.concrete_fields}
    return [name for name in names if f"{name}_precision" in names]


class PreciseDatesForm(forms.ModelForm):
    """A model form whose precise dates are typed in one box each (the precision is set from
    what was typed, so its own select is not shown)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in precise_date_names(self._meta.model):
            if name not in self.fields:
                continue
            old = self.fields[name]
            self.fields[name] = PreciseDateField(label=old.label, required=old.required)
            value = getattr(self.instance, name, None)
            if value is not None and name not in self.data:
                precision = getattr(self.instance, f"{name}_precision")
                self.initial[name] = str(PreciseDate(value, precision))

    def clean(self):
        cleaned = super().clean()
        for name in precise_date_names(self._meta.model):
            typed = cleaned.get(name)
            if isinstance(typed, PreciseDate):
                cleaned[name] = typed.value
                setattr(self.instance, f"{name}_precision", typed.precision)
        return cleaned
