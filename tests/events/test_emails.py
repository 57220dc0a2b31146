"""Who gets which events email, when it is due, and when it is withheld at send time."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from events import emails, services
from events.enums import Phase
from notifications.enums import MessageState
from notifications.kinds import KINDS
from notifications.models import OutboxMessage
from notifications.services import send_message
from tests.events.email_cases import published_with, upcoming_event
from tests.factories import PARIS, EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def _rows(kind, **filters):
    return OutboxMessage.objects.filter(kind=kind, **filters).order_by("pk")


def test_validate_registration_tells_the_person(event, organiser, ess_member):
    registration = event.registrations.get(user=ess_member)

    services.validate_registration(registration=registration, by=organiser)

    [message] = _rows(emails.REGISTRATION_VALIDATED)
    assert (message.recipient, message.event_id) == (ess_member, event.pk)


def test_refuse_then_validate_withholds_the_stale_refusal(event, organiser, ess_member):
    registration = event.registrations.get(user=ess_member)
    services.refuse_registration(registration=registration, by=organiser, reason="Hors zone")
    services.validate_registration(registration=registration, by=organiser)
    [refused] = _rows(emails.REGISTRATION_REFUSED)
    [validated] = _rows(emails.REGISTRATION_VALIDATED)

    assert refused.context["reason"] == "Hors zone"
    assert send_message(message_id=refused.pk) == MessageState.WITHHELD
    assert send_message(message_id=validated.pk) == MessageState.SENT


def test_register_on_behalf_invites_a_new_person_and_tells_a_known_one(
    event, organiser, ess_org, buyer_org, buyer
):
    new, created = services.register_on_behalf(
        event=event, by=organiser, email="nouveau@example.org", organisation=ess_org
    )
    known = RegistrationFactory.build(event=event)  # a person with an account, not registered
    known.user.save()
    again, _created = services.register_on_behalf(event=event, by=organiser, email=known.user.email)

    assert created
    assert [m.recipient for m in _rows(emails.REGISTERED_BY_ORGANISERS)] == [new.user]
    assert [m.recipient for m in _rows(emails.REGISTRATION_VALIDATED)] == [again.user]


def test_registered_by_organisers_is_withheld_once_the_password_is_chosen(event, organiser):
    registration, _created = services.register_on_behalf(
        event=event, by=organiser, email="nouveau@example.org"
    )
    registration.user.set_password("un mot de passe solide")
    registration.user.save()
    [message] = _rows(emails.REGISTERED_BY_ORGANISERS)

    assert send_message(message_id=message.pk) == MessageState.WITHHELD


def test_publishing_queues_the_agenda_and_the_feedback_request_when_due(request):
    event, registration = published_with(request.getfixturevalue)

    [agenda] = _rows(emails.DAY_BEFORE)
    [feedback] = _rows(emails.FEEDBACK_REQUEST)
    eve = event.start_date - dt.timedelta(days=1)
    after = event.end_date + dt.timedelta(days=1)
    assert agenda.due_at == dt.datetime.combine(eve, dt.time(17), tzinfo=PARIS)
    assert feedback.due_at == dt.datetime.combine(after, dt.time(10), tzinfo=PARIS)
    assert (agenda.state, agenda.recipient, agenda.event_id) == (
        MessageState.QUEUED,
        registration.user,
        event.pk,
    )


def test_the_agenda_lists_the_day_from_its_one_home(request):
    published_with(request.getfixturevalue)
    [agenda] = _rows(emails.DAY_BEFORE)

    rendered = KINDS[emails.DAY_BEFORE].render(agenda)

    assert "09:30–10:30 Plénière d'ouverture" in rendered.text


def test_moving_the_dates_withholds_the_old_timed_messages(request, organiser):
    event, _registration = published_with(request.getfixturevalue)
    later = event.start_date + dt.timedelta(days=7)
    event.sessions.all().delete()

    services.update_event(
        event=event, title=event.title, start_date=later, end_date=later, venue=event.venue
    )

    old, new = _rows(emails.DAY_BEFORE)
    assert new.version == later.toordinal()
    assert send_message(message_id=old.pk) == MessageState.WITHHELD
    old.refresh_from_db()
    assert old.reason == "event date changed"


def test_no_agenda_once_the_event_has_begun(organiser, ess_member, ess_org):
    today = timezone.now().astimezone(PARIS).date()
    event = EventFactory(start_date=today, end_date=today, phase=Phase.SCHEDULING)
    event.organisers.add(organiser)
    RegistrationFactory(event=event, user=ess_member, organisation=ess_org)

    services.move_phase(event=event, to_phase=Phase.PUBLISHED, by=organiser)

    assert list(_rows(emails.DAY_BEFORE)) == []
    assert _rows(emails.FEEDBACK_REQUEST).count() == 1


def test_a_registration_validated_after_publication_gets_its_day_messages(
    organiser, ess_member, ess_org
):
    event = upcoming_event()
    event.organisers.add(organiser)
    event = services.move_phase(event=event, to_phase=Phase.PUBLISHED, by=organiser)
    registration = RegistrationFactory(
        event=event, user=ess_member, organisation=ess_org, status="pending"
    )

    services.validate_registration(registration=registration, by=organiser)

    assert _rows(emails.DAY_BEFORE, recipient=ess_member).count() == 1
    assert _rows(emails.FEEDBACK_REQUEST, recipient=ess_member).count() == 1


def test_the_feedback_request_is_withheld_once_feedback_is_given(request):
    _event, registration = published_with(request.getfixturevalue, days=0)
    [message] = _rows(emails.FEEDBACK_REQUEST)
    services.save_feedback(
        registration=registration, by=registration.user, rating=4, would_come_again=True
    )

    assert send_message(message_id=message.pk) == MessageState.WITHHELD


def test_the_agenda_is_withheld_for_a_cancelled_registration(request):
    _event, registration = published_with(request.getfixturevalue)
    [message] = _rows(emails.DAY_BEFORE)
    services.cancel_registration(registration=registration, by=registration.user)

    assert send_message(message_id=message.pk) == MessageState.WITHHELD


# --- The feedback page ---------------------------------------------------------------------------


@pytest.fixture
def today_event(organiser, ess_member, ess_org):
    """An event today, the ESS member validated: the feedback form is open."""
    today = timezone.now().astimezone(PARIS).date()
    event = EventFactory(start_date=today, end_date=today, phase=Phase.LIVE)
    event.organisers.add(organiser)
    RegistrationFactory(event=event, user=ess_member, organisation=ess_org)
    return event


def test_feedback_form_saves_and_is_editable(client, today_event, ess_member):
    client.force_login(ess_member)
    url = reverse("events:feedback", args=[today_event.slug])

    client.post(url, {"rating": "4", "would_come_again": "yes", "comment": "Très utile"})
    client.post(url, {"rating": "5", "would_come_again": "no", "comment": ""})

    feedback = today_event.registrations.get(user=ess_member).feedback
    assert (feedback.rating, feedback.would_come_again, feedback.comment) == (5, False, "")


def test_feedback_form_refuses_a_rating_outside_1_to_5(client, today_event, ess_member):
    client.force_login(ess_member)

    response = client.post(
        reverse("events:feedback", args=[today_event.slug]),
        {"rating": "7", "would_come_again": "yes"},
    )

    assert response.status_code == 200
    assert "rating" in response.context["form"].errors
    assert not hasattr(today_event.registrations.get(user=ess_member), "feedback")


def test_feedback_is_closed_after_the_window(client, ess_member, ess_org):
    long_ago = timezone.now().astimezone(PARIS).date() - dt.timedelta(days=31)
    event = EventFactory(start_date=long_ago, end_date=long_ago, phase=Phase.CLOSED)
    registration = RegistrationFactory(event=event, user=ess_member, organisation=ess_org)
    client.force_login(ess_member)

    page = client.get(reverse("events:feedback", args=[event.slug]))
    with pytest.raises(ValidationError, match="not open"):
        services.save_feedback(
            registration=registration, by=ess_member, rating=3, would_come_again=True
        )

    assert page.context["is_open"] is False


def test_feedback_service_refuses_someone_else(today_event, ess_member, buyer):
    registration = today_event.registrations.get(user=ess_member)

    with pytest.raises(ValidationError, match="not open"):
        services.save_feedback(registration=registration, by=buyer, rating=3, would_come_again=True)


# --- The organisers' console -------------------------------------------------------------------


def test_console_shows_feedback_and_email_counts(client, today_event, organiser, ess_member):
    registration = today_event.registrations.get(user=ess_member)
    services.save_feedback(
        registration=registration,
        by=ess_member,
        rating=4,
        would_come_again=True,
        comment="Des rendez-vous bien ciblés",
    )
    services.validate_registration(registration=registration, by=organiser)
    client.force_login(organiser)

    response = client.get(reverse("events:console", args=[today_event.slug]))

    html = response.content.decode()
    assert response.context["feedback"]["average"] == 4
    assert "Des rendez-vous bien ciblés" in html
    assert ess_member.email not in html.split('id="feedback-title"')[1].split("</section>")[0]
    rows = {row["kind"]: row for row in response.context["emails"]}
    validated = rows[emails.REGISTRATION_VALIDATED]
    assert (validated["waiting"], validated["sent"], validated["withheld"]) == (1, 0, 0)
    assert "<caption>" in html and "My registration for an event was validated" in html
