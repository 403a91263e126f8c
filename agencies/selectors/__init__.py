"""Reads that are more than a filter, one module a concern: records (page querysets), lists,
facets, timeline, dashboard, charts and search."""
