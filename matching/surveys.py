"""The survey about each meeting after the day (registered with events/surveys.py): one item per
meeting that took place (rules.meeting_survey_refusal), answered by each of its two people
(services/surveys.py); the results grouped by the respondent's role and by what their
organisation recorded as the outcome."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import times
from events import surveys
from events.enums import RegistrationRole

from .enums import Outcome
from .models import MeetingFeedback, MeetingOutcome, MeetingPresence, MeetingRequest
from .rules import meeting_survey_refusal
from .schedule_queries import promised_places

NAME = "meeting"


def surveyed_meetings(registration, now=None) -> list[tuple[MeetingRequest, object]]:
    """The registration's meetings it is asked about: (request, place), by time."""
    now = now or timezone.now()
    requests = list(
        MeetingRequest.objects.filter(Q(sender=registration) | Q(recipient=registration))
        .with_sides()
        .prefetch_related("outcomes")
    )
    places = promised_places(registration.event, requests)
    presences = {
        (p.request_id, p.slot_id): p
        for p in MeetingPresence.objects.filter(request__in=list(places))
    }
    rows = [
        (request, places[request.pk])
        for request in requests
        if request.pk in places
        and meeting_survey_refusal(
            request,
            places[request.pk].slot,
            list(request.outcomes.all()),
            presences.get((request.pk, places[request.pk].slot.pk)),
            now,
        )
        is None
    ]
    return sorted(rows, key=lambda row: (row[1].slot.starts_at, row[0].pk))


class MeetingSurveys:
    name = NAME
    label = gettext_lazy("Meetings")

    def items(self, registration) -> list[surveys.SurveyItem]:
        rows = surveyed_meetings(registration)
        answers = {
            f.request_id: f
            for f in MeetingFeedback.objects.filter(
                registration=registration, request__in=[r.pk for r, _p in rows]
            )
        }
        items = []
        for request, place in rows:
            other = request.recipient if request.sender_id == registration.pk else request.sender
            mine = next(
                (
                    o
                    for o in request.outcomes.all()
                    if o.organisation_id == registration.organisation_id
                ),
                None,
            )
            answer = answers.get(request.pk)
            items.append(
                surveys.SurveyItem(
                    provider=NAME,
                    object_id=request.pk,
                    heading=_("Meeting with %(name)s, %(when)s")
                    % {
                        "name": other.organisation or other.user,
                        "when": times.day_and_time(place.slot.starts_at, request.event),
                    },
                    detail=(
                        _("Outcome recorded: %(outcome)s") % {"outcome": mine.get_outcome_display()}
                        if mine is not None
                        else ""
                    ),
                    usefulness=answer.usefulness if answer else None,
                    comment=answer.comment if answer else "",
                )
            )
        return items

    def save(self, *, registration, by, object_id: int, usefulness: int, comment: str) -> None:
        from .services.surveys import answer_meeting_survey

        answer_meeting_survey(
            registration=registration,
            by=by,
            request_id=object_id,
            usefulness=usefulness,
            comment=comment,
        )

    def results(self, event) -> surveys.SurveySection:
        rows = list(
            MeetingFeedback.objects.filter(request__event=event)
            .select_related("registration")
            .order_by("-updated_at", "-pk")
        )
        outcomes = {
            (o.request_id, o.organisation_id): o.outcome
            for o in MeetingOutcome.objects.filter(request__event=event)
        }
        by_role = [
            surveys.group(label, [r.usefulness for r in rows if r.registration.role == role])
            for role, label in RegistrationRole.choices
            if any(r.registration.role == role for r in rows)
        ]
        by_outcome = [
            surveys.group(
                label,
                [
                    r.usefulness
                    for r in rows
                    if outcomes.get((r.request_id, r.registration.organisation_id)) == value
                ],
            )
            for value, label in Outcome.choices
        ]
        return surveys.summarise(
            NAME,
            self.label,
            [r.usefulness for r in rows],
            groups=by_role + [g for g in by_outcome if g.answers],
            comments=[r.comment for r in rows if r.comment],
        )
