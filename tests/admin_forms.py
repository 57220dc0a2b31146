"""Post an admin change form as a browser would: every field and inline as shown, plus changes."""

from django.db.models.fields.files import FieldFile
from django.urls import reverse


def _form_values(form) -> dict:
    data = {}
    for name in form.fields:
        value = form[name].value()
        key = form.add_prefix(name)
        if value is None or isinstance(value, FieldFile):
            continue  # no new upload
        if isinstance(value, bool):
            if value:
                data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [getattr(v, "pk", v) for v in value]
        else:
            data[key] = getattr(value, "pk", value)
    return data


def change_form_data(client, model_admin_url: str, pk: int, **changes) -> tuple[str, dict]:
    """The admin change URL of object `pk` and the POST data of its form as rendered, with
    `changes` applied (including fields the admin shows read-only: a crafted request)."""
    url = reverse(model_admin_url, args=[pk])
    response = client.get(url)
    assert response.status_code == 200
    data = _form_values(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update(_form_values(management))
        for form in formset.forms:
            data.update(_form_values(form))
    data.update(changes)
    return url, data
