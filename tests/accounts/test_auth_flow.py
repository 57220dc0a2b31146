"""Sign-up, email verification, login, password reset and invitations, through the test client."""

import re

from django.core import mail
from django.urls import reverse

from accounts.models import Membership, User
from tests.roles import PASSWORD as FACTORY_PASSWORD

PASSWORD = "Une-phrase-de-passe-solide-2019"


def _link(message, pattern: str) -> str:
    match = re.search(rf"https?://[^/\s]+({pattern})", message.body)
    assert match, message.body
    return match.group(1)


def _sign_up(client, email: str, next_url: str = ""):
    data = {
        "email": email,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "first_name": "Léa",
        "last_name": "Durand",
    }
    if next_url:
        data["next"] = next_url
    return client.post(reverse("account_signup"), data)


def test_signup_sends_a_verification_email_and_confirming_logs_in(client, db):
    response = _sign_up(client, "lea@example.org")

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lea@example.org"]
    user = User.objects.get(email="lea@example.org")
    assert (user.first_name, user.last_name) == ("Léa", "Durand")
    confirm_url = _link(mail.outbox[0], r"/accounts/confirm-email/[^/\s]+/")

    response = client.post(confirm_url)

    assert response.status_code == 302
    assert response.url == reverse("accounts:dashboard")
    dashboard = client.get(reverse("accounts:dashboard"))
    assert dashboard.status_code == 200
    assert dashboard.wsgi_request.user == user


def test_login_is_refused_until_the_email_is_verified(client, db):
    _sign_up(client, "lea@example.org")
    client.logout()

    response = client.post(
        reverse("account_login"), {"login": "lea@example.org", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert not client.get(reverse("accounts:dashboard")).wsgi_request.user.is_authenticated


def test_login_without_organisation_lands_on_my_space(client, db):
    from tests.factories import UserFactory

    user = UserFactory(email="paul@example.org")

    response = client.post(
        reverse("account_login"), {"login": user.email, "password": FACTORY_PASSWORD}
    )

    assert response.status_code == 302
    assert response.url == reverse("accounts:dashboard")
    page = client.get(response.url)
    assert reverse("accounts:organisation_create") in page.content.decode()


def test_password_reset_by_email_sets_a_new_password(client, db):
    from tests.factories import UserFactory

    user = UserFactory(email="paul@example.org")

    client.post(reverse("account_reset_password"), {"email": "paul@example.org"})

    assert len(mail.outbox) == 1
    reset_url = _link(mail.outbox[0], r"/accounts/password/reset/key/[^/\s]+/")
    form_url = client.get(reset_url).url  # allauth moves the key into the session
    response = client.post(
        form_url, {"password1": "Nouveau-mot-de-passe-42", "password2": "Nouveau-mot-de-passe-42"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Nouveau-mot-de-passe-42")


def test_invitation_link_leads_a_newcomer_through_signup_and_back(
    client, ess_admin, ess_org, django_capture_on_commit_callbacks, eager_tasks
):
    from accounts.services import invite_member

    with django_capture_on_commit_callbacks(execute=True):
        invite_member(organisation=ess_org, inviter=ess_admin, email="Newcomer@Example.org")
    accept_url = _link(mail.outbox[0], r"/invitations/[^/\s]+/")

    response = client.get(accept_url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_signup"))
    assert "next=" in response.url

    _sign_up(client, "newcomer@example.org", next_url=accept_url)
    confirm_url = _link(mail.outbox[-1], r"/accounts/confirm-email/[^/\s]+/")
    response = client.post(confirm_url)
    assert response.url == accept_url

    response = client.post(accept_url)

    assert response.status_code == 302
    membership = Membership.objects.get(user__email="newcomer@example.org", organisation=ess_org)
    assert membership.role == "member"
