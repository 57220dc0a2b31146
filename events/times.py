"""Dates and times in the EVENT's time zone (never the server's). Forms take a day and a time;
these helpers turn them into aware datetimes and back."""

import datetime as dt

from .models import Event


def event_days(event: Event) -> list[dt.date]:
    days = (event.end_date - event.start_date).days + 1
    return [event.start_date + dt.timedelta(days=i) for i in range(max(days, 1))]


def event_datetime(event: Event, day: dt.date, time: dt.time) -> dt.datetime:
    """An aware datetime for a wall-clock time on a day of the event, in its time zone."""
    return dt.datetime.combine(day, time.replace(tzinfo=None), tzinfo=event.tzinfo)
