"""After the day: a short survey per meeting (those that took place, from the outcomes) and per
workshop (seat holders), answered with the feedback on the event on one page, asked once in the
feedback request (withheld once everything is answered), summed up by `survey_results`."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from events import emails as event_emails
from events import services as event_services
from events.enums import SessionKind
from events.surveys import survey_items, survey_results
from matching.enums import Outcome
from matching.models import MeetingFeedback
from matching.services.outcomes import record_outcome
from matching.services.surveys import answer_meeting_survey
from notifications.kinds import KINDS
from notifications.models import OutboxMessage
from tests.factories import SeatFactory, SessionFactory, UserFactory, WorkshopFactory
from tests.matching.day_world import live_day, meet
from tests.matching.schedule_world import buyer, ess
from workshops.models import WorkshopFeedback
from workshops.services import answer_workshop_survey

FEEDBACK = {"rating": 4, "would_come_again": True, "comment": ""}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def day(event):
    """Today's event, live: the structure met a buyer in a slot that has ended, another that did
    not come (recorded "did not take place"), and has a meeting under way; it held a seat in a
    workshop that has ended."""
    event.start_date = event.end_date = timezone.localdate()
    event.save(update_fields=["start_date", "end_date"])
    world = live_day(event)
    world.ess, world.buyer = ess(event), buyer(event)
    world.done = meet(world.buyer, world.ess, world.past, world.tables[0])
    world.now = meet(buyer(event), world.ess, world.current, world.tables[1])
    world.missed_buyer = buyer(event)
    world.missed = meet(world.missed_buyer, ess(event), world.past, world.tables[2])
    record_outcome(request=world.missed, by=world.missed_buyer.user, outcome=Outcome.NOT_HELD)
    start = timezone.now() - dt.timedelta(hours=3)
    world.workshop = WorkshopFactory(
        session=SessionFactory(
            event=event,
            kind=SessionKind.WORKSHOP,
            title="Restauration responsable",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
        )
    )
    SeatFactory(workshop=world.workshop, registration=world.ess)
    return world


def test_the_survey_lists_the_meetings_held_and_the_workshops_ended(day):
    items = survey_items(day.ess)

    assert [(item.provider, item.object_id) for item in items] == [
        ("meeting", day.done.pk),
        ("workshop", day.workshop.pk),
    ]


def test_a_meeting_that_did_not_take_place_is_not_asked_about(day):
    assert survey_items(day.missed_buyer) == []


def test_the_meeting_item_shows_the_outcome_recorded(day):
    record_outcome(request=day.done, by=day.ess.user, outcome=Outcome.RESERVED_LOT)

    [item] = [i for i in survey_items(day.ess) if i.provider == "meeting"]

    assert item.detail == "Outcome recorded: Follow-up planned: reserved lot considered"


def test_save_survey_saves_the_feedback_and_every_answer(day):
    event_services.save_survey(
        registration=day.ess,
        by=day.ess.user,
        feedback=FEEDBACK,
        answers={
            f"meeting-{day.done.pk}": (5, "Très concret"),
            f"workshop-{day.workshop.pk}": (3, ""),
        },
    )

    assert list(MeetingFeedback.objects.values_list("request", "usefulness", "comment")) == [
        (day.done.pk, 5, "Très concret")
    ]
    assert list(WorkshopFeedback.objects.values_list("workshop", "usefulness")) == [
        (day.workshop.pk, 3)
    ]
    assert all(item.answered for item in survey_items(day.ess))


def test_save_survey_refuses_an_item_not_asked(day):
    with pytest.raises(ValidationError, match="does not ask"):
        event_services.save_survey(
            registration=day.ess,
            by=day.ess.user,
            feedback=FEEDBACK,
            answers={f"meeting-{day.now.pk}": (5, "")},
        )

    assert MeetingFeedback.objects.count() == 0


def test_save_survey_refused_once_the_feedback_window_closed(day):
    day.event.start_date = day.event.end_date = timezone.localdate() - dt.timedelta(days=60)
    day.event.save(update_fields=["start_date", "end_date"])

    with pytest.raises(ValidationError):
        event_services.save_survey(
            registration=day.ess,
            by=day.ess.user,
            feedback=FEEDBACK,
            answers={f"meeting-{day.done.pk}": (5, "")},
        )

    assert MeetingFeedback.objects.count() == 0


def test_meeting_answer_refused_to_someone_else(day):
    with pytest.raises(ValidationError, match="Only the participant"):
        answer_meeting_survey(
            registration=day.ess, by=UserFactory(), request_id=day.done.pk, usefulness=4
        )
    with pytest.raises(ValidationError, match="not asked"):
        answer_meeting_survey(
            registration=day.missed_buyer,
            by=day.missed_buyer.user,
            request_id=day.done.pk,
            usefulness=4,
        )


def test_workshop_answer_refused_without_a_seat(day):
    with pytest.raises(ValidationError, match="had a seat"):
        answer_workshop_survey(
            registration=day.buyer,
            by=day.buyer.user,
            workshop_id=day.workshop.pk,
            usefulness=4,
        )


@pytest.mark.parametrize("usefulness", [0, 6])
def test_usefulness_is_from_one_to_five(day, usefulness):
    with pytest.raises(ValidationError, match="1 to 5"):
        answer_meeting_survey(
            registration=day.ess, by=day.ess.user, request_id=day.done.pk, usefulness=usefulness
        )


# --- the email, once after the day --------------------------------------------------------------


def _request_for(day):
    event_emails.enqueue_day_messages(day.event, [day.ess])
    return OutboxMessage.objects.get(kind=event_emails.FEEDBACK_REQUEST, recipient=day.ess.user)


def test_the_feedback_request_lists_the_surveys_left(day):
    message = _request_for(day)
    answer_meeting_survey(
        registration=day.ess, by=day.ess.user, request_id=day.done.pk, usefulness=4
    )

    email = KINDS[event_emails.FEEDBACK_REQUEST].render(message)

    assert "Restauration responsable" in email.text
    assert f"Meeting with {day.buyer.organisation}" not in email.text


def test_the_feedback_request_is_withheld_once_everything_is_answered(day):
    message = _request_for(day)
    withhold = KINDS[event_emails.FEEDBACK_REQUEST].withhold_reason
    event_services.save_feedback(registration=day.ess, by=day.ess.user, **FEEDBACK)
    given_only = withhold(message)

    event_services.save_survey(
        registration=day.ess,
        by=day.ess.user,
        feedback=FEEDBACK,
        answers={
            f"meeting-{day.done.pk}": (4, ""),
            f"workshop-{day.workshop.pk}": (4, ""),
        },
    )

    assert (given_only, withhold(message)) == ("", "feedback already given")


# --- the page -------------------------------------------------------------------------------------


def test_the_page_asks_about_each_item_and_saves_the_answers(day, client):
    client.force_login(day.ess.user)
    url = reverse("events:feedback", args=[day.event.slug])

    page = client.get(url, headers={"accept-language": "en"}).content.decode()
    response = client.post(
        url,
        {
            "rating": "5",
            "would_come_again": "yes",
            f"meeting-{day.done.pk}-usefulness": "4",
            f"meeting-{day.done.pk}-comment": "Bon contact",
            f"workshop-{day.workshop.pk}-comment": "",
        },
    )

    assert "Restauration responsable" in page
    assert str(day.buyer.organisation) in page
    assert response.status_code == 302
    assert list(MeetingFeedback.objects.values_list("usefulness", "comment")) == [
        (4, "Bon contact")
    ]
    assert WorkshopFeedback.objects.count() == 0


def test_a_comment_without_usefulness_is_a_form_error(day, client):
    client.force_login(day.ess.user)
    url = reverse("events:feedback", args=[day.event.slug])

    response = client.post(
        url,
        {"rating": "5", "would_come_again": "yes", f"meeting-{day.done.pk}-comment": "Bien"},
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [f"meeting-{day.done.pk}-usefulness"]
    assert MeetingFeedback.objects.count() == 0


# --- the results, for the statistics --------------------------------------------------------------


def test_survey_results_sum_up_the_answers(day):
    record_outcome(request=day.done, by=day.ess.user, outcome=Outcome.QUOTE_ASKED)
    event_services.save_survey(
        registration=day.ess,
        by=day.ess.user,
        feedback=FEEDBACK,
        answers={
            f"meeting-{day.done.pk}": (5, "Très concret"),
            f"workshop-{day.workshop.pk}": (2, "Trop court"),
        },
    )
    event_services.save_survey(
        registration=day.buyer,
        by=day.buyer.user,
        feedback={**FEEDBACK, "rating": 2},
        answers={f"meeting-{day.done.pk}": (3, "")},
    )

    results = survey_results(day.event)

    meetings, workshops = results["sections"]
    assert (results["event"]["count"], results["event"]["average"]) == (2, 3.0)
    assert (meetings.label, meetings.answers, meetings.average) == ("Meetings", 2, 4.0)
    assert meetings.distribution == {1: 0, 2: 0, 3: 1, 4: 0, 5: 1}
    assert [(g.label, g.answers, g.average) for g in meetings.groups] == [
        ("Buyer", 1, 3.0),
        ("ESS structure", 1, 5.0),
        ("Follow-up planned: quote asked", 1, 5.0),
    ]
    assert meetings.comments == ["Très concret"]
    assert [(g.label, g.answers, g.average) for g in workshops.groups] == [
        ("Restauration responsable", 1, 2.0)
    ]
    assert workshops.comments == ["Trop court"]


def test_the_statistics_page_shows_the_answers_without_names(client, day):
    event_services.save_survey(
        registration=day.ess,
        by=day.ess.user,
        feedback=FEEDBACK,
        answers={
            f"meeting-{day.done.pk}": (5, "Très concret"),
            f"workshop-{day.workshop.pk}": (2, "Trop court"),
        },
    )
    organiser = UserFactory()
    day.event.organisers.add(organiser)
    client.force_login(organiser)

    page = client.get(
        reverse("matching:statistics", args=[day.event.slug]), headers={"Accept-Language": "en"}
    ).content.decode()

    section = page[page.index('id="stats-surveys"') :]
    assert "1 answer about the event" in section
    assert "Très concret" in section and "Trop court" in section
    assert "Restauration responsable" in section
    assert day.ess.user.get_full_name() not in section
