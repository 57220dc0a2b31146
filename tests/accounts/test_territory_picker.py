"""The organisation form's territory picker is the same filterable checklist as the pitch form's,
with the same script (static/js/checklist.js)."""

from django.urls import reverse


def test_organisation_form_territory_picker_is_a_filterable_checklist(client, ess_admin):
    client.force_login(ess_admin)

    response = client.get(reverse("accounts:organisation_create"))

    page = response.content.decode()
    assert '<select name="territories"' not in page
    assert 'data-checklist-filter="id_territories"' in page
    assert "data-checklist-summary" in page
    assert "js/checklist.js" in page
