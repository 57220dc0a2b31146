"""The pitch form on a phone: lots and questions added in place (or by the same button without
JavaScript), territories picked from a filterable checklist."""

from django.urls import reverse

from pitches.models import Pitch
from tests.pitches.test_views import pitch_post


def test_pitch_form_add_lot_without_javascript_shows_one_more_row_and_saves_nothing(
    client, event, buyer_org, buyer
):
    client.force_login(buyer)

    response = client.post(
        reverse("pitches:create", args=[event.slug]),
        pitch_post(buyer=buyer_org.pk, title="", add="lots"),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert Pitch.objects.count() == 0
    assert response.context["lots"].total_form_count() == 3
    assert 'name="lots-2-title"' in page
    assert 'value="Fontaines"' in page, "what was typed stays"
    assert response.context["form"].errors == {}, "nothing was submitted for saving yet"
    assert 'class="form-errors"' not in page


def test_pitch_form_add_question_without_javascript_shows_one_more_row(
    client, event, buyer_org, buyer
):
    client.force_login(buyer)

    response = client.post(
        reverse("pitches:create", args=[event.slug]),
        pitch_post(buyer=buyer_org.pk, add="questions"),
    )

    assert response.status_code == 200
    assert response.context["questions"].total_form_count() == 2
    assert Pitch.objects.count() == 0


def test_pitch_form_add_lot_stops_at_the_maximum(client, event, buyer_org, buyer):
    client.force_login(buyer)

    response = client.post(
        reverse("pitches:create", args=[event.slug]),
        pitch_post(buyer=buyer_org.pk, add="lots", **{"lots-TOTAL_FORMS": "30"}),
    )

    assert response.context["lots"].total_form_count() == 30
    assert 'name="add" value="lots"' not in response.content.decode(), "no button to a full list"


def test_pitch_form_add_lot_with_a_broken_count_is_a_page_not_a_500(
    client, event, buyer_org, buyer
):
    client.force_login(buyer)

    response = client.post(
        reverse("pitches:create", args=[event.slug]),
        pitch_post(buyer=buyer_org.pk, add="lots", **{"lots-TOTAL_FORMS": "9" * 25}),
    )

    assert response.status_code == 200
    assert Pitch.objects.count() == 0


def test_pitch_form_offers_one_empty_lot_an_add_button_and_a_template_row(client, event, buyer):
    client.force_login(buyer)

    response = client.get(reverse("pitches:create", args=[event.slug]))

    page = response.content.decode()
    assert response.context["lots"].total_form_count() == 1
    assert 'name="add" value="lots"' in page
    assert 'name="lots-__prefix__-title"' in page, "the row the script copies"
    assert "js/formsets.js" in page


def test_pitch_form_territories_are_a_filterable_checklist(client, event, buyer):
    client.force_login(buyer)

    response = client.get(reverse("pitches:create", args=[event.slug]))

    page = response.content.decode()
    assert '<select name="territories"' not in page
    assert 'type="checkbox" name="territories" value="59"' in page
    assert 'data-checklist-filter="id_territories"' in page
    assert '<label for="id_territories_filter">' in page
    assert "js/checklist.js" in page
