from django.urls import reverse

from accounts.models import Territory, Theme
from tests.factories import BuyerOrganisationFactory, OrganisationFactory
from tests.queries import growing


def _listed(name, *, themes=(), territories=(), **fields):
    organisation = OrganisationFactory(name=name, listed_in_directory=True, **fields)
    organisation.themes.set(Theme.objects.filter(code__in=themes))
    organisation.territories.set(Territory.objects.filter(code__in=territories))
    return organisation


def _names(response) -> list[str]:
    return [o.name for o in response.context["page"].object_list]


def test_directory_lists_only_opted_in_ess_structures(client, db):
    _listed("Recyclerie")
    OrganisationFactory(name="Discrète", listed_in_directory=False)
    BuyerOrganisationFactory(name="Ville", listed_in_directory=True)

    assert _names(client.get(reverse("accounts:directory"))) == ["Recyclerie"]


def test_directory_searches_name_and_description(client, db):
    _listed("Recyclerie", description="Réemploi de meubles")
    _listed("Traiteur solidaire", description="Repas bio")

    response = client.get(reverse("accounts:directory"), {"q": "meubles"})

    assert _names(response) == ["Recyclerie"]


def test_directory_filters_by_theme_and_type(client, db):
    _listed("Jardins", themes=["food"], insertion_type="aci")
    _listed("Atelier", themes=["food"], disability_type="esat")
    _listed("Vélos", themes=["mobility"], insertion_type="aci")

    by_theme = client.get(reverse("accounts:directory"), {"theme": "food", "insertion_type": "aci"})
    by_disability = client.get(reverse("accounts:directory"), {"disability_type": "esat"})
    by_form = client.get(reverse("accounts:directory"), {"legal_form": "scop"})

    assert _names(by_theme) == ["Jardins"]
    assert _names(by_disability) == ["Atelier"]
    assert _names(by_form) == []


def test_directory_territory_includes_wider_and_narrower_territories(client, db):
    _listed("Dans Lille", territories=["59350"])
    _listed("Tout le Nord", territories=["59"])
    _listed("En Bretagne", territories=["35"])

    in_roubaix = client.get(reverse("accounts:directory"), {"territory": "59512"})
    in_region = client.get(reverse("accounts:directory"), {"territory": "R32"})
    in_lille = client.get(reverse("accounts:directory"), {"territory": "59350"})

    assert _names(in_roubaix) == ["Tout le Nord"]
    assert _names(in_region) == ["Dans Lille", "Tout le Nord"]
    assert _names(in_lille) == ["Dans Lille", "Tout le Nord"]


def test_directory_ignores_an_unknown_filter_value(client, db):
    _listed("Recyclerie")

    response = client.get(reverse("accounts:directory"), {"territory": "nowhere", "theme": "x"})

    assert response.status_code == 200
    assert _names(response) == ["Recyclerie"]


def test_directory_htmx_returns_the_results_fragment(client, db):
    _listed("Recyclerie")

    response = client.get(
        reverse("accounts:directory"), {"q": "recy"}, headers={"HX-Request": "true"}
    )

    body = response.content.decode()
    assert body.lstrip().startswith('<div id="directory-results"')
    assert "<html" not in body
    assert "Recyclerie" in body


def test_directory_is_paginated(client, db):
    for n in range(25):
        _listed(f"Structure {n:02d}")

    second = client.get(reverse("accounts:directory"), {"page": 2})

    assert _names(second) == [f"Structure {n:02d}" for n in range(20, 25)]


def test_territories_are_loaded_with_their_parents(db):
    lille = Territory.objects.get(code="59350")

    assert (lille.parent.code, lille.parent.parent.code, lille.parent.parent.parent.code) == (
        "200093201",
        "59",
        "R32",
    )
    assert Territory.objects.filter(kind="region").count() == 18
    assert Territory.objects.filter(kind="department").count() == 101


def test_directory_query_count_does_not_grow(client, assert_queries_constant):
    url = reverse("accounts:directory")
    structures = [
        ("Structure 1", ["food"], ["59"]),
        ("Structure 2", ["food", "waste"], ["59350"]),
        ("Structure 3", ["waste"], ["59", "62"]),
    ]

    def add(n):
        name, themes, territories = structures[n]
        _listed(name, themes=themes, territories=territories)

    # Territories and themes for the filters, the count, the page, two prefetches.
    count = assert_queries_constant(items=growing(add), run=lambda _: client.get(url))

    assert count == 6
