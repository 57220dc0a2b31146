"""One definition of who acts as an organiser (events.rules.acts_as_organiser): staff count, in
the rules that show the buttons and in the services that write alike."""

import pytest
from django.urls import reverse

from events.enums import Phase
from tests.factories import PitchFactory, UserFactory
from tests.pitches.test_views import pitch_post


@pytest.fixture
def pitch(event, buyer_org):
    return PitchFactory(event=event, buyer=buyer_org, title="Goûters bio")


@pytest.fixture
def scheduling(event):
    """Pitches are closed to buyers once the event is scheduling."""
    event.phase = Phase.SCHEDULING
    event.save(update_fields=["phase"])
    return event


def _edit(client, user, pitch):
    client.force_login(user)
    data = pitch_post(**{"lots-TOTAL_FORMS": "0", "questions-TOTAL_FORMS": "0"})
    return client.post(reverse("pitches:edit", args=[pitch.pk]), data)


@pytest.mark.parametrize("who", ["organiser", "staff"])
def test_edit_pitch_after_pitches_closed_by_an_organiser_or_staff_is_saved(
    client, pitch, scheduling, organiser, who
):
    user = organiser if who == "organiser" else UserFactory(is_staff=True)

    response = _edit(client, user, pitch)

    pitch.refresh_from_db()
    assert (response.status_code, pitch.title) == (302, "Fontaines à eau")


def test_edit_pitch_after_pitches_closed_by_its_buyer_is_refused(client, pitch, scheduling, buyer):
    response = _edit(client, buyer, pitch)

    pitch.refresh_from_db()
    assert response.status_code == 403
    assert pitch.title != "Fontaines à eau"
