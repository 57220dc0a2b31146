"""Dates and times read the same in both languages: day first, 24-hour clock, in the event's
time zone (core/times.py, config/formats/)."""

import datetime as dt
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import translation

from core import times

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
# 21:20 in Paris, 20:20 UTC: an evening time shows whether the 24-hour clock holds.
EVENING = dt.datetime(2026, 12, 6, 20, 20, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("language", "day", "long_day"),
    [("fr", "06/12/2026", "6 décembre 2026"), ("en", "06/12/2026", "6 December 2026")],
)
def test_times_are_day_first_and_24_hour_in_both_languages(language, day, long_day):
    with translation.override(language):
        assert times.hhmm(EVENING, PARIS) == "21:20"
        assert times.day(EVENING, PARIS) == day
        assert times.long_day(EVENING, PARIS) == long_day
        assert times.day_and_time(EVENING, PARIS) == f"{day} 21:20"


def test_time_range_is_in_the_event_zone_not_the_servers():
    tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")

    assert times.time_range(EVENING, EVENING + dt.timedelta(minutes=20), tokyo) == "05:20–05:40"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_templates_short_datetime_has_no_am_pm(language):
    template = Template(
        '{% load tz %}{% timezone "Europe/Paris" %}{{ at|date:"SHORT_DATETIME_FORMAT" }}{% endtimezone %}'
    )

    with translation.override(language):
        assert template.render(Context({"at": EVENING})) == "06/12/2026 21:20"
