"""The event page asks the phase predicates (events/rules.py), not phase names of its own."""

import pytest
from django.urls import reverse

from events.enums import Phase

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("phase", "invited"),
    [
        (Phase.REGISTRATION, True),
        (Phase.REQUESTS, True),
        (Phase.SCHEDULING, False),
        (Phase.LIVE, False),
    ],
)
def test_event_page_invites_anonymous_visitors_to_log_in_while_registration_is_open(
    client, event, phase, invited
):
    event.phase = phase
    event.save(update_fields=["phase"])

    page = client.get(reverse("events:detail", kwargs={"slug": event.slug})).content.decode()

    assert ("to register for this event" in page) == invited
