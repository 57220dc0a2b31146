"""Dates and times as people read them: in the EVENT's time zone (never the server's), 24-hour
clock, day first, in both languages (the formats themselves are in config/formats/). Every label
of a time in Python code comes from here; templates use the `tz` tags with the same formats."""

import datetime as dt
import zoneinfo

from django.utils.formats import date_format, time_format


def zone_of(obj) -> zoneinfo.ZoneInfo:
    """The time zone of an event (or of anything with a `tzinfo`), or a zone itself."""
    return obj if isinstance(obj, dt.tzinfo) else obj.tzinfo


def local(value: dt.datetime, zone) -> dt.datetime:
    """`value` on the wall clock of `zone` (an event, or a tzinfo)."""
    return value.astimezone(zone_of(zone))


def hhmm(value: dt.datetime, zone) -> str:
    """24-hour wall-clock time, e.g. "14:20"."""
    return time_format(local(value, zone), "H:i")


def time_range(start: dt.datetime, end: dt.datetime, zone) -> str:
    """E.g. "14:20–14:40"."""
    return f"{hhmm(start, zone)}–{hhmm(end, zone)}"


def day(value: dt.date | dt.datetime, zone=None) -> str:
    """The day in the active language's short form, e.g. "26/11/2019"."""
    if isinstance(value, dt.datetime):
        value = local(value, zone).date()
    return date_format(value, "SHORT_DATE_FORMAT")


def long_day(value: dt.date | dt.datetime, zone=None) -> str:
    """The day in words, e.g. "26 novembre 2019"."""
    if isinstance(value, dt.datetime):
        value = local(value, zone).date()
    return date_format(value, "DATE_FORMAT")


def day_and_time(value: dt.datetime, zone) -> str:
    """E.g. "26/11/2019 14:20"."""
    return f"{day(value, zone)} {hhmm(value, zone)}"


def today(zone) -> dt.date:
    """Today's date on the wall clock of `zone` (an event, or a tzinfo)."""
    from django.utils import timezone

    return timezone.now().astimezone(zone_of(zone)).date()
