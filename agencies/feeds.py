"""Atom feeds of published timeline events: everything, one agency, one vendor."""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import slugify

from .models import Agency, Vendor
from .selectors import records, timeline

FEED_SIZE = 50
TAG_AUTHORITY = "facial-recognition-tracker,2026"


class EventsFeed(Feed):
    feed_type = Atom1Feed
    title = "Facial recognition tracker: new events"
    subtitle = "Uses, incidents, regulatory actions and statements, each with its sources."
    link = "/"

    def items(self):
        return timeline.latest_events(limit=FEED_SIZE)

    def item_title(self, event) -> str:
        return f"{event.date}: {event.title}"

    def item_description(self, event) -> str:
        sources = "; ".join(
            dict.fromkeys(  # each source once, however many of its quotes back the event
                f"{citation.source.publisher}, {citation.source.cited_title}"
                for citation in event.citations
            )
        )
        parts = [event.detail, f"Sources: {sources}." if sources else ""]
        return " ".join(part for part in parts if part)

    def item_link(self, event) -> str:
        return event.url or "/"

    def item_guid(self, event) -> str:
        # A tag URI stays the same whatever host serves the feed. Two events may share a page
        # (an action opening and closing), so the id adds what happened and when.
        anchor = f"{event.kind}-{event.date.isoformat()}-{slugify(event.title)[:60]}"
        return f"tag:{TAG_AUTHORITY}:{event.url or '/'}#{anchor}"

    item_guid_is_permalink = False

    def item_pubdate(self, event) -> datetime.datetime:
        return datetime.datetime.combine(event.date.value, datetime.time(), tzinfo=datetime.UTC)

    # Atom requires <updated> on every entry: an event is not revised, only its record is.
    item_updateddate = item_pubdate


class AgencyEventsFeed(EventsFeed):
    def get_object(self, request, slug: str):
        return get_object_or_404(records.agency_detail_queryset(), slug=slug)

    def title(self, agency: Agency) -> str:
        return f"{agency.name}: facial recognition events"

    def link(self, agency: Agency) -> str:
        return agency.get_absolute_url()

    def items(self, agency: Agency):
        events = timeline.agency_timeline(agency) + timeline.status_events(agency)
        return timeline.newest_dated(events, FEED_SIZE)


class VendorEventsFeed(EventsFeed):
    def get_object(self, request, slug: str):
        return get_object_or_404(records.vendor_detail_queryset(), slug=slug)

    def title(self, vendor: Vendor) -> str:
        return f"{vendor.name}: facial recognition events"

    def link(self, vendor: Vendor) -> str:
        return vendor.get_absolute_url()

    def items(self, vendor: Vendor):
        return timeline.newest_dated(timeline.vendor_timeline(vendor), FEED_SIZE)
