"""The read-only JSON API at /api/v1/ (django-ninja): published records only, with the pages'
filters, stable page-numbered pagination, and an OpenAPI document at /api/v1/openapi.json."""

from .endpoints import api

__all__ = ["api"]
