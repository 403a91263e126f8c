"""Dates carry their precision: shown as precisely as known, sorted correctly."""

import datetime

import pytest

from agencies.dates import PreciseDate
from agencies.models import Source

from . import factories as f


@pytest.mark.parametrize(
    ("value", "precision", "shown", "iso"),
    [
        (datetime.date(2020, 2, 5), "day", "5 Feb 2020", "2020-02-05"),
        (datetime.date(2019, 10, 17), "month", "Oct 2019", "2019-10"),
        (datetime.date(2019, 10, 17), "year", "2019", "2019"),
    ],
)
def test_a_date_shows_only_what_is_known(value, precision, shown, iso):
    date = PreciseDate(value, precision)
    assert str(date) == shown
    assert date.isoformat() == iso


def test_month_is_not_the_first_of_the_month():
    assert str(PreciseDate(datetime.date(2019, 10, 1), "month")) != str(
        PreciseDate(datetime.date(2019, 10, 1), "day")
    )


def test_dates_of_mixed_precision_sort_in_time_order():
    dates = [
        PreciseDate(datetime.date(2020, 2, 5), "day"),
        PreciseDate(datetime.date(2019, 10, 1), "month"),
        PreciseDate(datetime.date(2020, 1, 1), "year"),
        PreciseDate(datetime.date(2019, 10, 1), "day"),
        PreciseDate(datetime.date(2020, 1, 18), "day"),
    ]
    assert [str(date) for date in sorted(dates)] == [
        "Oct 2019",
        "1 Oct 2019",
        "2020",
        "18 Jan 2020",
        "5 Feb 2020",
    ]


@pytest.mark.django_db
def test_the_database_sorts_mixed_precision_dates_in_time_order():
    f.make_source(slug="day", published_on=datetime.date(2020, 2, 26), published_on_precision="day")
    f.make_source(
        slug="month", published_on=datetime.date(2019, 10, 20), published_on_precision="month"
    )
    f.make_source(
        slug="year", published_on=datetime.date(2020, 7, 1), published_on_precision="year"
    )
    newest_first = Source.objects.order_by("-published_on").values_list("slug", flat=True)
    assert list(newest_first) == ["day", "year", "month"]
    shown = [str(source.published) for source in Source.objects.order_by("published_on")]
    assert shown == ["Oct 2019", "2020", "26 Feb 2020"]
