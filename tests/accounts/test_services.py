import json

import pytest
from django.core import mail

from accounts import services
from accounts.models import Invitation, Membership, Organisation, Territory, Theme, User
from tests.factories import (
    InterestFactory,
    MembershipFactory,
    OrganisationFactory,
    PitchFactory,
    RegistrationFactory,
    UserFactory,
    valid_siret,
)


def _ess_data(**extra):
    return {
        "name": "Les Jardins de Lille",
        "siret": valid_siret(77),
        "legal_form": "association",
    } | extra


def test_create_organisation_makes_the_creator_admin(db):
    user = UserFactory()
    themes = Theme.objects.filter(code__in=["food", "waste"])
    territories = Territory.objects.filter(code__in=["59350", "59"])

    organisation = services.create_organisation(
        creator=user, kind="ess", data=_ess_data(), themes=themes, territories=territories
    )

    assert organisation.slug == "les-jardins-de-lille"
    assert Membership.objects.get(organisation=organisation).user == user
    assert Membership.objects.get(organisation=organisation).role == "admin"
    assert sorted(organisation.themes.values_list("code", flat=True)) == ["food", "waste"]
    assert sorted(organisation.territories.values_list("code", flat=True)) == ["59", "59350"]


def test_create_organisation_gives_unique_slugs(db):
    user = UserFactory()
    first = services.create_organisation(creator=user, kind="ess", data=_ess_data())
    second = services.create_organisation(
        creator=user, kind="ess", data=_ess_data(siret=valid_siret(78))
    )

    assert (first.slug, second.slug) == ("les-jardins-de-lille", "les-jardins-de-lille-2")


def test_create_buyer_organisation_drops_ess_fields(db):
    organisation = services.create_organisation(
        creator=UserFactory(),
        kind="buyer",
        data=_ess_data(buyer_kind="hospital", insertion_type="ei", esus_agreed=True),
    )

    assert (organisation.buyer_kind, organisation.legal_form, organisation.insertion_type) == (
        "hospital",
        "",
        "",
    )
    assert organisation.esus_agreed is False


def test_update_organisation_clears_verification_when_types_change(ess_admin, ess_org):
    services.verify_organisation(organisation=ess_org, actor=ess_admin)
    assert ess_org.type_verified

    services.update_organisation(
        organisation=ess_org, actor=ess_admin, data={"insertion_type": "aci"}
    )

    ess_org.refresh_from_db()
    assert ess_org.insertion_type == "aci"
    assert ess_org.verified_at is None


def test_update_organisation_keeps_verification_for_description(ess_admin, ess_org):
    services.verify_organisation(organisation=ess_org, actor=ess_admin)

    services.update_organisation(
        organisation=ess_org, actor=ess_admin, data={"description": "Maraîchage bio."}
    )

    ess_org.refresh_from_db()
    assert ess_org.verified_at is not None


def test_set_directory_listing_writes_the_opt_in(ess_admin, ess_org):
    services.set_directory_listing(organisation=ess_org, actor=ess_admin, listed=True)

    ess_org.refresh_from_db()
    assert ess_org.listed_in_directory is True


