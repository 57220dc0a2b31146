"""The recommendations bridge (ORM -> engine inputs -> ranked results) and its pages."""

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.models import Territory, Theme
from events.enums import Phase, RegistrationStatus
from matching import recommendations
from matching.engine import recommend as engine
from matching.recommendations import dashboard_recommendations
from pitches.enums import InterestStatus, Route
from pitches.models import Lot
from tests.factories import (
    PARIS,
    BuyerOrganisationFactory,
    EventFactory,
    InterestFactory,
    MembershipFactory,
    OrganisationFactory,
    PitchFactory,
    RegistrationFactory,
)

MEL = "200093201"
LILLE = "59350"
ROUBAIX = "59512"
VERIFIED = dt.datetime(2019, 10, 1, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def _english():
    """Reasons are asserted in English (the msgids); pages render in French as usual."""
    with translation.override("en"):
        yield


def _structure(event=None, *, themes=(), territories=(), description="", **fields):
    organisation = OrganisationFactory(description=description, **fields)
    organisation.themes.set(Theme.objects.filter(code__in=themes))
    organisation.territories.set(Territory.objects.filter(code__in=territories))
    if event is not None:
        RegistrationFactory(event=event, organisation=organisation)
    return organisation


def _pitch(event, *, theme="food", territories=(), **fields):
    pitch = PitchFactory(event=event, theme=Theme.objects.get(code=theme), **fields)
    pitch.territories.set(Territory.objects.filter(code__in=territories))
    return pitch


def _titles(matches):
    return [m.pitch.title for m in matches]


# --- The bridge: inputs ---------------------------------------------------------------------


@pytest.mark.django_db
def test_structure_input_territory_includes_the_territories_it_contains():
    organisation = _structure(territories=["59"])
    tree = recommendations.TerritoryTree.load()

    built = recommendations.structure_input(organisation, tree)

    assert {"59", MEL, LILLE, ROUBAIX} <= set(built.territory)
    assert "62" not in built.territory
    assert "R32" not in built.territory


@pytest.mark.django_db
def test_pitch_input_has_theme_route_territory_and_text_with_lots(event):
    pitch = _pitch(
        event,
        territories=[LILLE],
        title="Repas bio",
        summary="Des goûters",
        description="Pour les centres",
        route=Route.RESERVED_SIAE,
    )
    Lot.objects.create(pitch=pitch, number=1, title="Traiteur", description="Buffets")
    tree = recommendations.TerritoryTree.load()

    built = recommendations.pitch_input(pitch, tree)

    assert built == engine.Pitch(
        id=str(pitch.pk),
        themes=("food",),
        territory=(LILLE,),
        route="reserved_siae",
        text="Repas bio\nDes goûters\nPour les centres\nTraiteur Buffets",
    )


@pytest.mark.django_db
def test_structure_eligible_routes_follow_the_pitches_rule():
    unverified = _structure(insertion_type="ei")
    verified = _structure(insertion_type="ei", verified_at=VERIFIED)
    tree = recommendations.TerritoryTree.load()

    unverified_routes = recommendations.structure_input(unverified, tree).eligible_routes
    verified_routes = recommendations.structure_input(verified, tree).eligible_routes

    assert "reserved_siae" not in unverified_routes
    assert {"reserved_siae", "reserved_both", "reserved_ess"} <= set(verified_routes)
    assert "reserved_ea_esat" not in verified_routes


@pytest.mark.django_db
def test_structure_serving_the_nord_matches_a_pitch_on_lille(event):
    pitch = _pitch(event, territories=[LILLE], title="Repas")
    nord = _structure(event, territories=["59"], name="Nord")
    pas_de_calais = _structure(event, territories=["62"], name="Pas-de-Calais")

    ranking = recommendations.structures_for_pitch(pitch)
    by_name = {m.organisation.name: m for m in [*ranking.recommended, *ranking.others]}

    assert by_name["Nord"].score > by_name["Pas-de-Calais"].score
    assert "works in the area of the need (Nord)" in by_name["Nord"].reasons
    assert [r for r in by_name["Pas-de-Calais"].reasons if "area" in r] == []
    assert {nord.pk, pas_de_calais.pk} == {m.organisation.pk for m in ranking.others}


@pytest.mark.django_db
def test_two_communes_of_a_department_only_share_it(event):
    pitch = _pitch(event, territories=[LILLE])
    _structure(event, territories=[ROUBAIX], name="Roubaix")
    _structure(event, territories=[MEL], name="Métropole")

    ranking = recommendations.structures_for_pitch(pitch)
    by_name = {m.organisation.name: m for m in ranking.others}

    assert by_name["Roubaix"].reasons == ["works in the same department (Nord)"]
    assert by_name["Métropole"].reasons == [
        "works in the area of the need (Métropole Européenne de Lille)"
    ]
    assert by_name["Métropole"].score > by_name["Roubaix"].score


# --- Ranking ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_food_structure_of_lille_ranks_the_lille_catering_pitch_first(event):
    structure = _structure(
        themes=["food"],
        territories=[LILLE],
        description="Traiteur solidaire : repas bio et locaux, goûters pour les enfants.",
    )
    _pitch(
        event,
        theme="mobility",
        territories=[LILLE],
        title="Vélos de service",
        description="Entretien d'une flotte de vélos.",
    )
    _pitch(
        event,
        theme="food",
        territories=["02"],
        title="Cantine de l'Aisne",
        description="Repas des collèges.",
    )
    _pitch(
        event,
        theme="food",
        territories=[LILLE],
        title="Restauration des accueils de loisirs",
        description="Repas bio et goûters pour les enfants des accueils de loisirs.",
    )

    ranking = recommendations.pitches_for_structure(event, structure)

    assert _titles(ranking.recommended) == [
        "Restauration des accueils de loisirs",
        "Cantine de l'Aisne",
    ]
    assert ranking.recommended[0].reasons[:2] == [
        "same theme: Food and catering",
        "works in the area of the need (Lille)",
    ]
    assert ranking.recommended[0].reasons[2].startswith("words in common: ")
    assert _titles(ranking.others) == ["Vélos de service"]


@pytest.mark.django_db
def test_reasons_show_words_as_the_texts_write_them_never_stems(event):
    structure = _structure(description="Épicerie solidaire et épicerie mobile.")
    _pitch(event, theme="mobility", title="Épicerie", description="Une épicerie sociale.")

    (match,) = recommendations.pitches_for_structure(event, structure).others

    assert match.reasons == ["word in common: épicerie"]


@pytest.mark.django_db
def test_reasons_are_translated_once_with_plurals(event):
    structure = _structure(themes=["food"], description="Repas bio, goûters bio.")
    _pitch(event, title="Goûters", description="Goûters bio et repas.")

    (match,) = recommendations.pitches_for_structure(event, structure).recommended
    with translation.override("fr"):
        (french,) = recommendations.pitches_for_structure(event, structure).recommended

    assert match.reasons[0] == "same theme: Food and catering"
    assert match.reasons[-1].startswith("words in common: ")
    assert french.reasons[-1].startswith("mots en commun\u00a0: ")


@pytest.mark.django_db
@pytest.mark.parametrize("route", [Route.RESERVED_BOTH, Route.RESERVED_ESS])
def test_l2113_14_and_15_pitches_are_not_recommended_as_open_to_all(event, route):
    """The engine reads the app's route ids: an L2113-14 or L2113-15 pitch scores 0 for a
    structure that is not eligible (before, the engine's own ids made them open to all)."""
    structure = _structure(themes=["food"], description="Repas bio", legal_form="")
    pitch = _pitch(event, title="Réservé", route=route, description="Repas bio")
    tree = recommendations.TerritoryTree.load()
    pitch_in = recommendations.pitch_input(pitch, tree)
    structure_in = recommendations.structure_input(structure, tree)

    result = engine.recommend([pitch_in], [structure_in])
    ranking = recommendations.pitches_for_structure(event, structure)

    assert result.for_pitch[pitch_in.id] == []
    assert [(m.pitch.title, m.score) for m in ranking.not_eligible] == [("Réservé", 0.0)]


@pytest.mark.django_db
def test_open_pitch_reaches_the_engine_without_a_route(event):
    pitch = _pitch(event, route=Route.SOCIAL_CLAUSE)

    built = recommendations.pitch_input(pitch, recommendations.TerritoryTree.load())

    assert built.route is None


@pytest.mark.django_db
def test_ineligible_reserved_pitch_is_listed_last_with_the_reason(event):
    structure = _structure(themes=["food"], description="Repas bio")
    _pitch(event, title="Réservé SIAE", route=Route.RESERVED_SIAE, description="Repas bio")
    _pitch(event, title="Ouvert", description="Repas bio")

    ranking = recommendations.pitches_for_structure(event, structure)

    assert _titles(ranking.recommended) == ["Ouvert"]
    assert _titles(ranking.not_eligible) == ["Réservé SIAE"]
    flagged = ranking.not_eligible[0]
    assert (flagged.score, flagged.eligible) == (0.0, False)
    assert flagged.reasons[0] == (
        "not eligible for this reserved route: only in a group with an eligible structure"
    )


@pytest.mark.django_db
def test_unverified_type_is_flagged_not_hidden(event):
    structure = _structure(themes=["food"], insertion_type="ei")
    _pitch(event, title="Réservé SIAE", route=Route.RESERVED_SIAE)

    ranking = recommendations.pitches_for_structure(event, structure)

    assert [(m.pitch.title, m.eligibility) for m in ranking.not_eligible] == [
        ("Réservé SIAE", "not_verified")
    ]


@pytest.mark.django_db
def test_verified_siae_is_eligible_for_the_reserved_pitch(event):
    structure = _structure(themes=["food"], insertion_type="ei", verified_at=VERIFIED)
    _pitch(event, title="Réservé SIAE", route=Route.RESERVED_SIAE)

    ranking = recommendations.pitches_for_structure(event, structure)

    assert _titles(ranking.recommended) == ["Réservé SIAE"]
    assert "eligible for the reserved route" in ranking.recommended[0].reasons


@pytest.mark.django_db
def test_pitches_for_structure_only_published_pitches_of_the_event(event):
    structure = _structure(themes=["food"])
    _pitch(event, title="Publié")
    _pitch(event, title="Brouillon", status="draft", published_at=None)
    _pitch(EventFactory(), title="Autre événement")

    ranking = recommendations.pitches_for_structure(event, structure)

    assert _titles([*ranking.recommended, *ranking.others, *ranking.not_eligible]) == ["Publié"]


@pytest.mark.django_db
def test_structures_for_pitch_directory_is_optional(event):
    pitch = _pitch(event)
    _structure(event, themes=["food"], name="Inscrite")
    _structure(themes=["food"], name="Annuaire", listed_in_directory=True)
    _structure(themes=["food"], name="Ni l'un ni l'autre")
    BuyerOrganisationFactory(name="Un acheteur")

    registered_only = recommendations.structures_for_pitch(pitch)
    with_directory = recommendations.structures_for_pitch(pitch, include_directory=True)

    assert [m.organisation.name for m in registered_only.recommended] == ["Inscrite"]
    assert [(m.organisation.name, m.registered) for m in with_directory.recommended] == [
        ("Annuaire", False),
        ("Inscrite", True),
    ]


@pytest.mark.django_db
def test_refused_registration_is_not_a_candidate(event):
    pitch = _pitch(event)
    refused = _structure(themes=["food"])
    RegistrationFactory(event=event, organisation=refused, status=RegistrationStatus.REFUSED)

    ranking = recommendations.structures_for_pitch(pitch)

    assert len(ranking) == 0


@pytest.mark.django_db
def test_scores_refuses_all_pairs():
    pitches = [engine.Pitch("1"), engine.Pitch("2")]
    structures = [engine.Structure("1"), engine.Structure("2")]

    with pytest.raises(ValueError, match="single item"):
        recommendations.scores(pitches, structures)


# --- Pages ------------------------------------------------------------------------------------


def _ess_user(event, organisation):
    membership = MembershipFactory(organisation=organisation)
    RegistrationFactory(event=event, user=membership.user, organisation=organisation)
    return membership.user


@pytest.mark.django_db
def test_pitches_for_me_page_ranks_and_marks_interests(client, event):
    structure = _structure(themes=["food"], territories=[LILLE], description="Repas bio")
    user = _ess_user(event, structure)
    answered = _pitch(event, territories=[LILLE], title="Déjà répondu", description="Repas bio")
    InterestFactory(pitch=answered, organisation=structure)
    fresh = _pitch(event, territories=[LILLE], title="Nouveau", description="Repas bio")
    client.force_login(user)

    response = client.get(reverse("matching:pitches_for_me", args=[event.slug]))

    assert response.status_code == 200
    matches = response.context["ranking"].recommended
    assert {m.pitch.title: m.can_express for m in matches} == {
        "Déjà répondu": False,
        "Nouveau": True,
    }
    assert reverse("pitches:interest", args=[fresh.pk]) in response.text
    assert reverse("pitches:interest", args=[answered.pk]) not in response.text


@pytest.mark.django_db
def test_pitches_for_me_offers_reserved_pitches_only_in_a_group(client, event):
    structure = _structure(themes=["food"], description="Repas bio", legal_form="scic")
    user = _ess_user(event, structure)
    reserved = _pitch(event, title="Réservé", route=Route.RESERVED_SIAE, description="Repas bio")
    client.force_login(user)

    response = client.get(reverse("matching:pitches_for_me", args=[event.slug]))

    interest_url = reverse("pitches:interest", args=[reserved.pk])
    assert f'href="{interest_url}"' not in response.text
    assert f'href="{interest_url}?group=1"' in response.text
    assert [m.pitch for m in response.context["ranking"].not_eligible] == [reserved]
    assert response.context["ranking"].recommended == []


@pytest.mark.django_db
def test_pitches_for_me_no_interest_link_when_interest_is_closed(client):
    event = EventFactory(phase=Phase.LIVE)
    structure = _structure(themes=["food"])
    user = _ess_user(event, structure)
    pitch = _pitch(event)
    client.force_login(user)

    response = client.get(reverse("matching:pitches_for_me", args=[event.slug]))

    assert response.status_code == 200
    assert reverse("pitches:interest", args=[pitch.pk]) not in response.text


@pytest.mark.django_db
def test_pitches_for_me_chooses_among_the_users_structures(client, event):
    first = _structure(name="A structure")
    second = _structure(name="B structure")
    user = _ess_user(event, first)
    MembershipFactory(user=user, organisation=second)
    client.force_login(user)
    url = reverse("matching:pitches_for_me", args=[event.slug])

    chosen = client.get(url, {"organisation": second.pk})
    someone_elses = client.get(url, {"organisation": _structure().pk})
    garbage = client.get(url, {"organisation": "x"})

    assert chosen.context["organisation"] == second
    assert (someone_elses.status_code, garbage.status_code) == (404, 404)


@pytest.mark.django_db
def test_structures_page_shows_organisations_not_people(client, event, buyer, buyer_org):
    pitch = _pitch(event, buyer=buyer_org)
    structure = _structure(event, themes=["food"], name="Traiteur solidaire")
    person = MembershipFactory(organisation=structure).user
    person.phone = "03 20 00 00 00"
    person.save()
    client.force_login(buyer)

    response = client.get(reverse("matching:structures_for_pitch", args=[pitch.pk]))

    assert response.status_code == 200
    assert "Traiteur solidaire" in response.text
    assert person.email not in response.text
    assert "03 20 00 00 00" not in response.text


@pytest.mark.django_db
def test_structures_page_shows_more_on_request(client, event, buyer, buyer_org):
    pitch = _pitch(event, buyer=buyer_org)
    for n in range(14):
        _structure(event, themes=["food"], name=f"Structure {n:02d}")
    client.force_login(buyer)
    url = reverse("matching:structures_for_pitch", args=[pitch.pk])

    first = client.get(url)
    everything = client.get(url, {"all": "1"})

    assert (len(first.context["recommended"]), first.context["hidden_count"]) == (12, 2)
    assert (len(everything.context["recommended"]), everything.context["hidden_count"]) == (14, 0)


@pytest.mark.django_db
def test_pitch_page_links_its_buyer_to_structures_to_invite(client, event, buyer, buyer_org):
    pitch = _pitch(event, buyer=buyer_org)
    client.force_login(buyer)

    response = client.get(reverse("pitches:detail", args=[pitch.pk]))

    assert reverse("matching:structures_for_pitch", args=[pitch.pk]) in response.text


@pytest.mark.django_db
def test_catalogue_links_ess_members_to_pitches_for_them(client, event, ess_member):
    client.force_login(ess_member)

    response = client.get(reverse("pitches:catalogue", args=[event.slug]))

    assert reverse("matching:pitches_for_me", args=[event.slug]) in response.text


@pytest.mark.django_db
def test_dashboard_shows_top_three_new_pitches_per_open_event(client, event):
    structure = _structure(themes=["food"], territories=[LILLE], description="Repas bio")
    user = _ess_user(event, structure)
    for n in range(4):
        _pitch(event, territories=[LILLE], title=f"Repas {n}", description="Repas bio")
    answered = _pitch(event, territories=[LILLE], title="Déjà répondu", description="Repas bio")
    InterestFactory(pitch=answered, organisation=structure, status=InterestStatus.SUBMITTED)
    closed = EventFactory(phase=Phase.CLOSED, title="Événement clos")
    RegistrationFactory(event=closed, user=user, organisation=structure)
    _pitch(closed, title="Ancien besoin")
    client.force_login(user)

    response = client.get(reverse("accounts:dashboard"))

    assert response.status_code == 200
    text = response.text
    assert [f"Repas {n}" in text for n in range(4)].count(True) == 3
    assert "Déjà répondu" not in text
    assert "Ancien besoin" not in text
    assert reverse("matching:pitches_for_me", args=[event.slug]) in text


@pytest.mark.django_db
def test_dashboard_has_no_recommendations_for_a_buyer(client, buyer):
    client.force_login(buyer)

    response = client.get(reverse("accounts:dashboard"))

    assert "reco-dashboard-title" not in response.text


# --- Query counts -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 3])
def test_pitches_for_me_queries_do_not_grow(client, event, django_assert_num_queries, count):
    structure = _structure(themes=["food"], territories=[LILLE], description="Repas")
    user = _ess_user(event, structure)
    for n in range(count):
        pitch = _pitch(event, territories=[LILLE, ROUBAIX], title=f"Repas {n}")
        Lot.objects.create(pitch=pitch, number=1, title="Lot")
        InterestFactory(pitch=pitch, organisation=structure)
    _pitch(event, title="Réservé", route=Route.RESERVED_SIAE)
    client.force_login(user)

    with django_assert_num_queries(14):  # 13, and the header's notification count
        response = client.get(reverse("matching:pitches_for_me", args=[event.slug]))

    assert len(response.context["ranking"]) == count + 1


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 3])
def test_structures_for_pitch_queries_do_not_grow(
    client, event, buyer, buyer_org, django_assert_num_queries, count
):
    pitch = _pitch(event, buyer=buyer_org, territories=[LILLE])
    for _ in range(count):
        structure = _structure(event, themes=["food", "mobility"], territories=[MEL, "59"])
        InterestFactory(pitch=pitch, organisation=structure)
        MembershipFactory(organisation=structure)
    client.force_login(buyer)

    with django_assert_num_queries(15):  # 14, and the header's notification count
        response = client.get(reverse("matching:structures_for_pitch", args=[pitch.pk]))

    assert len(response.context["ranking"]) == count


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 3])
def test_dashboard_recommendation_queries_do_not_grow(event, django_assert_num_queries, count):
    structure = _structure(themes=["food"], territories=[LILLE], description="Repas")
    user = _ess_user(event, structure)
    for n in range(count):
        _pitch(event, territories=[LILLE], title=f"Repas {n}", description="Repas")

    with django_assert_num_queries(11):
        data = {"recommendations": dashboard_recommendations(user)}
        html = render_to_string("matching/recommendations/_dashboard.html", {"data": data})

    assert html.count("reco-score") == count


@pytest.mark.django_db
def test_structures_page_links_registered_structures_to_a_meeting_request(
    client, event, buyer, buyer_org
):
    pitch = _pitch(event, buyer=buyer_org)
    registered = _structure(event, themes=["food"], name="Inscrite")
    listed = _structure(themes=["food"], name="Annuaire", listed_in_directory=True)
    client.force_login(buyer)

    response = client.get(
        reverse("matching:structures_for_pitch", args=[pitch.pk]), {"directory": "1"}
    )

    request_url = reverse("matching:request_new", args=[event.slug, registered.pk])
    assert f"{request_url}?pitch={pitch.pk}" in response.text
    assert reverse("matching:request_new", args=[event.slug, listed.pk]) not in response.text


@pytest.mark.django_db
def test_structures_page_has_no_meeting_request_for_organisers(client, event, organiser):
    pitch = _pitch(event)
    structure = _structure(event, themes=["food"])
    client.force_login(organiser)

    response = client.get(reverse("matching:structures_for_pitch", args=[pitch.pk]))

    assert response.status_code == 200
    assert reverse("matching:request_new", args=[event.slug, structure.pk]) not in response.text
