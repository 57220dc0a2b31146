"""Pages that read the booking settings do not write them: `settings_for` gives the defaults,
unsaved, until an organiser saves the settings form (services.requests.update_settings)."""

import pytest
from django.urls import reverse

from matching.enums import BookingMode
from matching.models import MatchingSettings

pytestmark = pytest.mark.usefixtures("requests_phase")


@pytest.mark.parametrize("name", ["participants", "requests"])
def test_participant_pages_get_writes_no_settings(client, event, ess_member, buyer_reg, name):
    client.force_login(ess_member)

    response = client.get(reverse(f"matching:{name}", args=[event.slug]))

    assert (response.status_code, MatchingSettings.objects.count()) == (200, 0)


def test_settings_page_get_shows_the_defaults_and_writes_nothing(client, event, organiser):
    client.force_login(organiser)

    response = client.get(reverse("matching:settings", args=[event.slug]))

    assert (
        response.status_code,
        response.context["form"]["booking_mode"].value(),
        MatchingSettings.objects.count(),
    ) == (200, BookingMode.ORGANISERS, 0)


def test_settings_page_post_writes_the_row_once(client, event, organiser):
    client.force_login(organiser)
    page = reverse("matching:settings", args=[event.slug])

    for cap in ("5", "3"):
        client.post(
            page,
            {
                "booking_mode": "self_service",
                "max_requests_per_participant": cap,
                "reminder_minutes": "15",
                "no_show_minutes": "5",
            },
        )

    assert list(
        MatchingSettings.objects.values_list("booking_mode", "max_requests_per_participant")
    ) == [(BookingMode.SELF_SERVICE, 3)]
