"""Atom feeds of public timeline events: everything, one agency, vendor, incident or action.

Each entry's id names its record and step, so it stays the same when the record is corrected;
<published> is when the fact was first published here, <updated> when it was last corrected."""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed

from .models import Agency, Incident, RegulatoryAction, Vendor
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
        # A tag URI of the event's record and step: the same whatever host serves the feed and
        # whatever is corrected in it (its title, its date), so a correction updates the entry.
        return f"tag:{TAG_AUTHORITY}:{event.key}"

    item_guid_is_permalink = False

    def item_pubdate(self, event) -> datetime.datetime:
        """When the fact was first published here (the event's own date is in its title)."""
        return event.first_published or self.item_updateddate(event)

    def item_updateddate(self, event) -> datetime.datetime:
        """When the entry was added or last corrected: a correction reappears as updated."""
        return event.revised or datetime.datetime.combine(
            event.date.value, datetime.time(), tzinfo=datetime.UTC
        )


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


class IncidentFeed(EventsFeed):
    def get_object(self, request, slug: str):
        return get_object_or_404(records.incident_page_queryset(), slug=slug)

    def title(self, incident: Incident) -> str:
        return f"{incident.title}: the incident and what was said of it"

    def link(self, incident: Incident) -> str:
        return incident.get_absolute_url()

    def items(self, incident: Incident):
        events = [timeline.incident_event(incident)]
        events += timeline.statement_events(c for c in incident.citations.all() if c.speaker_id)
        return timeline.newest_dated(events, FEED_SIZE)


class ActionFeed(EventsFeed):
    def get_object(self, request, slug: str):
        return get_object_or_404(records.action_page_queryset(), slug=slug)

    def title(self, action: RegulatoryAction) -> str:
        return f"{action.title}: its steps and what was said of it"

    def link(self, action: RegulatoryAction) -> str:
        return action.get_absolute_url()

    def items(self, action: RegulatoryAction):
        events = timeline.action_events(action)
        events += timeline.statement_events(c for c in action.citations.all() if c.speaker_id)
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
