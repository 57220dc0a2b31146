"""Ids posted to the meeting forms are bounded: a 20-digit id is a form error, never a 500."""

import pytest
from django.urls import reverse

from matching.models import Meeting, MeetingRequest
from matching.services import requests as services

HUGE = "9" * 20


def url(name, event, *args):
    return reverse(f"matching:{name}", args=[event.slug, *args])


@pytest.fixture(autouse=True)
def _phase(requests_phase):
    return requests_phase


def test_request_form_with_out_of_range_ids_is_a_form_error(
    client, event, buyer, buyer_reg, ess_reg, ess_org
):
    client.force_login(buyer)

    response = client.post(
        url("request_new", event, ess_org.pk), {"recipient": HUGE, "pitch": HUGE, "message": "?"}
    )

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"recipient", "pitch"}
    assert MeetingRequest.objects.count() == 0


def test_book_with_an_out_of_range_slot_is_a_form_error(
    client, event, self_service, slots, tables, buyer, buyer_reg, ess_reg, ess_member
):
    request = services.accept_request(
        request=services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer), by=ess_member
    )
    client.force_login(buyer)

    response = client.post(url("request_book", event, request.pk), {"slot": HUGE})

    assert (response.status_code, Meeting.objects.count()) == (400, 0)
    assert list(response.context["form"].errors) == ["slot"]


def test_participants_filter_with_an_out_of_range_theme_is_not_a_500(client, event, buyer):
    client.force_login(buyer)

    response = client.get(url("participants", event), {"theme": HUGE})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["theme"]


def test_settings_with_an_out_of_range_cap_is_a_form_error(client, event, organiser):
    client.force_login(organiser)

    response = client.post(
        url("settings", event),
        {
            "booking_mode": "organisers",
            "max_requests_per_participant": HUGE,
            "reminder_minutes": 15,
            "no_show_minutes": 5,
        },
    )

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["max_requests_per_participant"]


@pytest.mark.parametrize("minutes", ["-1", "121", HUGE])
def test_settings_reminder_out_of_bounds_is_a_form_error(client, event, organiser, minutes):
    client.force_login(organiser)

    response = client.post(
        url("settings", event),
        {
            "booking_mode": "organisers",
            "max_requests_per_participant": "",
            "reminder_minutes": minutes,
            "no_show_minutes": 5,
        },
    )

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["reminder_minutes"]


@pytest.mark.parametrize("minutes", ["0", "31", HUGE])
def test_settings_no_show_minutes_out_of_bounds_is_a_form_error(client, event, organiser, minutes):
    client.force_login(organiser)

    response = client.post(
        url("settings", event),
        {
            "booking_mode": "organisers",
            "max_requests_per_participant": "",
            "reminder_minutes": 15,
            "no_show_minutes": minutes,
        },
    )

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["no_show_minutes"]


@pytest.mark.parametrize("minutes", [0, 31])
def test_update_settings_refuses_no_show_minutes_out_of_bounds(event, organiser, minutes):
    from django.core.exceptions import ValidationError

    from matching.services.requests import update_settings

    with pytest.raises(ValidationError) as refused:
        update_settings(
            event=event,
            by=organiser,
            booking_mode="organisers",
            max_requests_per_participant=None,
            no_show_minutes=minutes,
        )

    assert list(refused.value.message_dict) == ["no_show_minutes"]


@pytest.mark.parametrize("value", ["²", "¹²", "9" * 30, "-1", "1e3", "٣"])
def test_request_form_with_a_pitch_that_is_no_id_is_not_found(
    client, event, buyer, buyer_reg, ess_reg, ess_org, value
):
    """?pitch= takes ASCII digits only: "²" passes str.isdigit() and breaks int() (was a 500)."""
    client.force_login(buyer)

    response = client.get(url("request_new", event, ess_org.pk), {"pitch": value})

    assert response.status_code == 404
