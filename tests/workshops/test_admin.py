"""A workshop's capacity is read-only in the admin: it changes in the organisers' programme,
where events.services.save_session checks it against the room."""

from tests.admin_forms import change_form_data
from tests.factories import UserFactory
from tests.workshops.conftest import make_workshop


def test_workshop_change_form_post_cannot_change_capacity(client, event):
    workshop = make_workshop(event, capacity=30)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url, data = change_form_data(
        client,
        "admin:workshops_workshop_change",
        workshop.pk,
        capacity=3000,
        expected_outcome="Des pistes concrètes",
    )

    response = client.post(url, data)

    assert response.status_code == 302
    workshop.refresh_from_db()
    assert (workshop.capacity, workshop.expected_outcome) == (30, "Des pistes concrètes")
