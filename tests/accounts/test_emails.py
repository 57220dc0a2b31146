"""Every email takes the site's name and address from settings (core.sites): allauth's sign-up
and password-reset emails no longer say "example.com", and links do not follow whichever host
served the request."""

import re

import pytest
from django.contrib.sites.models import Site
from django.core import mail
from django.urls import reverse

from accounts import services
from tests.factories import UserFactory

NAME = "Osez Hauts-de-France"
HOST = "rencontres.osez.example"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = f"https://{HOST}"
    settings.SITE_NAME = NAME
    settings.LANGUAGE_CODE = "en"


def links(body: str) -> list[str]:
    return re.findall(r"https?://[^\s]+", body)


def test_signup_email_has_the_site_name_and_address(client, db):
    client.post(
        reverse("account_signup"),
        {
            "email": "lea@example.org",
            "password1": "Une-phrase-de-passe-solide-2019",
            "password2": "Une-phrase-de-passe-solide-2019",
            "first_name": "Léa",
            "last_name": "Durand",
        },
        headers={"Accept-Language": "en"},
    )

    (message,) = mail.outbox
    assert message.subject.startswith(f"[{NAME}] ")
    assert NAME in message.body
    assert "example.com" not in message.body
    assert links(message.body)
    assert all(link.startswith(f"https://{HOST}/") for link in links(message.body))


def test_password_reset_email_has_the_site_name_and_address(client, db):
    user = UserFactory(email="lea@example.org")

    client.post(reverse("account_reset_password"), {"email": user.email})

    (message,) = mail.outbox
    assert message.subject.startswith(f"[{NAME}] ")
    assert "example.com" not in message.body
    reset_links = [link for link in links(message.body) if "/password/reset/key/" in link]
    assert reset_links
    assert all(link.startswith(f"https://{HOST}/") for link in reset_links)


def test_invitation_email_has_the_site_name_and_address(
    ess_admin, ess_org, django_capture_on_commit_callbacks, eager_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite_member(
            organisation=ess_org, inviter=ess_admin, email="colleague@example.org"
        )

    (message,) = mail.outbox
    assert message.subject == f"[{NAME}] You are invited to join {ess_org.name}"
    assert f"https://{HOST}/invitations/{invitation.token}/" in message.body


def test_sites_framework_row_matches_the_settings(db, settings):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("core.migrations.0001_site_from_settings")
    migration.site_from_settings(apps, None)

    site = Site.objects.get(pk=settings.SITE_ID)
    assert (site.name, site.domain) == (NAME, HOST)
