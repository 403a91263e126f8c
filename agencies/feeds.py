"""Atom feeds of public timeline events: everything, one agency, vendor, incident or action.

Each entry's id names its record and step, so it stays the same when the record is corrected;
<published> is when the fact was first published here, <updated> when it was last corrected."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import partial

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed

from .models import Agency, Incident, RegulatoryAction, Vendor
from .selectors import records, timeline, timeline_pages
from .summaries import records_summary

FEED_SIZE = 50
TAG_AUTHORITY = "facial-recognition-tracker,2026"


class EventsFeed(Feed):
    feed_type = Atom1Feed
    title = "Facial recognition tracker: new events"
    subtitle = "Uses, incidents, regulatory actions and statements, each with its sources."
    link = "/"

    def items(self):
        # The same for every reader until the next write: kept per write generation, as the
        # dashboard's latest events are.
        return records_summary(
            f"latest-events:{FEED_SIZE}", partial(timeline.latest_events, limit=FEED_SIZE)
        )

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


class RecordFeed(EventsFeed):
    """The feed of one record: its page's queryset finds it, `events` lists what it holds."""

    queryset: Callable[[], QuerySet]
    holds = "facial recognition events"

    def get_object(self, request, slug: str):
        return get_object_or_404(self.queryset(), slug=slug)

    def title(self, record) -> str:
        return f"{record}: {self.holds}"

    def link(self, record) -> str:
        return record.get_absolute_url()

    def items(self, record):
        return timeline.newest_dated(self.events(record), FEED_SIZE)

    def events(self, record) -> list:
        raise NotImplementedError


def said_of(record) -> list:
    """The statements quoted in a record's own (prefetched) citations."""
    return timeline.statement_events(c for c in record.citations.all() if c.speaker_id)


class AgencyEventsFeed(RecordFeed):
    queryset = staticmethod(records.agency_detail_queryset)

    def events(self, agency: Agency) -> list:
        # The newest events come first in the paged timeline: a feed's worth, from the database.
        newest = timeline_pages.agency_timeline(agency)[:FEED_SIZE]
        return newest + timeline.status_events(agency)


class VendorEventsFeed(RecordFeed):
    queryset = staticmethod(records.vendor_detail_queryset)

    def events(self, vendor: Vendor) -> list:
        return timeline_pages.vendor_timeline(vendor)[:FEED_SIZE]


class IncidentFeed(RecordFeed):
    queryset = staticmethod(records.incident_page_queryset)
    holds = "the incident and what was said of it"

    def events(self, incident: Incident) -> list:
        return [timeline.incident_event(incident), *said_of(incident)]


class ActionFeed(RecordFeed):
    queryset = staticmethod(records.action_page_queryset)
    holds = "its steps and what was said of it"

    def events(self, action: RegulatoryAction) -> list:
        replies = [timeline.said_event(statement) for statement in action.replies]
        return [*timeline.action_events(action), *replies, *said_of(action)]
