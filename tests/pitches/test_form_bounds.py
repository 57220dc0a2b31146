"""Bad input in the pitches' forms is a clear message in the person's language, never a 500: ids
and numbers are bounded (core.forms), duplicates are named by their labels."""

import pytest
from django.urls import reverse

from pitches.models import Interest, Lot, Pitch
from tests.factories import PitchFactory
from tests.pitches.test_views import pitch_post

HUGE = "9" * 20


@pytest.fixture
def lot_pitch(event):
    event.phase = "requests"
    event.save(update_fields=["phase"])
    pitch = PitchFactory(event=event, title="Goûters bio")
    Lot.objects.create(pitch=pitch, number=1, title="Goûters")
    return pitch


@pytest.mark.parametrize("lot", [HUGE, f"-{HUGE}", "9223372036854775808"])
def test_interest_form_with_an_out_of_range_lot_id_is_a_form_error(
    client, lot_pitch, ess_admin, lot
):
    client.force_login(ess_admin)

    response = client.post(
        reverse("pitches:interest", args=[lot_pitch.pk]),
        {"lots": [lot], "group_mode": "alone"},
        headers={"Accept-Language": "fr"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["lots"] == [
        f"Sélectionnez un choix valide. {lot} n’en fait pas partie."
    ]
    assert Interest.objects.count() == 0


def test_catalogue_filter_with_out_of_range_ids_is_not_a_500(client, lot_pitch, ess_admin):
    client.force_login(ess_admin)

    response = client.get(
        reverse("pitches:catalogue", args=[lot_pitch.event.slug]),
        {"theme": HUGE, "territory": HUGE},
    )

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (
            "fr",
            "Deux lignes ont le même «\u00a0Numéro\u00a0»\u00a0: chaque ligne doit avoir le sien.",
        ),
        ("en", "Two rows have the same “Number”: each row needs its own."),
    ],
)
def test_pitch_form_duplicate_lot_numbers_are_named_by_their_label(
    client, event, buyer_org, buyer, language, message
):
    client.force_login(buyer)

    response = client.post(
        reverse("pitches:create", args=[event.slug]),
        pitch_post(buyer=buyer_org.pk, **{"lots-1-number": "1", "lots-1-title": "Doublon"}),
        headers={"Accept-Language": language},
    )

    assert response.status_code == 200
    assert response.context["lots"].non_form_errors() == [message]
    assert Pitch.objects.count() == 0


def test_pitch_form_lot_number_out_of_range_is_a_form_error(client, event, buyer_org, buyer):
    client.force_login(buyer)

    response = client.post(
        reverse("pitches:create", args=[event.slug]),
        pitch_post(buyer=buyer_org.pk, **{"lots-0-number": HUGE}),
    )

    assert response.status_code == 200
    assert Pitch.objects.count() == 0
