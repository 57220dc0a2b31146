"""Workshop wishes: a 20-digit workshop id is a form error, never a 500."""

from django.urls import reverse

from tests.workshops.conftest import make_workshop
from workshops.models import WorkshopWish

HUGE = "9" * 20


def test_wishes_with_an_out_of_range_workshop_id_is_a_form_error(client, event, ess_member):
    make_workshop(event, "Alimentation")
    client.force_login(ess_member)

    response = client.post(
        reverse("workshops:wishes", args=[event.slug]), {"choice_1": HUGE, "wants": HUGE}
    )

    assert response.status_code == 200
    assert "choice_1" in response.context["form"].errors
    assert WorkshopWish.objects.count() == 0
