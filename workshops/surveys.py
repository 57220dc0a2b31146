"""The survey about each workshop after the day (registered with events/surveys.py): one item
per workshop the person held a seat in, once it has ended (rules.workshop_survey_refusal),
answered through services.answer_workshop_survey; the results per workshop."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import times
from events import surveys

from .models import Seat, Workshop, WorkshopFeedback

NAME = "workshop"


def surveyed_workshops(registration, now=None) -> list[Workshop]:
    now = now or timezone.now()
    return [
        seat.workshop
        for seat in Seat.objects.filter(
            registration=registration, workshop__session__ends_at__lte=now
        )
        .select_related("workshop__session")
        .order_by("workshop__session__starts_at", "pk")
    ]


class WorkshopSurveys:
    name = NAME
    label = gettext_lazy("Workshops")

    def items(self, registration) -> list[surveys.SurveyItem]:
        workshops = surveyed_workshops(registration)
        answers = {
            f.workshop_id: f
            for f in WorkshopFeedback.objects.filter(
                registration=registration, workshop__in=workshops
            )
        }
        return [
            surveys.SurveyItem(
                provider=NAME,
                object_id=workshop.pk,
                heading=_("Workshop “%(title)s”, %(when)s")
                % {
                    "title": workshop.session.title,
                    "when": times.day_and_time(workshop.session.starts_at, registration.event),
                },
                usefulness=answers[workshop.pk].usefulness if workshop.pk in answers else None,
                comment=answers[workshop.pk].comment if workshop.pk in answers else "",
            )
            for workshop in workshops
        ]

    def save(self, *, registration, by, object_id: int, usefulness: int, comment: str) -> None:
        from .services import answer_workshop_survey

        answer_workshop_survey(
            registration=registration,
            by=by,
            workshop_id=object_id,
            usefulness=usefulness,
            comment=comment,
        )

    def results(self, event) -> surveys.SurveySection:
        rows = list(
            WorkshopFeedback.objects.filter(workshop__session__event=event)
            .select_related("workshop__session")
            .order_by("-updated_at", "-pk")
        )
        workshops = sorted(
            {r.workshop for r in rows}, key=lambda w: (w.session.starts_at, w.session.title)
        )
        return surveys.summarise(
            NAME,
            self.label,
            [r.usefulness for r in rows],
            groups=[
                surveys.group(
                    w.session.title, [r.usefulness for r in rows if r.workshop_id == w.pk]
                )
                for w in workshops
            ],
            comments=[r.comment for r in rows if r.comment],
        )
