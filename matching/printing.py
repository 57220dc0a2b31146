"""Printed documents of an event (core/pdf.py renders them): each participant's agenda on one A4
page, the badges and one sign per table. Venue Wi-Fi and phone batteries fail; paper does not.

Nothing here is a second way of reading a person's day: an agenda page is `events.day.day_items`
grouped by `events.day.by_day`, exactly what "My agenda" shows (matching/schedule_queries.py
`agenda_context`), without what only a live page needs (now, outcomes); a table's sign is where
the participants know their meetings are (`schedule_queries.promised_places`: booked, or in the
published version). Times are in the event's zone (core/times.py); each agenda is written in its
participant's language; the rest in the organiser's.

Long documents are rendered `CHUNK` pages at a time and merged (core/pdf.py `merge_pdfs`):
WeasyPrint lays a whole document out in memory, so one chunk at a time keeps the memory of the
process that renders flat whatever the number of participants; the chunks are rendered in
`processes()` forked children at once (WeasyPrint takes about 50 ms of CPU a page, so a thousand
agendas need the machine's cores). Measured in bench/print_agendas.py (bench/README.md).
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, connections
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core import pdf, times
from core.sites import absolute_url
from events import badges, day
from events import queries as event_queries
from events.enums import DayKind
from events.models import Event, Registration, Table, table_order
from matching import schedule_queries
from matching.enums import RequestStatus
from matching.models import MeetingRequest, PrintJob

CHUNK = 50  # pages per WeasyPrint document before merging (see bench/README.md)

Progress = Callable[[int], None]  # told how many more pages are made


@dataclass(frozen=True)
class Row:
    """One line of a printed agenda: when, what kind, who or what, where."""

    kind: str
    when: str
    what: str
    title: str
    detail: str
    where: str


def _row(item: day.Stretch, event) -> Row:
    when = times.time_range(item.start, item.end, event)
    if item.kind == DayKind.MEETING:
        line = item.obj
        other = line.other
        detail = str(other.user) if other.organisation else ""
        if line.request.pitch is not None:
            about = _("About “%(title)s”") % {"title": line.request.pitch.title}
            detail = f"{detail} · {about}" if detail else about
        title = str(other.organisation or other.user)
        return Row(item.kind, when, _("Meeting"), title, detail, item.location)
    if item.kind == DayKind.SESSION and item.obj is not None:
        what = item.obj.get_kind_display()
    else:
        what = DayKind(item.kind).label
    return Row(item.kind, when, str(what), item.label, "", item.location)


def agenda_page_context(event, registration: Registration, agenda_qr: str = "") -> dict:
    """What one participant's printed agenda shows: their day (the agenda's own reads), their
    check-in code and, when given, the QR code of their live agenda."""
    items = [item for item in day.day_items(event, registration) if not item.cancelled]
    days = [
        (date, times.long_day(date), [_row(item, event) for item in day_items])
        for date, day_items in day.by_day(items, event)
    ]
    code = registration.checkin_code
    return {
        "event": event,
        "registration": registration,
        "days": days,
        "meetings": sum(1 for item in items if item.kind == DayKind.MEETING),
        "checkin_qr": badges.qr_svg(registration, title=_("Check-in code")),
        "checkin_code": " ".join(code[i : i + 4] for i in range(0, len(code), 4)),
        "agenda_qr": agenda_qr,
        "agenda_url": agenda_url(event),
        "dates": _dates(event),
    }


def _dates(event) -> str:
    if event.start_date == event.end_date:
        return times.long_day(event.start_date)
    return f"{times.long_day(event.start_date)} – {times.long_day(event.end_date)}"


def agenda_url(event) -> str:
    """The address of "My agenda" for the event (each person sees their own once logged in)."""
    return absolute_url(reverse("matching:agenda", args=[event.slug]))


def agenda_qr(event) -> str:
    return badges.qr_of(agenda_url(event), title=_("My agenda, live"))


def _agenda_html(event, registration: Registration, qr: str) -> str:
    """One agenda page, in its participant's language."""
    with translation.override(registration.user.language or None):
        context = agenda_page_context(event, registration, qr)
        context["language"] = translation.get_language()
        return render_to_string("print/agenda_page.html", context)


def agendas_pdf(
    event, registrations: Iterable[Registration], *, progress: Progress | None = None
) -> bytes:
    """One page per registration (a very full day continues on a second), in the given order."""
    ids = [r.pk for r in registrations]
    return _chunked(_agenda_chunk, event, ids, CHUNK, progress)


def _agenda_chunk(event_id: int, ids: list[int]) -> bytes:
    event = Event.objects.get(pk=event_id)
    people = _in_order(Registration.objects.select_related("user", "organisation"), ids)
    qr = agenda_qr(event)
    pages = [_agenda_html(event, r, qr) for r in people]  # rendered templates: safe strings
    return pdf.render_pdf("print/agendas.html", {"event": event, "pages": pages})


def agenda_pdf(event, registration: Registration) -> bytes:
    """A participant's own agenda (their download from "My agenda")."""
    return agendas_pdf(event, [registration])


def badges_pdf(event, registrations: Iterable[Registration], *, progress=None) -> bytes:
    """Four badges to an A4 sheet (events/badges.py, as the badges page shows them)."""
    ids = [r.pk for r in registrations]
    per_chunk = CHUNK // badges.BADGES_PER_SHEET * badges.BADGES_PER_SHEET
    return _chunked(_badge_chunk, event, ids, per_chunk, progress, per_page=BADGES_PER_PAGE)


BADGES_PER_PAGE = 4


