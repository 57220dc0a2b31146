"""A stale members page: removing someone who left meanwhile says so (core.views.refuse)."""

from django.urls import reverse

from tests.factories import MembershipFactory


def test_remove_member_gone_meanwhile_says_so(client, ess_org, ess_admin):
    gone = MembershipFactory(organisation=ess_org)
    url = reverse("accounts:member_remove", args=[ess_org.slug, gone.pk])
    gone.delete()
    client.force_login(ess_admin)

    response = client.post(url, headers={"Accept-Language": "en"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse(
        "accounts:organisation_members", args=[ess_org.slug]
    )
    assert [m.message for m in response.context["messages"]] == [
        "This person is no longer a member of the organisation."
    ]


def test_remove_member_gone_meanwhile_is_404_for_non_admins(client, ess_org, ess_member):
    gone = MembershipFactory(organisation=ess_org)
    url = reverse("accounts:member_remove", args=[ess_org.slug, gone.pk])
    gone.delete()
    client.force_login(ess_member)

    assert client.post(url).status_code == 404
