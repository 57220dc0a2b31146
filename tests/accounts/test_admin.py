from django.urls import reverse

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
