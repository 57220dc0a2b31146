"""Calendars (RFC 5545) of a participant's day and of an event's programme, built with the
`icalendar` library from the items of events/day.py (`day_items`): the one home of a person's day.

Each item carries its stored UID and SEQUENCE (made once, raised by the services on every change
of time, place or status; never computed) and when it changed last. Times are written in the
event's zone with a VTIMEZONE for it; DTSTAMP is the item's last change (RFC 5545 3.8.7.2: without
a METHOD it is the time the information was last revised), so the same data gives the same bytes
and the ETag only changes when something did. Escaping and line folding are the library's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable

import icalendar
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _

from core import sites, times

from .day import Stretch
from .enums import DayKind

PRODID = "-//Osez//Rencontres ESS//FR"
# How often calendar apps are asked to fetch a feed again (most apply their own, slower pace).
REFRESH = dt.timedelta(hours=1)
CONTENT_TYPE = "text/calendar; charset=utf-8"


def _summary(item: Stretch) -> str:
    if item.kind == DayKind.MEETING:
        return _("Meeting · %(name)s") % {"name": item.label}
    if item.kind == DayKind.PITCHES:
        return _("Pitch session: %(title)s") % {"title": item.label}
    return item.label


def _location(item: Stretch, event) -> str:
    venue = ", ".join(part for part in (event.venue, event.address) if part)
    return " · ".join(part for part in (item.location, venue) if part)


def _vevent(item: Stretch, event, fallback_stamp: dt.datetime) -> icalendar.Event:
    stamp = item.modified or fallback_stamp
    vevent = icalendar.Event()
    vevent.add("uid", item.uid)
    vevent.add("sequence", item.sequence)
    vevent.add("dtstamp", stamp.astimezone(dt.UTC))
    vevent.add("last-modified", stamp.astimezone(dt.UTC))
    vevent.add("dtstart", times.local(item.start, event))
    vevent.add("dtend", times.local(item.end, event))
    vevent.add("summary", _summary(item))
    location = _location(item, event)
    if location:
        vevent.add("location", location)
    if item.description:
        vevent.add("description", item.description)
    vevent.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
    vevent.add("transp", "OPAQUE" if item.busy else "TRANSPARENT")
    return vevent


def _calendar() -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    return cal


def _timezone(event, shown: list[Stretch]) -> icalendar.Timezone:
    """The VTIMEZONE of the event's zone, its transitions covering the items and the event with
    a year's margin either side."""
    first = min([event.start_date, *(times.local(i.start, event).date() for i in shown)])
    last = max([event.end_date, *(times.local(i.end, event).date() for i in shown)])
    return icalendar.Timezone.from_tzid(
        event.time_zone,
        first_date=first - dt.timedelta(days=366),
        last_date=last + dt.timedelta(days=366),
    )


def build(event, items: Iterable[Stretch], *, name: str) -> bytes:
    """A calendar of `items` (those without a UID, such as personal unavailability, are left
    out), with the VTIMEZONE of the event's zone. The same items give the same bytes."""
    shown = [item for item in items if item.uid]
    cal = _calendar()
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", event.time_zone)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    # An X- property has no known type: the duration is given typed, or it would be "1:00:00".
    cal.add("x-published-ttl", icalendar.vDuration(REFRESH))
    cal.add_component(_timezone(event, shown))
    fallback = dt.datetime.combine(event.start_date, dt.time(), tzinfo=dt.UTC)
    for item in shown:
        cal.add_component(_vevent(item, event, fallback))
    return cal.to_ical()


def last_modified(items: Iterable[Stretch]) -> dt.datetime | None:
    stamps = [item.modified for item in items if item.uid and item.modified]
    return max(stamps) if stamps else None


def response(
    request: HttpRequest, body: bytes, *, filename: str, modified: dt.datetime | None
) -> HttpResponse:
    """The calendar with its content type, a filename, an ETag of its bytes and Last-Modified;
    304 when the client's If-None-Match names the same bytes. Only the ETag decides: an item
    that left the calendar (a seat given up) leaves no newer date behind, so Last-Modified alone
    could answer 304 wrongly."""
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    not_modified = get_conditional_response(request, etag=etag)
    if isinstance(not_modified, HttpResponseNotModified):
        response = not_modified
    elif not_modified is not None:  # 412 on a failed If-Match
        return not_modified
    else:
        response = HttpResponse(body, content_type=CONTENT_TYPE)
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["ETag"] = etag
    if modified is not None:
        response["Last-Modified"] = http_date(modified.timestamp())
    response["Cache-Control"] = "private, no-cache"
    return response


def feed_links(event, registration) -> dict:
    """The addresses of a registration's private feed, for templates/events/_calendar_feed.html:
    the https URL to copy and the webcal:// one that opens the calendar app to subscribe."""
    url = sites.absolute_url(reverse("events:calendar_feed", args=[registration.ical_token]))
    return {
        "https": url,
        "webcal": "webcal://" + url.split("://", 1)[1],
        "regenerate": reverse("events:calendar_regenerate", args=[event.slug]),
    }


def itip(
    event,
    items: Iterable[Stretch],
    *,
    method: str,
    organizer: str,
    attendee: str,
    stamp: dt.datetime,
    name: str = "",
) -> bytes:
    """An iTIP message (RFC 5546, sent by email as in RFC 6047) of `items`, so mail clients put
    the entries in the calendar and update them in place: METHOD (REQUEST, or CANCEL for items
    removed: each then STATUS:CANCELLED), the same UID and SEQUENCE as the feeds, ORGANIZER (the
    site's sender address) and the recipient as ATTENDEE on each VEVENT, DTSTAMP the time the
    message was made (3.8.7.2: with a METHOD it is that time), the VTIMEZONE of the event's zone."""
    cancel = method == "CANCEL"
    shown = [item for item in items if item.uid]
    cal = _calendar()
    cal.add("method", method)
    cal.add_component(_timezone(event, shown))
    for item in shown:
        vevent = _vevent(item, event, stamp)
        vevent.pop("dtstamp")
        vevent.add("dtstamp", stamp.astimezone(dt.UTC))
        if cancel:
            vevent.pop("status")
            vevent.add("status", "CANCELLED")
        vevent.add("organizer", f"mailto:{organizer}", parameters={"CN": name or sites.site_name()})
        vevent.add(
            "attendee",
            f"mailto:{attendee}",
            parameters={
                "CUTYPE": "INDIVIDUAL",
                "ROLE": "REQ-PARTICIPANT",
                "PARTSTAT": "ACCEPTED",
                "RSVP": "FALSE",
            },
        )
        cal.add_component(vevent)
    return cal.to_ical()