def _badge_chunk(event_id: int, ids: list[int]) -> bytes:
    event = Event.objects.get(pk=event_id)
    people = _in_order(Registration.objects.select_related("user", "organisation"), ids)
    context = {"event": event, "sheets": badges.sheets(people), "layout": "sheet"}
    return pdf.render_pdf("print/badges.html", context)


def _in_order(queryset, ids: list[int]) -> list:
    rows = queryset.in_bulk(ids)
    return [rows[pk] for pk in ids if pk in rows]


# --- Rendering many pages: in chunks, in parallel when it may -----------------------------------


def processes() -> int:
    """How many processes render a long document: the setting PRINT_PROCESSES (default: one per
    CPU). One inside a transaction: a child process would not see what it has not committed."""
    wanted = getattr(settings, "PRINT_PROCESSES", None) or os.cpu_count() or 1
    return 1 if connection.in_atomic_block else max(1, wanted)


def _chunked(render, event, ids: list, size: int, progress, *, per_page: int = 1) -> bytes:
    """`render(event_id, ids)` for each chunk of `ids`, the PDFs merged in order. With several
    processes, the chunks are rendered in forked children (their own database connections;
    WeasyPrint and the fonts already loaded), the results kept in order."""
    chunks = [ids[i : i + size] for i in range(0, len(ids), size)] or [[]]
    language = translation.get_language()
    workers = min(processes(), len(chunks))
    if workers == 1:
        parts = []
        for chunk in chunks:
            parts.append(render(event.pk, chunk))
            if progress:
                progress(math.ceil(len(chunk) / per_page))
        return pdf.merge_pdfs(parts)
    _close_connections_before_fork()
    parts: list[bytes | None] = [None] * len(chunks)
    context = multiprocessing.get_context("fork")
    with _children_allowed(), ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures = {
            pool.submit(_in_child, render, event.pk, chunk, language): index
            for index, chunk in enumerate(chunks)
        }
        for future in as_completed(futures):
            index = futures[future]
            parts[index] = future.result()
            if progress:
                progress(math.ceil(len(chunks[index]) / per_page))
    return pdf.merge_pdfs(parts)


def _close_connections_before_fork() -> None:
    """The children must not share the parent's connections: closed, and so are the connection
    pools (config/settings.py), whose idle connections a child would otherwise borrow from its
    copy of the pool (and whose threads do not survive a fork). The parent opens a new pool when
    it next connects; each child opens its own."""
    connections.close_all()
    for alias in connections:
        close_pool = getattr(connections[alias], "close_pool", None)
        if close_pool is not None:
            close_pool()


@contextlib.contextmanager
def _children_allowed():
    """A Celery prefork worker runs tasks in daemonic processes, which multiprocessing forbids to
    have children (it could not clean them up). The pool below is joined before this exits, so
    the flag is lifted while it lives (multiprocessing keeps it in the private `_config`)."""
    process = multiprocessing.current_process()
    daemon = process._config.get("daemon")
    process._config["daemon"] = False
    try:
        yield
    finally:
        process._config["daemon"] = daemon


def _in_child(render, event_id: int, ids: list, language: str) -> bytes:
    try:
        with translation.override(language):
            return render(event_id, ids)
    finally:
        connections.close_all()


# --- Table signs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignRow:
    when: str
    a: str
    a_person: str
    b: str
    b_person: str


def _side(registration: Registration) -> tuple[str, str]:
    if registration.organisation is None:
        return str(registration.user), ""
    return str(registration.organisation), str(registration.user)


def table_signs(event, table_ids: list[int] | None = None) -> list[dict]:
    """Every table of the event (or those of `table_ids`), in the organisers' order, with its
    meetings by day and time, where the participants know them to be. A fixed number of
    queries."""
    requests = list(
        MeetingRequest.objects.filter(event=event, status=RequestStatus.ACCEPTED).with_sides()
    )
    places = schedule_queries.promised_places(event, requests)
    at_table: dict[int, list] = defaultdict(list)
    for request in requests:
        place = places.get(request.pk)
        if place is not None:
            at_table[place.table.pk].append((place.slot, request))
    signs = []
    tables = Table.objects.filter(event=event).order_by(*table_order())
    if table_ids is not None:
        tables = tables.filter(pk__in=table_ids)
    for table in tables:
        by_date: dict = defaultdict(list)
        for slot, request in sorted(at_table[table.pk], key=lambda p: (p[0].starts_at, p[1].pk)):
            by_date[times.local(slot.starts_at, event).date()].append(
                SignRow(
                    times.time_range(slot.starts_at, slot.ends_at, event),
                    *_side(request.sender),
                    *_side(request.recipient),
                )
            )
        days = [(times.long_day(date), rows) for date, rows in sorted(by_date.items())]
        signs.append({"table": table, "days": days})
    return signs


def table_signs_pdf(event, *, progress: Progress | None = None) -> bytes:
    ids = list(
        Table.objects.filter(event=event).order_by(*table_order()).values_list("pk", flat=True)
    )
    return _chunked(_signs_chunk, event, ids, CHUNK, progress)


def _signs_chunk(event_id: int, ids: list[int]) -> bytes:
    event = Event.objects.get(pk=event_id)
    signs = table_signs(event, ids)
    return pdf.render_pdf("print/table_signs.html", {"event": event, "signs": signs})


def participants(event):
    """Who gets an agenda and a badge: the validated registrations, by organisation and name."""
    return event_queries.badges(event)


def current_job(event):
    """The event's print job (matching.models.PrintJob), if the organisers ever started one."""
    return PrintJob.objects.filter(event=event).first()