def test_invite_member_sends_an_email_on_commit(
    ess_admin, ess_org, django_capture_on_commit_callbacks, eager_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite_member(
            organisation=ess_org, inviter=ess_admin, email=" Colleague@Example.org "
        )

    assert invitation.email == "colleague@example.org"
    assert len(invitation.token) >= 32
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["colleague@example.org"]
    assert f"/invitations/{invitation.token}/" in mail.outbox[0].body


def test_invite_member_twice_renews_the_pending_invitation(ess_admin, ess_org):
    first = services.invite_member(organisation=ess_org, inviter=ess_admin, email="a@example.org")
    second = services.invite_member(
        organisation=ess_org, inviter=ess_admin, email="a@example.org", role="admin"
    )

    assert first.pk == second.pk
    assert Invitation.objects.filter(organisation=ess_org).count() == 1
    assert Invitation.objects.get().role == "admin"


def test_invite_member_refuses_an_existing_member(ess_admin, ess_member, ess_org):
    with pytest.raises(services.AccountsError):
        services.invite_member(organisation=ess_org, inviter=ess_admin, email=ess_member.email)

    assert Invitation.objects.count() == 0


def test_accept_invitation_creates_the_membership(ess_admin, ess_org):
    invitation = services.invite_member(
        organisation=ess_org, inviter=ess_admin, email="new@example.org", role="admin"
    )
    newcomer = UserFactory(email="new@example.org")

    membership = services.accept_invitation(invitation=invitation, user=newcomer)

    assert (membership.organisation, membership.role) == (ess_org, "admin")
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


def test_accept_invitation_refuses_another_address(ess_admin, ess_org):
    invitation = services.invite_member(
        organisation=ess_org, inviter=ess_admin, email="new@example.org"
    )
    stranger = UserFactory(email="stranger@example.org")

    with pytest.raises(services.AccountsError):
        services.accept_invitation(invitation=invitation, user=stranger)

    assert not Membership.objects.filter(user=stranger).exists()


def test_accept_invitation_twice_is_refused(ess_admin, ess_org):
    invitation = services.invite_member(
        organisation=ess_org, inviter=ess_admin, email="new@example.org"
    )
    newcomer = UserFactory(email="new@example.org")
    services.accept_invitation(invitation=invitation, user=newcomer)

    with pytest.raises(services.AccountsError):
        services.accept_invitation(invitation=invitation, user=newcomer)


def test_a_person_may_belong_to_several_organisations(ess_member, buyer_org):
    MembershipFactory(user=ess_member, organisation=buyer_org)

    assert ess_member.memberships.count() == 2


def test_change_member_role_promotes_a_member(ess_admin, ess_member, ess_org):
    membership = ess_org.memberships.get(user=ess_member)

    services.change_member_role(membership=membership, actor=ess_admin, role="admin")

    assert ess_org.memberships.get(user=ess_member).role == "admin"


def test_change_member_role_refuses_to_demote_the_last_admin(ess_admin, ess_member, ess_org):
    membership = ess_org.memberships.get(user=ess_admin)

    with pytest.raises(services.AccountsError, match="au moins un administrateur"):
        services.change_member_role(membership=membership, actor=ess_admin, role="member")

    assert ess_org.memberships.get(user=ess_admin).role == "admin"


def test_change_member_role_demotes_an_admin_when_another_remains(ess_admin, ess_member, ess_org):
    services.change_member_role(
        membership=ess_org.memberships.get(user=ess_member), actor=ess_admin, role="admin"
    )

    services.change_member_role(
        membership=ess_org.memberships.get(user=ess_admin), actor=ess_admin, role="member"
    )

    assert ess_org.memberships.get(user=ess_admin).role == "member"


def test_remove_member_deletes_the_membership(ess_admin, ess_member, ess_org):
    services.remove_member(membership=ess_org.memberships.get(user=ess_member), actor=ess_admin)

    assert list(ess_org.memberships.values_list("user", flat=True)) == [ess_admin.pk]


def test_remove_member_refuses_the_last_admin(ess_admin, ess_member, ess_org):
    with pytest.raises(services.AccountsError):
        services.remove_member(membership=ess_org.memberships.get(user=ess_admin), actor=ess_admin)

    assert ess_org.memberships.count() == 2


def test_verify_organisation_sets_and_withdraws(organiser, ess_org):
    services.verify_organisation(organisation=ess_org, actor=organiser)
    ess_org.refresh_from_db()
    assert ess_org.type_verified is True

    services.verify_organisation(organisation=ess_org, actor=organiser, verified=False)
    ess_org.refresh_from_db()
    assert ess_org.type_verified is False


def test_update_profile_records_consent(ess_member):
    services.update_profile(
        user=ess_member, first_name="Léa", last_name="Durand", share_contact_details=True
    )

    ess_member.refresh_from_db()
    assert (ess_member.first_name, ess_member.share_contact_details) == ("Léa", True)


def test_export_user_data_holds_everything_about_the_person(event, ess_member, ess_org):
    pitch = PitchFactory(event=event)
    InterestFactory(pitch=pitch, organisation=ess_org, author=ess_member)
    ess_member.phone = "03 20 00 00 00"
    ess_member.save()

    data = services.export_user_data(user=ess_member)

    assert json.loads(json.dumps(data)) == data  # JSON-ready
    assert data["user"]["email"] == ess_member.email
    assert data["user"]["phone"] == "03 20 00 00 00"
    assert data["email_addresses"] == [
        {"email": ess_member.email, "verified": True, "primary": True}
    ]
    assert [m["organisation"] for m in data["memberships"]] == [ess_org.name]
    assert [r["event"] for r in data["event_registrations"]] == [event.title]
    assert [i["pitch"] for i in data["interests_written"]] == [pitch.title]


def test_delete_user_account_removes_the_person(event, ess_member, ess_org):
    interest = InterestFactory(organisation=ess_org, author=ess_member)

    services.delete_user_account(user=ess_member)

    assert not User.objects.filter(pk=ess_member.pk).exists()
    assert not Membership.objects.filter(user_id=ess_member.pk).exists()
    assert event.registrations.filter(user_id=ess_member.pk).count() == 0
    interest.refresh_from_db()
    assert interest.author is None
    assert Organisation.objects.filter(pk=ess_org.pk).exists()


def test_delete_user_account_refuses_the_sole_admin_with_members(ess_admin, ess_member, ess_org):
    with pytest.raises(services.AccountsError, match="seul administrateur"):
        services.delete_user_account(user=ess_admin)

    assert User.objects.filter(pk=ess_admin.pk).exists()


def test_delete_user_account_allows_the_sole_member(db):
    user = UserFactory()
    organisation = OrganisationFactory()
    MembershipFactory(user=user, organisation=organisation, role="admin")

    services.delete_user_account(user=user)

    assert not User.objects.filter(pk=user.pk).exists()


def test_delete_user_account_deletes_pending_invitations_to_the_person(ess_admin, ess_org):
    invitee = UserFactory(email="invitee@example.org")
    services.invite_member(organisation=ess_org, inviter=ess_admin, email=invitee.email)

    services.delete_user_account(user=invitee)

    assert Invitation.objects.count() == 0


def test_delete_user_account_keeps_other_peoples_registrations(event, ess_admin, ess_member):
    other = RegistrationFactory(event=event)

    services.delete_user_account(user=ess_member)

    assert sorted(event.registrations.values_list("user_id", flat=True)) == sorted(
        [ess_admin.pk, other.user_id]
    )


def test_a_renewed_invitation_withholds_the_older_email(ess_admin, ess_org):
    from notifications.enums import MessageState
    from notifications.invitations import INVITATION
    from notifications.models import OutboxMessage
    from notifications.services import send_message

    services.invite_member(organisation=ess_org, inviter=ess_admin, email="a@example.org")
    services.invite_member(organisation=ess_org, inviter=ess_admin, email="a@example.org")
    older, newer = OutboxMessage.objects.filter(kind=INVITATION).order_by("version")

    assert (older.address, newer.version) == ("a@example.org", 2)
    assert send_message(message_id=older.pk) == MessageState.WITHHELD
    assert send_message(message_id=newer.pk) == MessageState.SENT
