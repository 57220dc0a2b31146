"""core.views: the site's refusal policy for htmx requests (400, 403, 404, CSRF failures)."""

from django.test import Client
from django.urls import reverse

from tests.factories import EventFactory, UserFactory

HTMX = {"HX-Request": "true", "Accept-Language": "en"}


def test_csrf_failure_with_htmx_is_a_refusal_in_the_message_area(db):
    event = EventFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())

    response = client.post(reverse("events:cancel_registration", args=[event.slug]), headers=HTMX)

    assert response.status_code == 403
    assert response["HX-Retarget"] == "#refusal"
    assert response.content.decode() == (
        '<p class="message message-error">This page has expired: reload it, then try again.</p>'
    )


def test_csrf_failure_without_htmx_keeps_the_full_page(db):
    event = EventFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())

    response = client.post(reverse("events:cancel_registration", args=[event.slug]))

    assert response.status_code == 403
    assert "HX-Retarget" not in response


def test_permission_denied_with_htmx_shows_its_reason(client, event, ess_member):
    event.phase = "closed"
    event.save(update_fields=["phase"])
    client.force_login(ess_member)

    response = client.post(reverse("events:register", args=[event.slug]), headers=HTMX)

    assert (response.status_code, response["HX-Retarget"]) == (403, "#refusal")
    assert response.content.decode() == (
        '<p class="message message-error">Registration is not open for this event.</p>'
    )


def test_not_found_with_htmx_is_a_refusal_also_with_debug_on(client, event, buyer, settings):
    settings.DEBUG = True
    client.force_login(buyer)

    response = client.post(
        reverse("matching:request_cancel", args=[event.slug, 999_999]), headers=HTMX
    )

    assert (response.status_code, response["HX-Retarget"]) == (404, "#refusal")


def test_logged_out_htmx_action_sends_the_whole_page_to_the_login(client, event):
    url = reverse("matching:request_cancel", args=[event.slug, 1])

    response = client.post(url, headers=HTMX)

    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("account_login"))
