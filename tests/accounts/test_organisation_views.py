"""Organisation pages: forms with bad input save nothing and say why; profiles hide contacts."""

import io
import json

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.models import Membership, Organisation
from pitches.enums import InterestStatus
from tests.factories import (
    InterestFactory,
    MembershipFactory,
    OrganisationFactory,
    PitchFactory,
    UserFactory,
    valid_siret,
)
from tests.queries import growing
from tests.roles import PASSWORD


def _png(size=(40, 40), image_format="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (58, 45, 143)).save(buffer, format=image_format)
    return buffer.getvalue()


def _form(**extra) -> dict:
    return {
        "kind": "ess",
        "name": "Recyclerie du Nord",
        "siret": valid_siret(501),
        "legal_form": "association",
        "themes": ["waste"],
        "territories": ["59350", "59"],
        "size": "10-49",
        "description": "Collecte et réemploi.",
    } | extra


def _create(client, user, **extra):
    client.force_login(user)
    return client.post(reverse("accounts:organisation_create"), _form(**extra))


def _errors(response, field: str) -> list[str]:
    return response.context["form"].errors.get(field, [])


def test_create_organisation_with_spaced_siret_and_logo(client, db):
    user = UserFactory()
    siret = valid_siret(501)
    spaced = f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"
    logo = SimpleUploadedFile("logo.png", _png(), content_type="image/png")

    response = _create(
        client,
        user,
        siret=spaced,
        logo=logo,
        esus_agreed="on",
        esus_start="2019-01-01",
        esus_end="2024-01-01",
    )

    organisation = Organisation.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("accounts:organisation_detail", args=[organisation.slug])
    assert organisation.siret == siret
    assert organisation.logo.name.startswith("logos/")
    assert organisation.esus_agreed is True
    assert Membership.objects.get().role == "admin"
    assert sorted(organisation.territories.values_list("code", flat=True)) == ["59", "59350"]


def test_create_organisation_with_bad_siret_saves_nothing(client, db):
    response = _create(client, UserFactory(), siret="123 456 789 00000")

    assert response.status_code == 200
    assert _errors(response, "siret") == [
        "Ce numéro SIRET n'est pas valide : vérifiez les 14 chiffres."
    ]
    assert Organisation.objects.count() == 0


def test_create_organisation_with_short_siret_saves_nothing(client, db):
    response = _create(client, UserFactory(), siret="1234")

    assert _errors(response, "siret") == [
        "Ce numéro SIRET n'est pas valide : vérifiez les 14 chiffres."
    ]
    assert Organisation.objects.count() == 0


def test_la_poste_siret_is_accepted(client, db):
    response = _create(client, UserFactory(), siret="35600000000048")

    assert response.status_code == 302
    assert Organisation.objects.get().siret == "35600000000048"


def test_create_organisation_with_duplicate_siret_saves_nothing(client, ess_org):
    response = _create(client, UserFactory(), siret=ess_org.siret)

    assert response.status_code == 200
    assert _errors(response, "siret") == [
        "Une organisation avec ce numéro SIRET est déjà inscrite : demandez à ses "
        "administrateurs de vous inviter."
    ]
    assert Organisation.objects.count() == 1


def test_create_organisation_with_a_text_file_as_logo_saves_nothing(client, db):
    logo = SimpleUploadedFile("logo.png", b"not an image", content_type="image/png")

    response = _create(client, UserFactory(), logo=logo)

    assert response.status_code == 200
    assert _errors(response, "logo") == [
        "Le logo doit être une image PNG, JPEG ou WebP de 2 Mo au plus."
    ]
    assert Organisation.objects.count() == 0


def test_create_organisation_with_a_truncated_logo_saves_nothing(client, db):
    whole = _png(size=(200, 200), image_format="JPEG")
    logo = SimpleUploadedFile("logo.jpg", whole[: len(whole) // 2], content_type="image/jpeg")

    response = _create(client, UserFactory(), logo=logo)

    assert _errors(response, "logo") == [
        "Ce fichier JPEG n’a pas pu être lu : il est endommagé ou incomplet. Ouvrez-le, "
        "enregistrez-le de nouveau au format JPEG et réessayez."
    ]
    assert Organisation.objects.count() == 0


def test_create_organisation_with_a_logo_of_too_many_pixels_saves_nothing(client, db):
    buffer = io.BytesIO()
    Image.new("1", (8000, 8000)).save(buffer, format="PNG")  # 8 KB, 64 million pixels
    logo = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")

    response = _create(client, UserFactory(), logo=logo)

    assert _errors(response, "logo") == [
        "Cette image est trop grande : 8000 × 8000 pixels, plus de 40 millions. "
        "Réduisez-la et réessayez."
    ]
    assert Organisation.objects.count() == 0


def test_create_organisation_with_a_gif_logo_saves_nothing(client, db):
    logo = SimpleUploadedFile("logo.gif", _png(image_format="GIF"), content_type="image/gif")

    response = _create(client, UserFactory(), logo=logo)

    assert _errors(response, "logo") == [
        "Le logo doit être une image PNG, JPEG ou WebP de 2 Mo au plus."
    ]
    assert Organisation.objects.count() == 0


def test_create_organisation_with_a_logo_over_2_mb_saves_nothing(client, db, settings):
    big = _png(size=(1500, 1500), image_format="BMP")  # uncompressed: about 6.7 MB
    buffer = io.BytesIO()
    Image.open(io.BytesIO(big)).save(buffer, format="PNG", compress_level=0)
    assert buffer.tell() > 2 * 1024 * 1024
    logo = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")

    response = _create(client, UserFactory(), logo=logo)

    assert _errors(response, "logo") == [
        "Le logo doit être une image PNG, JPEG ou WebP de 2 Mo au plus."
    ]
    assert Organisation.objects.count() == 0


def test_create_organisation_with_esus_but_no_dates_saves_nothing(client, db):
    response = _create(client, UserFactory(), esus_agreed="on")

    assert _errors(response, "esus_start") == ["Indiquez la date de début de l'agrément ESUS."]
    assert _errors(response, "esus_end") == ["Indiquez la date de fin de l'agrément ESUS."]
    assert Organisation.objects.count() == 0


def test_create_organisation_with_esus_ending_before_start_saves_nothing(client, db):
    response = _create(
        client, UserFactory(), esus_agreed="on", esus_start="2020-05-01", esus_end="2020-04-30"
    )

    assert _errors(response, "esus_end") == ["La fin de l'agrément doit suivre son début."]
    assert Organisation.objects.count() == 0


def test_create_buyer_without_buyer_kind_saves_nothing(client, db):
    response = _create(client, UserFactory(), kind="buyer", legal_form="")

    assert _errors(response, "buyer_kind") == ["Choisissez le type d'acheteur."]
    assert Organisation.objects.count() == 0


def test_create_organisation_with_unknown_territory_saves_nothing(client, db):
    response = _create(client, UserFactory(), territories=["99999"])

    assert response.status_code == 200
    assert _errors(response, "territories") == [
        "Sélectionnez un choix valide. 99999 n’en fait pas partie."
    ]
    assert Organisation.objects.count() == 0


def test_edit_organisation_with_bad_siret_keeps_the_old_one(client, ess_admin, ess_org):
    client.force_login(ess_admin)
    old = ess_org.siret

    response = client.post(
        reverse("accounts:organisation_edit", args=[ess_org.slug]),
        _form(name="Nouveau nom", siret="00000000000001"),
    )

    assert response.status_code == 200
    ess_org.refresh_from_db()
    assert (ess_org.siret, ess_org.name) == (old, ess_org.name)
    assert ess_org.name != "Nouveau nom"


def test_edit_organisation_cannot_change_the_kind(client, ess_admin, ess_org):
    client.force_login(ess_admin)

    client.post(
        reverse("accounts:organisation_edit", args=[ess_org.slug]),
        _form(kind="buyer", buyer_kind="hospital", siret=ess_org.siret),
    )

    ess_org.refresh_from_db()
    assert ess_org.kind == "ess"


def test_profile_hides_contacts_from_an_unrelated_buyer(client, buyer, ess_member, ess_org):
    client.force_login(buyer)

    page = client.get(reverse("accounts:organisation_detail", args=[ess_org.slug])).content.decode()

    assert ess_member.email not in page
    assert (
        "Leurs coordonnées sont visibles des personnes inscrites au même événement qu'elles si "
        "elles ont accepté de les partager, et sinon une fois un intérêt ou un rendez-vous "
        "accepté par les deux parties."
    ) in page


def test_profile_shows_contacts_after_a_shortlisted_interest(
    client, event, buyer, buyer_org, ess_member, ess_org
):
    InterestFactory(
        pitch=PitchFactory(event=event, buyer=buyer_org),
        organisation=ess_org,
        status=InterestStatus.SHORTLISTED,
    )
    client.force_login(buyer)

    page = client.get(reverse("accounts:organisation_detail", args=[ess_org.slug])).content.decode()

    assert ess_member.email in page


def test_member_role_refuses_to_demote_the_last_admin_with_a_message(client, ess_admin, ess_org):
    client.force_login(ess_admin)
    membership = ess_org.memberships.get(user=ess_admin)

    response = client.post(
        reverse("accounts:member_role", args=[ess_org.slug, membership.pk]),
        {"role": "member"},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "Une organisation doit garder au moins un administrateur : nommez d'abord un autre "
        "membre administrateur."
    ]
    membership.refresh_from_db()
    assert membership.role == "admin"


def test_member_role_with_unknown_role_changes_nothing(client, ess_admin, ess_member, ess_org):
    client.force_login(ess_admin)
    membership = ess_org.memberships.get(user=ess_member)

    response = client.post(
        reverse("accounts:member_role", args=[ess_org.slug, membership.pk]), {"role": "owner"}
    )

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == "member"


def test_member_of_another_organisation_is_404(client, ess_admin, ess_org, buyer_org, buyer):
    client.force_login(ess_admin)
    membership = buyer_org.memberships.get(user=buyer)

    response = client.post(reverse("accounts:member_remove", args=[ess_org.slug, membership.pk]))

    assert response.status_code == 404


def test_invite_form_refuses_a_bad_address(client, ess_admin, ess_org):
    client.force_login(ess_admin)

    response = client.post(
        reverse("accounts:organisation_invite", args=[ess_org.slug]),
        {"email": "pas-une-adresse", "role": "member"},
    )

    assert response.status_code == 200
    assert ess_org.invitations.count() == 0


def test_invitation_unknown_token_is_404(client, ess_admin):
    client.force_login(ess_admin)

    assert client.get(reverse("accounts:invitation_accept", args=["nope"])).status_code == 404


def test_invitation_accepted_by_the_right_person(client, ess_admin, ess_org):
    from accounts.services import invite_member

    invitation = invite_member(organisation=ess_org, inviter=ess_admin, email="new@example.org")
    newcomer = UserFactory(email="new@example.org")
    client.force_login(newcomer)

    response = client.post(reverse("accounts:invitation_accept", args=[invitation.token]))

    assert response.status_code == 302
    assert ess_org.memberships.filter(user=newcomer).exists()


def test_data_export_downloads_json(client, ess_member):
    client.force_login(ess_member)

    response = client.get(reverse("accounts:data_export"))

    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="osez-my-data-')
    assert json.loads(response.content)["user"]["email"] == ess_member.email


def test_delete_account_with_a_wrong_password_keeps_it(client, ess_member):
    client.force_login(ess_member)

    response = client.post(reverse("accounts:delete_account"), {"password": "wrong"})

    assert response.status_code == 200
    assert response.context["form"].errors["password"] == ["Ce mot de passe n'est pas correct."]
    ess_member.refresh_from_db()


def test_delete_account_with_the_password_deletes_and_logs_out(client, ess_member):
    client.force_login(ess_member)

    response = client.post(reverse("accounts:delete_account"), {"password": PASSWORD})

    assert response.status_code == 302
    assert not type(ess_member).objects.filter(pk=ess_member.pk).exists()
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated


def test_delete_account_of_the_sole_admin_is_refused_with_a_message(client, ess_admin, ess_member):
    client.force_login(ess_admin)

    response = client.post(reverse("accounts:delete_account"), {"password": PASSWORD})

    assert response.status_code == 200
    assert "seul administrateur" in str(response.context["form"].non_field_errors())
    assert type(ess_admin).objects.filter(pk=ess_admin.pk).exists()


def test_members_page_query_count_does_not_grow(
    client, assert_queries_constant, ess_admin, ess_org
):
    client.force_login(ess_admin)
    url = reverse("accounts:organisation_members", args=[ess_org.slug])

    def add(n):
        if n:  # the first member is the admin
            MembershipFactory(organisation=ess_org)

    assert_queries_constant(items=growing(add), run=lambda _: client.get(url))


def test_profile_query_count_does_not_grow(client, django_assert_num_queries, buyer, ess_org):
    client.force_login(buyer)
    url = reverse("accounts:organisation_detail", args=[ess_org.slug])
    client.get(url)
    ess_org.memberships.all().delete()
    MembershipFactory(organisation=ess_org)

    # incl. matching's accepted-meetings check and the header's unread count
    with django_assert_num_queries(14) as one:
        client.get(url)
    for _ in range(2):
        MembershipFactory(organisation=ess_org)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(url)


def test_organisation_logo_served_by_the_app(client, db):
    organisation = OrganisationFactory(listed_in_directory=True)
    organisation.logo.save("logo.png", ContentFile(_png()))

    response = client.get(reverse("accounts:organisation_logo", args=[organisation.slug]))

    assert (response.status_code, response["Content-Type"], response.content) == (
        200,
        "image/png",
        _png(),
    )


def test_editing_the_type_through_the_page_clears_the_verification(client, ess_admin, ess_org):
    from accounts import services

    services.verify_organisation(organisation=ess_org, actor=ess_admin)
    client.force_login(ess_admin)

    response = client.post(
        reverse("accounts:organisation_edit", args=[ess_org.slug]),
        _form(name=ess_org.name, siret=ess_org.siret, insertion_type="ei"),
        follow=True,
    )

    ess_org.refresh_from_db()
    assert (ess_org.insertion_type, ess_org.verified_at) == ("ei", None)
    assert "un organisateur les vérifiera" in response.content.decode()
