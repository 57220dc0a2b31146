"""A pitch's sourcing trace: what a buyer files with the procurement record to show how the need
was sourced — who expressed interest, who met whom and when, the questions and the answers with
their publication dates, the documents shared, the consultation launch, the follow-ups, and the
whole sourcing log. As CSV and as PDF (pitches/views.py `trace`).

pitches sits below matching, which knows the meetings (and their follow-ups), so pitches defines
a section and the apps above register theirs in their `AppConfig.ready()` (as events/day.py
does for a person's day). A section is a title, a header and rows; a row is a list of values,
dates and times in the event's zone when shown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from . import queries
from .enums import INTEREST_ACTIVE
from .models import Pitch


@dataclass(frozen=True)
class Section:
    title: str | Promise
    header: Sequence[str | Promise]
    rows: list[list]


# (pitch) -> sections, from the apps above; called in registration order, after pitches' own.
PROVIDERS: list[Callable[[Pitch], list[Section]]] = []


def register(provider: Callable[[Pitch], list[Section]]) -> None:
    if provider not in PROVIDERS:
        PROVIDERS.append(provider)


def sections(pitch: Pitch) -> list[Section]:
    """The trace, in reading order: the pitch, interests, meetings and follow-ups (from the
    apps above), questions and answers, documents, then the whole sourcing log."""
    own_first = [_pitch_section(pitch), _interests(pitch)]
    own_last = [_questions(pitch), _documents(pitch), _log(pitch)]
    registered = [section for provider in PROVIDERS for section in provider(pitch)]
    return own_first + registered + own_last


def _pitch_section(pitch: Pitch) -> Section:
    rows = [
        [_("Buyer"), pitch.buyer.name],
        [_("Theme"), str(pitch.theme)],
        [_("Route"), pitch.get_route_display()],
        [_("Status"), pitch.get_status_display()],
        [_("Published on"), pitch.published_at],
        [_("Expected consultation date"), pitch.expected_consultation_date],
        [_("Consultation launched on"), pitch.consultation_launched_on],
        [_("Official consultation link"), pitch.consultation_url],
    ]
    return Section(_("The pitch"), [_("Item"), _("Value")], rows)


def _interests(pitch: Pitch) -> Section:
    interests = list(
        pitch.interests.select_related("organisation")
        .prefetch_related("lots")
        .order_by("created_at", "pk")
    )
    rows = [
        [
            interest.created_at,
            interest.organisation.name,
            interest.organisation.siret,
            interest.get_status_display(),
            ", ".join(str(lot.number) for lot in interest.lots.all()),
        ]
        for interest in interests
    ]
    active = sum(1 for interest in interests if interest.status in INTEREST_ACTIVE)
    return Section(
        _("Interests (%(count)s active)") % {"count": active},
        [_("Expressed at"), _("Structure"), _("SIRET"), _("Status"), _("Lots")],
        rows,
    )


def _questions(pitch: Pitch) -> Section:
    rows = [
        [
            question.asked_at,
            question.organisation.name if question.organisation else "",
            question.text,
            question.answer,
            question.answered_at,
        ]
        for question in pitch.questions.select_related("organisation").order_by("asked_at", "pk")
    ]
    return Section(
        _("Questions and answers"),
        [_("Asked at"), _("Asked by"), _("Question"), _("Answer"), _("Answer published at")],
        rows,
    )


def _documents(pitch: Pitch) -> Section:
    rows = [
        [document.uploaded_at, document.title, document.get_kind_display(), document.size]
        for document in pitch.attachments.order_by("uploaded_at", "pk")
    ]
    return Section(
        _("Documents shared"), [_("Shared at"), _("Title"), _("Kind"), _("Size in bytes")], rows
    )


def _log(pitch: Pitch) -> Section:
    rows = [
        [
            entry.at,
            entry.get_kind_display(),
            entry.organisation.name if entry.organisation else "",
            str(entry.actor) if entry.actor else "",
            entry.summary,
        ]
        for entry in queries.pitch_log(pitch)
    ]
    return Section(
        _("Sourcing log"),
        [_("When"), _("What"), _("Organisation"), _("Person"), _("Details")],
        rows,
    )
