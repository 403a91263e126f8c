"""The incident and action lists: what each entry shows, and what a bad filter says."""

from __future__ import annotations

import datetime
import re

from agencies import choices

from .factories import make_incident


def shown_dates(html: str) -> list[str]:
    """The date each list entry leads with, in the order the list shows them."""
    return re.findall(r'<p class="event-date">[^<]*<time datetime="([^"]+)"', html)


def test_incidents_show_the_date_they_are_sorted_by(client, db):
    day = choices.DatePrecision.DAY
    # Happened long ago but came out last: it heads a list sorted by when things came out.
    make_incident(
        title="Old misuse revealed late",
        occurred_on=datetime.date(2018, 3, 1),
        occurred_on_precision=day,
        disclosed_on=datetime.date(2021, 6, 1),
        disclosed_on_precision=day,
    )
    make_incident(
        title="Recent breach told at once",
        occurred_on=datetime.date(2020, 2, 20),
        occurred_on_precision=day,
        disclosed_on=datetime.date(2020, 2, 26),
        disclosed_on_precision=day,
    )
    html = client.get("/incidents/").content.decode()
    assert html.index("Old misuse revealed late") < html.index("Recent breach told at once")
    assert shown_dates(html) == ["2021-06-01", "2020-02-26"]
    assert "Made public <time" in html
    # When it happened still shows, named as such.
    assert 'occurred <time datetime="2018-03-01">' in html
