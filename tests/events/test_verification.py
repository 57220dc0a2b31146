"""Organisers: the queue of structures awaiting verification, "My space" links to the consoles,
and a registration that starts on the person's organisation."""

import pytest
from django.urls import reverse
from django.utils import timezone

from events.enums import RegistrationStatus
from tests.factories import (
    BuyerOrganisationFactory,
    EventFactory,
    MembershipFactory,
    OrganisationFactory,
    RegistrationFactory,
)
from tests.queries import growing


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    return client


def queue(client, event) -> list[str]:
    response = client.get(reverse("events:verification", args=[event.slug]))
    assert response.status_code == 200
    return [organisation.name for organisation in response.context["organisations"]]


def test_verification_queue_lists_unverified_structures_taking_part(organiser_client, event):
    waiting = OrganisationFactory(name="Cuisine Solidaire")
    RegistrationFactory(event=event, organisation=waiting)
    RegistrationFactory(event=event, organisation=waiting)  # two people: listed once
    pending = OrganisationFactory(name="Les Jardins du Nord")
    RegistrationFactory(event=event, organisation=pending, status=RegistrationStatus.PENDING)
    verified = OrganisationFactory(name="Vélo Solidaire", verified_at=timezone.now())
    RegistrationFactory(event=event, organisation=verified)
    cancelled = OrganisationFactory(name="Partie")
    RegistrationFactory(event=event, organisation=cancelled, status=RegistrationStatus.CANCELLED)
    RegistrationFactory(event=event, organisation=BuyerOrganisationFactory(name="Ville"))
    RegistrationFactory(organisation=OrganisationFactory(name="Ailleurs"))  # another event

    assert queue(organiser_client, event) == ["Cuisine Solidaire", "Les Jardins du Nord"]


def test_verification_queue_verify_marks_verified_and_comes_back(organiser_client, event):
    waiting = OrganisationFactory(name="Cuisine Solidaire")
    RegistrationFactory(event=event, organisation=waiting)

    response = organiser_client.post(
        reverse("events:verification_verify", args=[event.slug, waiting.pk]), follow=True
    )

    waiting.refresh_from_db()
    assert response.redirect_chain == [(reverse("events:verification", args=[event.slug]), 302)]
    assert waiting.verified_at is not None
    assert [str(m) for m in response.context["messages"]] == [
        "Cuisine Solidaire: legal form and types verified."
    ]
    assert queue(organiser_client, event) == []


def test_verification_queue_verify_twice_says_already_verified(organiser_client, event):
    verified_at = timezone.now()
    done = OrganisationFactory(name="Cuisine Solidaire", verified_at=verified_at)
    RegistrationFactory(event=event, organisation=done)

    response = organiser_client.post(
        reverse("events:verification_verify", args=[event.slug, done.pk]), follow=True
    )

    done.refresh_from_db()
    assert done.verified_at == verified_at
    assert [str(m) for m in response.context["messages"]] == [
        "Cuisine Solidaire was already verified."
    ]


def test_verification_queue_verify_structure_of_another_event_is_404(organiser_client, event):
    elsewhere = OrganisationFactory()
    RegistrationFactory(organisation=elsewhere)

    response = organiser_client.post(
        reverse("events:verification_verify", args=[event.slug, elsewhere.pk])
    )

    elsewhere.refresh_from_db()
    assert response.status_code == 404
    assert elsewhere.verified_at is None


def test_verification_queue_queries_do_not_grow(organiser_client, assert_queries_constant, event):
    url = reverse("events:verification", args=[event.slug])
    assert_queries_constant(
        items=growing(lambda n: RegistrationFactory(event=event)),
        run=lambda _: organiser_client.get(url),
    )


def test_console_overview_links_to_the_verification_queue(organiser_client, event):
    RegistrationFactory(event=event, organisation=OrganisationFactory())
    RegistrationFactory(event=event, organisation=OrganisationFactory())

    response = organiser_client.get(reverse("events:console", args=[event.slug]))

    page = response.content.decode()
    assert response.context["awaiting_verification"] == 2
    assert reverse("events:verification", args=[event.slug]) in page


# --- "My space" ---------------------------------------------------------------------------


def test_dashboard_links_to_the_consoles_of_events_organised(organiser_client, event):
    RegistrationFactory(event=event, organisation=OrganisationFactory())
    EventFactory(title="Pas le mien")

    response = organiser_client.get(
        reverse("accounts:dashboard"), headers={"accept-language": "fr"}
    )

    page = response.content.decode()
    sections = [s["data"] for s in response.context["sections"] if s["template"].startswith("ev")]
    assert [(e.title, e.awaiting) for e in sections[0]["organised"]] == [(event.title, 1)]
    assert reverse("events:console", args=[event.slug]) in page
    assert reverse("events:verification", args=[event.slug]) in page
    assert "1 structure à vérifier" in page


def test_dashboard_of_a_participant_links_to_no_console(client, event, ess_member):
    client.force_login(ess_member)

    response = client.get(reverse("accounts:dashboard"))

    assert reverse("events:console", args=[event.slug]) not in response.content.decode()


# --- Registering --------------------------------------------------------------------------


def test_register_defaults_to_the_person_s_organisation(client, db):
    event = EventFactory(phase="registration")
    membership = MembershipFactory(organisation=OrganisationFactory(name="Cuisine Solidaire"))
    client.force_login(membership.user)

    response = client.get(reverse("events:register", args=[event.slug]))

    assert response.context["form"]["organisation"].value() == membership.organisation.pk
    assert f'<option value="{membership.organisation.pk}" selected>' in response.content.decode()


def test_register_defaults_to_the_organisation_registered_with_last(client, db):
    event = EventFactory(phase="registration")
    person = MembershipFactory(organisation=OrganisationFactory(name="A Première")).user
    second = MembershipFactory(user=person, organisation=OrganisationFactory(name="B Seconde"))
    RegistrationFactory(user=person, organisation=second.organisation)
    client.force_login(person)

    response = client.get(reverse("events:register", args=[event.slug]))

    assert response.context["form"]["organisation"].value() == second.organisation.pk


def test_register_without_organisation_defaults_to_visitor(client, db):
    from tests.factories import UserFactory

    event = EventFactory(phase="registration")
    client.force_login(UserFactory())

    response = client.get(reverse("events:register", args=[event.slug]))

    assert response.context["form"]["organisation"].value() is None


def test_dashboard_organised_events_queries_do_not_grow(
    organiser_client, assert_queries_constant, organiser
):
    def organise_one_more(n):
        event = EventFactory()
        event.organisers.add(organiser)
        RegistrationFactory(event=event)

    assert_queries_constant(
        items=growing(organise_one_more),
        run=lambda _: organiser_client.get(reverse("accounts:dashboard")),
    )
