"""Reserved routes (L2113-12 to L2113-15): a structure that is not eligible answers only in a group
that names an eligible member; the buyer sees each interested structure's eligibility."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pitches import services
from pitches.enums import Eligibility, GroupMode, LogKind, Route
from pitches.models import Interest, Pitch, SourcingLogEntry
from pitches.rules import NOT_ELIGIBLE_ALONE_TEXT
from tests.factories import (
    PARIS,
    InterestFactory,
    MembershipFactory,
    OrganisationFactory,
    PitchFactory,
    RegistrationFactory,
)

VERIFIED = dt.datetime(2019, 10, 1, tzinfo=PARIS)


@pytest.fixture
def reserved(event, buyer_org):
    return PitchFactory(
        event=event, buyer=buyer_org, title="Entretien réservé", route=Route.RESERVED_SIAE
    )


@pytest.fixture
def scic(event):
    """A verified SCIC, registered for the event: not an SIAE, so not eligible for L2113-13."""
    organisation = OrganisationFactory(name="Coop SCIC", legal_form="scic", verified_at=VERIFIED)
    member = MembershipFactory(organisation=organisation).user
    RegistrationFactory(event=event, user=member, organisation=organisation)
    organisation.member = member
    return organisation


@pytest.fixture
def siae(event):
    """A verified insertion enterprise (EI), registered for the event: eligible for L2113-13."""
    organisation = OrganisationFactory(
        name="Régie EI", legal_form="association", insertion_type="ei", verified_at=VERIFIED
    )
    RegistrationFactory(event=event, organisation=organisation)
    return organisation


def _post(client, pitch, data):
    return client.post(reverse("pitches:interest", args=[pitch.pk]), data)


def test_interest_alone_not_eligible_is_refused_with_the_reason(client, reserved, scic):
    client.force_login(scic.member)

    response = _post(client, reserved, {"group_mode": GroupMode.ALONE})

    assert response.status_code == 200
    assert Interest.objects.count() == 0
    assert "group_mode" in response.context["form"].errors
    assert "groupement" in response.text  # French by default: the reason, in the person's language


def test_interest_alone_not_eligible_is_refused_in_english(client, reserved, scic):
    client.force_login(scic.member)

    response = client.post(
        reverse("pitches:interest", args=[reserved.pk]),
        {"group_mode": GroupMode.ALONE},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert Interest.objects.count() == 0
    assert (
        "Your structure is not eligible for this reserved route: it may answer only in a group "
        "that names an eligible structure."
    ) in response.text


def test_interest_in_group_naming_an_eligible_member_is_saved(client, reserved, scic, siae):
    client.force_login(scic.member)

    response = _post(
        client,
        reserved,
        {"group_mode": GroupMode.GROUP, "eligible_member": siae.pk, "partners": ""},
    )

    assert response.status_code == 302
    interest = Interest.objects.get()
    assert (interest.organisation, interest.group_mode, interest.eligible_member) == (
        scic,
        GroupMode.GROUP,
        siae,
    )
    assert SourcingLogEntry.objects.get(kind=LogKind.INTEREST).summary == (
        "Coop SCIC a marqué son intérêt, en groupement avec Régie EI (membre éligible)."
    )


def test_interest_form_starts_in_a_group_for_a_structure_not_eligible(client, reserved, scic):
    client.force_login(scic.member)

    response = client.get(reverse("pitches:interest", args=[reserved.pk]))

    assert response.context["form"]["group_mode"].value() == GroupMode.GROUP


def test_interest_in_group_naming_a_not_eligible_member_is_refused(client, reserved, scic, event):
    unverified = OrganisationFactory(name="EI non vérifiée", insertion_type="ei")
    RegistrationFactory(event=event, organisation=unverified)
    client.force_login(scic.member)

    response = _post(
        client, reserved, {"group_mode": GroupMode.GROUP, "eligible_member": unverified.pk}
    )

    assert response.status_code == 200
    assert "eligible_member" in response.context["form"].errors
    assert Interest.objects.count() == 0


def test_interest_in_group_without_a_member_is_refused(client, reserved, scic, siae):
    client.force_login(scic.member)

    response = _post(client, reserved, {"group_mode": GroupMode.GROUP, "partners": "Régie EI"})

    assert "eligible_member" in response.context["form"].errors
    assert Interest.objects.count() == 0


def test_interest_form_offers_only_eligible_members_of_the_event_or_the_directory(
    client, reserved, scic, siae
):
    listed = OrganisationFactory(
        name="EI de l'annuaire", insertion_type="ei", verified_at=VERIFIED, listed_in_directory=True
    )
    OrganisationFactory(name="EI d'ailleurs", insertion_type="ei", verified_at=VERIFIED)
    client.force_login(scic.member)

    response = client.get(reverse("pitches:interest", args=[reserved.pk]))

    choices = response.context["form"].fields["eligible_member"].queryset
    assert list(choices) == [listed, siae]


def test_interest_form_says_when_no_eligible_structure_can_be_named(client, reserved, scic):
    client.force_login(scic.member)

    response = client.get(
        reverse("pitches:interest", args=[reserved.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )

    assert "No eligible structure of this event or of the directory" in response.text


def test_eligible_structure_still_answers_alone(client, reserved, siae):
    member = MembershipFactory(organisation=siae).user
    client.force_login(member)

    response = _post(client, reserved, {"group_mode": GroupMode.ALONE})

    assert response.status_code == 302
    assert Interest.objects.get().organisation == siae


def test_open_pitch_has_no_eligible_member_field(client, event, buyer_org, scic):
    pitch = PitchFactory(event=event, buyer=buyer_org)
    client.force_login(scic.member)

    response = client.get(reverse("pitches:interest", args=[pitch.pk]))

    assert "eligible_member" not in response.context["form"].fields


def test_interests_page_shows_each_structures_eligibility(
    client, reserved, buyer, scic, siae, event
):
    unverified = OrganisationFactory(name="EI non vérifiée", insertion_type="ei")
    alone = OrganisationFactory(name="Association seule")
    InterestFactory(pitch=reserved, organisation=siae)
    InterestFactory(pitch=reserved, organisation=unverified)
    InterestFactory(pitch=reserved, organisation=alone)
    InterestFactory(
        pitch=reserved, organisation=scic, group_mode=GroupMode.GROUP, eligible_member=siae
    )
    client.force_login(buyer)

    response = client.get(
        reverse("pitches:interests", args=[reserved.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )

    rows = {row.organisation.name: row for row, _contacts in response.context["rows"]}
    assert {name: str(row.answer_eligibility) for name, row in rows.items()} == {
        "Régie EI": "eligible",
        "EI non vérifiée": "not_verified",
        "Association seule": "not_eligible",
        "Coop SCIC": "eligible",
    }
    assert "In a group with Régie EI (eligible)" in response.text
    assert "Type not verified yet" in response.text


def test_service_refuses_an_answer_alone_not_eligible_whatever_the_form(reserved, scic):
    with pytest.raises(ValidationError) as refused:
        services.express_interest(pitch=reserved, organisation=scic, actor=scic.member, answers={})

    assert refused.value.messages == [str(NOT_ELIGIBLE_ALONE_TEXT[Eligibility.NOT_ELIGIBLE])]
    assert Interest.objects.count() == 0


def test_service_refuses_a_member_that_is_neither_registered_nor_listed(reserved, scic):
    elsewhere = OrganisationFactory(insertion_type="ei", verified_at=VERIFIED)

    with pytest.raises(ValidationError):
        services.express_interest(
            pitch=reserved,
            organisation=scic,
            actor=scic.member,
            answers={},
            group_mode=GroupMode.GROUP,
            eligible_member=elsewhere,
        )

    assert Interest.objects.count() == 0


def test_update_of_an_interest_alone_is_refused_once_the_route_is_reserved(
    client, event, buyer_org, scic
):
    pitch = PitchFactory(event=event, buyer=buyer_org, route=Route.SOURCING)
    interest = InterestFactory(pitch=pitch, organisation=scic)
    Pitch.objects.filter(pk=pitch.pk).update(route=Route.RESERVED_SIAE)
    client.force_login(scic.member)

    response = _post(client, pitch, {"group_mode": GroupMode.ALONE, "message": "Changé"})

    assert "group_mode" in response.context["form"].errors
    interest.refresh_from_db()
    assert interest.message == ""


def test_interest_with_a_20_digit_member_id_is_a_form_error(client, reserved, scic, siae):
    client.force_login(scic.member)

    response = _post(client, reserved, {"group_mode": GroupMode.GROUP, "eligible_member": "9" * 20})

    assert response.status_code == 200
    assert "eligible_member" in response.context["form"].errors
    assert Interest.objects.count() == 0
