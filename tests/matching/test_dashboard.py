"""The matching part of "My space"."""

import pytest
from django.urls import reverse

from matching.services import requests as services


@pytest.mark.django_db
def test_dashboard_shows_requests_awaiting_an_answer(
    client, requests_phase, buyer, buyer_reg, ess_member, ess_reg
):
    services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer)
    client.force_login(ess_member)

    response = client.get(reverse("accounts:dashboard"))

    assert response.status_code == 200
    assert "1 demande attend votre réponse" in response.content.decode()
