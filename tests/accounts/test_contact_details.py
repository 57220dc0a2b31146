"""Consent to share one's contact details opens them to the people registered at the same event,
not to every account: through the organisation page."""

import pytest
from django.urls import reverse

from events.enums import RegistrationRole, RegistrationStatus
from tests.factories import EventFactory, RegistrationFactory, UserFactory


@pytest.fixture
def consenting(ess_member):
    ess_member.share_contact_details = True
    ess_member.save(update_fields=["share_contact_details"])
    return ess_member


def _page(client, viewer, organisation) -> str:
    client.force_login(viewer)
    url = reverse("accounts:organisation_detail", args=[organisation.slug])
    return client.get(url).content.decode()


def _visitor(event, status=RegistrationStatus.PENDING):
    return RegistrationFactory(
        event=event, organisation=None, role=RegistrationRole.VISITOR, status=status
    ).user


def test_consenting_contact_is_hidden_from_a_fresh_sign_up(client, consenting, ess_org):
    page = _page(client, UserFactory(), ess_org)

    assert consenting.email not in page


def test_consenting_contact_is_shown_to_a_person_registered_at_the_same_event(
    client, event, consenting, ess_org
):
    page = _page(client, _visitor(event), ess_org)

    assert consenting.email in page


def test_consenting_contact_is_hidden_from_a_person_registered_at_another_event(
    client, consenting, ess_org
):
    page = _page(client, _visitor(EventFactory()), ess_org)

    assert consenting.email not in page


def test_consenting_contact_is_hidden_once_the_viewers_registration_is_cancelled(
    client, event, consenting, ess_org
):
    page = _page(client, _visitor(event, RegistrationStatus.CANCELLED), ess_org)

    assert consenting.email not in page


def test_contact_without_consent_is_hidden_from_a_person_registered_at_the_same_event(
    client, event, ess_member, ess_org
):
    page = _page(client, _visitor(event), ess_org)

    assert ess_member.email not in page


def test_contact_is_shown_to_staff_acting_as_organisers(client, ess_member, ess_org):
    page = _page(client, UserFactory(is_staff=True), ess_org)

    assert ess_member.email in page
