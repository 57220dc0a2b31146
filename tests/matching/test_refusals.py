"""Refusals people can see (core.views.refuse): an action refused on a stale "My meetings" page
comes back as the site's refusal, retargeted into the page's message area, with the lists
re-rendered from the database at the same time."""

import pytest
from django.urls import reverse

from matching.enums import RequestStatus
from matching.services import requests as services

HTMX = {"HX-Request": "true", "Accept-Language": "en"}


@pytest.fixture(autouse=True)
def _phase(requests_phase):
    return requests_phase


def test_cancel_on_stale_page_with_htmx_is_a_visible_refusal(
    client, event, buyer, buyer_reg, ess_reg
):
    request = services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer)
    services.cancel_request(request=request, by=buyer)  # elsewhere, in another tab
    client.force_login(buyer)

    response = client.post(
        reverse("matching:request_cancel", args=[event.slug, request.pk]), headers=HTMX
    )

    body = response.content.decode()
    assert response.status_code == 409
    assert (response["HX-Retarget"], response["HX-Reswap"]) == ("#refusal", "innerHTML")
    assert body.startswith('<p class="message message-error">')
    assert "This request can no longer be changed this way." in body
    assert "<template>" in body
    assert '<div id="my-requests" hx-swap-oob="true">' in body


def test_cancel_on_stale_page_without_javascript_redirects_with_the_message(
    client, event, buyer, buyer_reg, ess_reg
):
    request = services.send_request(sender=buyer_reg, recipient=ess_reg, by=buyer)
    services.cancel_request(request=request, by=buyer)
    client.force_login(buyer)

    response = client.post(
        reverse("matching:request_cancel", args=[event.slug, request.pk]),
        headers={"Accept-Language": "en"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("matching:requests", args=[event.slug])
    assert [(m.level_tag, m.message) for m in response.context["messages"]] == [
        ("error", "This request can no longer be changed this way.")
    ]
    request.refresh_from_db()
    assert request.status == RequestStatus.CANCELLED


def test_request_gone_meanwhile_with_htmx_is_refused_into_the_message_area(
    client, event, buyer, buyer_reg
):
    client.force_login(buyer)

    response = client.post(
        reverse("matching:request_cancel", args=[event.slug, 999_999]), headers=HTMX
    )

    assert response.status_code == 404
    assert response["HX-Retarget"] == "#refusal"
    assert response.content.decode() == (
        '<p class="message message-error">'
        "This no longer exists, or is not visible to you. Reload the page.</p>"
    )
