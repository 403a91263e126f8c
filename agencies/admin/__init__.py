"""Django admin for the record: shared behaviour in base.py, one admin per model in records.py."""

from . import records  # noqa: F401  (registers the admins)
