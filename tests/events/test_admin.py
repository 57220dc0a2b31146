"""The events admin cannot change state around events.services: the phase, registration status
and room capacity are read-only; actions call the services, which check the move."""

import pytest
from django.urls import reverse

from events.enums import Phase, RegistrationStatus
from tests.admin_forms import change_form_data
from tests.factories import RegistrationFactory, RoomFactory, UserFactory


@pytest.fixture
def staff(client, db):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_event_change_form_post_cannot_change_phase(client, staff, event):
    url, data = change_form_data(
        client, "admin:events_event_change", event.pk, phase=Phase.CLOSED, title="Nouveau titre"
    )

    response = client.post(url, data)

    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.title, event.phase) == ("Nouveau titre", Phase.REGISTRATION)


def test_event_admin_action_moves_phase_one_step_through_the_service(client, staff, event):
    client.post(
        reverse("admin:events_event_changelist"),
        {"action": "next_phase", "_selected_action": [event.pk]},
    )

    event.refresh_from_db()
    assert event.phase == Phase.REQUESTS


def test_event_admin_action_refusal_is_reported_not_applied(client, staff, event):
    event.phase = Phase.DRAFT
    event.save()

    response = client.post(
        reverse("admin:events_event_changelist"),
        {"action": "previous_phase", "_selected_action": [event.pk]},
        follow=True,
    )

    event.refresh_from_db()
    assert event.phase == Phase.DRAFT
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_registration_change_form_post_cannot_change_status(client, staff, event):
    registration = RegistrationFactory(event=event, status=RegistrationStatus.PENDING)
    url, data = change_form_data(
        client,
        "admin:events_registration_change",
        registration.pk,
        status=RegistrationStatus.VALIDATED,
        accessibility_needs="Boucle magnétique",
    )

    response = client.post(url, data)

    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING
    assert registration.accessibility_needs == "Boucle magnétique"


def test_registration_admin_actions_validate_and_cancel_through_the_service(client, staff, event):
    pending = RegistrationFactory(event=event, status=RegistrationStatus.PENDING)
    cancelled = RegistrationFactory(event=event, status=RegistrationStatus.CANCELLED)
    changelist = reverse("admin:events_registration_changelist")

    response = client.post(
        changelist,
        {"action": "validate", "_selected_action": [pending.pk, cancelled.pk]},
        follow=True,
    )

    pending.refresh_from_db()
    cancelled.refresh_from_db()
    assert (pending.status, cancelled.status) == (
        RegistrationStatus.VALIDATED,
        RegistrationStatus.CANCELLED,
    )
    assert sorted(m.level_tag for m in response.context["messages"]) == ["error", "success"]

    client.post(changelist, {"action": "cancel", "_selected_action": [pending.pk]})

    pending.refresh_from_db()
    assert pending.status == RegistrationStatus.CANCELLED


def test_room_change_form_post_cannot_change_capacity(client, staff, event):
    room = RoomFactory(event=event, capacity=40)
    url, data = change_form_data(client, "admin:events_room_change", room.pk, capacity=4000)

    client.post(url, data)

    room.refresh_from_db()
    assert room.capacity == 40


def test_event_admin_cannot_add_events_around_the_service(client, staff):
    assert client.get(reverse("admin:events_event_add")).status_code == 403


def test_session_change_form_post_cannot_change_times(client, staff, event):
    import datetime as dt

    from tests.factories import PARIS, SessionFactory

    session = SessionFactory(event=event)
    url, data = change_form_data(
        client,
        "admin:events_session_change",
        session.pk,
        starts_at_0="2019-11-26",
        starts_at_1="03:00:00",
        title="Table ronde",
    )

    client.post(url, data)

    session.refresh_from_db()
    assert (session.title, session.starts_at) == (
        "Table ronde",
        dt.datetime(2019, 11, 26, 9, 30, tzinfo=PARIS),
    )
