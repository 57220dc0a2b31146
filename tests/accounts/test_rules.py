"""can_see_contact: one test per branch, and the negative case."""

from accounts.rules import can_see_contact, visible_contact_ids
from pitches.enums import InterestStatus
from tests.factories import (
    InterestFactory,
    MembershipFactory,
    PitchFactory,
    RegistrationFactory,
    UserFactory,
)


def test_can_see_contact_of_oneself(ess_member):
    assert can_see_contact(ess_member, ess_member) is True


def test_can_see_contact_is_refused_to_anonymous(ess_member):
    from django.contrib.auth.models import AnonymousUser

    assert can_see_contact(AnonymousUser(), ess_member) is False


def test_can_see_contact_is_refused_between_unrelated_organisations(buyer, ess_member):
    assert can_see_contact(buyer, ess_member) is False
    assert can_see_contact(ess_member, buyer) is False


def test_can_see_contact_within_the_same_organisation(ess_admin, ess_member):
    assert can_see_contact(ess_admin, ess_member) is True


def test_can_see_contact_when_the_person_consented(buyer, ess_member):
    ess_member.share_contact_details = True
    ess_member.save()

    assert can_see_contact(buyer, ess_member) is True


def test_can_see_contact_by_consent_is_refused_without_a_shared_event(ess_member):
    ess_member.share_contact_details = True
    ess_member.save()

    assert can_see_contact(RegistrationFactory().user, ess_member) is False


def test_organiser_of_the_event_may_verify_a_registered_organisation(
    organiser, ess_member, ess_org
):
    assert organiser.has_perm("accounts.verify_organisation", ess_org) is True


def test_organiser_of_another_event_may_not_verify_the_organisation(other_organiser, ess_org):
    assert other_organiser.has_perm("accounts.verify_organisation", ess_org) is False


def test_can_see_contact_for_an_organiser_of_the_persons_event(organiser, ess_member):
    assert can_see_contact(organiser, ess_member) is True


def test_can_see_contact_is_refused_to_an_organiser_of_another_event(other_organiser, ess_member):
    assert can_see_contact(other_organiser, ess_member) is False


def test_can_see_contact_for_staff(ess_member):
    assert can_see_contact(UserFactory(is_staff=True), ess_member) is True


def test_can_see_contact_after_a_shortlisted_interest_both_ways(
    event, buyer, buyer_org, ess_member, ess_org
):
    pitch = PitchFactory(event=event, buyer=buyer_org)
    InterestFactory(pitch=pitch, organisation=ess_org, status=InterestStatus.SHORTLISTED)

    assert can_see_contact(buyer, ess_member) is True
    assert can_see_contact(ess_member, buyer) is True


def test_can_see_contact_is_refused_for_an_interest_not_shortlisted(
    event, buyer, buyer_org, ess_member, ess_org
):
    pitch = PitchFactory(event=event, buyer=buyer_org)
    InterestFactory(pitch=pitch, organisation=ess_org, status=InterestStatus.SUBMITTED)

    assert can_see_contact(buyer, ess_member) is False


def test_can_see_contact_through_any_of_several_organisations(event, buyer, buyer_org, ess_org):
    person = UserFactory()
    MembershipFactory(user=person, organisation=ess_org)
    other = MembershipFactory(user=person).organisation
    InterestFactory(
        pitch=PitchFactory(event=event, buyer=buyer_org),
        organisation=other,
        status=InterestStatus.SHORTLISTED,
    )

    assert can_see_contact(buyer, person) is True


def test_view_contact_permission_uses_the_predicate(organiser, ess_member, buyer):
    assert organiser.has_perm("accounts.view_contact", ess_member) is True
    assert buyer.has_perm("accounts.view_contact", ess_member) is False


def test_visible_contact_ids_query_count_does_not_grow(django_assert_num_queries, buyer, ess_org):
    people = []
    for _ in range(3):
        person = MembershipFactory(organisation=ess_org).user
        RegistrationFactory(user=person, organisation=ess_org)
        people.append(person)

    # CONTACT_CHECKS: organisers (consent: none, no query); memberships x2; one per
    # RELATIONSHIP_CHECKS (shortlisted interests, accepted meetings)
    with django_assert_num_queries(5):
        assert visible_contact_ids(buyer, people[:1]) == set()
    with django_assert_num_queries(5):
        assert visible_contact_ids(buyer, people) == set()
