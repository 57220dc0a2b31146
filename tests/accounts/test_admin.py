from django.urls import reverse

from tests.admin_forms import change_form_data
from tests.factories import UserFactory


def test_admin_pages_render_for_staff(client, ess_org, ess_admin):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    for name, args in [
        ("admin:accounts_user_changelist", []),
        ("admin:accounts_user_add", []),
        ("admin:accounts_user_change", [ess_admin.pk]),
        ("admin:accounts_organisation_changelist", []),
        ("admin:accounts_organisation_change", [ess_org.pk]),
        ("admin:accounts_membership_changelist", []),
        ("admin:accounts_invitation_changelist", []),
        ("admin:accounts_territory_changelist", []),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 200, name


def test_admin_action_verifies_organisations(client, ess_org):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    client.post(
        reverse("admin:accounts_organisation_changelist"),
        {"action": "mark_verified", "_selected_action": [ess_org.pk]},
    )

    ess_org.refresh_from_db()
    assert ess_org.type_verified is True


def test_organisation_change_form_post_cannot_change_verification_or_listing(client, ess_org):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url, data = change_form_data(
        client,
        "admin:accounts_organisation_change",
        ess_org.pk,
        verified_at="2019-11-26 10:00:00",
        listed_in_directory="on",
        description="Nouvelle description",
    )

    response = client.post(url, data)

    assert response.status_code == 302
    ess_org.refresh_from_db()
    assert (ess_org.verified_at, ess_org.listed_in_directory) == (None, False)
    assert ess_org.description == "Nouvelle description"


def test_admin_action_withdraws_verification_and_says_so(client, ess_org):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    client.post(
        reverse("admin:accounts_organisation_changelist"),
        {"action": "mark_verified", "_selected_action": [ess_org.pk]},
        follow=True,
    )

    response = client.post(
        reverse("admin:accounts_organisation_changelist"),
        {"action": "withdraw_verification", "_selected_action": [ess_org.pk]},
        follow=True,
    )

    ess_org.refresh_from_db()
    assert ess_org.verified_at is None
    assert [m.level_tag for m in response.context["messages"]] == ["success"]


def test_membership_role_cannot_be_changed_in_the_admin(client, ess_org, ess_member):
    membership = ess_member.memberships.get()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    client.post(
        reverse("admin:accounts_membership_change", args=[membership.pk]),
        {"user": ess_member.pk, "organisation": ess_org.pk, "role": "admin"},
    )

    membership.refresh_from_db()
    assert membership.role == "member"
