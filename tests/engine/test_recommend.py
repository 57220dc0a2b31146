"""Recommendations: French text, themes, territory, reserved routes, and their reasons."""

from __future__ import annotations

import random

from matching.engine.recommend import (
    Pitch,
    Structure,
    dump,
    fold,
    recommend,
    score_pair,
    territory_match,
    words,
    written_forms,
)


def stems(text: str) -> list[str]:
    return [stem for stem, _ in words(text)]


def test_words_restauration_and_restaurant_share_a_stem():
    assert stems("restauration") == stems("restaurant") == stems("Restaurants")


def test_words_accents_folded_and_stop_words_dropped():
    assert stems("Éligibilité de la structure") == stems("eligibilite structure")
    assert fold("Œuvre à Évry") == "oeuvre a evry"


def test_territory_department_contains_its_communes():
    assert territory_match(["59"], ["59350"]) == 1.0
    assert territory_match(["59350"], ["59009"]) == 0.5
    assert territory_match(["200093201"], ["200093201"]) == 1.0
    assert territory_match(["62"], ["59350"]) == 0.0


def test_words_keep_the_written_form_next_to_the_stem():
    assert words("Épicerie solidaire, l'œuvre") == [
        (stems("epicerie")[0], "Épicerie"),
        (stems("solidaire")[0], "solidaire"),
        (stems("oeuvre")[0], "œuvre"),
    ]


def test_written_forms_most_frequent_case_aside_lower_case_when_written_so():
    texts = [
        words("Restauration bio. Goûters de la restauration, ESAT"),
        words("restaurant, Restaurant, BIO, Esat, ESAT"),
    ]

    forms = written_forms(texts)

    assert forms[stems("restauration")[0]] == "restauration"  # 2 of 4, written so once
    assert forms[stems("bio")[0]] == "bio"
    assert forms[stems("gouters")[0]] == "Goûters"  # never written in lower case
    assert forms[stems("esat")[0]] == "ESAT"


def test_score_pair_reasons_are_codes_with_parameters():
    pitch = Pitch(
        "cantine",
        themes=("Restauration",),
        territory=("59350",),
        route="reserved_siae",
        text="Restauration collective bio pour les cantines",
    )
    structure = Structure(
        "cocagne",
        themes=("restauration",),
        territory=("59",),
        eligible_routes=("reserved_siae",),
        text="Restaurant d'insertion, cuisine bio",
    )

    match = score_pair(pitch, structure)

    assert match.reasons == (
        ("themes", {"themes": ["Restauration"]}),
        ("same_area", {}),
        ("eligible", {"route": "reserved_siae"}),
        ("words", {"words": ["bio", "Restauration"]}),  # as written, never the stem "restaur"
    )
    assert 0 < match.score <= 1


def test_score_pair_reserved_route_ineligible_scores_zero():
    pitch = Pitch("p", themes=("nettoyage",), route="reserved_ea_esat", text="nettoyage")
    structure = Structure("s", themes=("nettoyage",), eligible_routes=("reserved_siae",))

    match = score_pair(pitch, structure)

    assert (match.score, match.eligible, match.reasons) == (
        0.0,
        False,
        (("not_eligible", {"route": "reserved_ea_esat"}),),
    )


def test_recommend_ranks_the_fitting_structure_first_both_ways():
    pitches = [
        Pitch("cantine", ("restauration",), ("59",), None, "repas bio pour cantines"),
        Pitch("parcs", ("espaces verts",), ("59",), None, "entretien des parcs et jardins"),
    ]
    structures = [
        Structure("jardins", ("espaces verts",), ("59350",), (), "entretien de jardins"),
        Structure("traiteur", ("restauration",), ("62",), (), "traiteur bio, repas"),
    ]

    result = recommend(pitches, structures, top=2)

    assert [m.structure for m in result.for_pitch["cantine"]] == ["traiteur", "jardins"]
    assert [m.structure for m in result.for_pitch["parcs"]] == ["jardins"]  # nothing in common
    assert [m.pitch for m in result.for_structure["jardins"]] == ["parcs", "cantine"]
    assert result.for_structure["traiteur"][0].pitch == "cantine"


def test_recommend_excludes_ineligible_structures():
    pitches = [Pitch("p", ("nettoyage",), (), "reserved_siae", "nettoyage de locaux")]
    structures = [
        Structure("ok", ("nettoyage",), (), ("reserved_siae",), "nettoyage"),
        Structure("no", ("nettoyage",), (), (), "nettoyage de locaux"),
    ]

    result = recommend(pitches, structures)

    assert [m.structure for m in result.for_pitch["p"]] == ["ok"]
    assert result.for_structure["no"] == []


def test_recommend_any_route_the_caller_names_restricts_the_pitch():
    """The engine holds no list of routes: the L2113-14 and L2113-15 pitches (the application's
    ids) are not open to all, as they were when the engine kept its own, different ids."""
    pitches = [
        Pitch("both", ("nettoyage",), (), "reserved_both", "nettoyage de locaux"),
        Pitch("ess", ("nettoyage",), (), "reserved_ess", "nettoyage de locaux"),
        Pitch("open", ("nettoyage",), (), None, "nettoyage de locaux"),
    ]
    structures = [Structure("scic", ("nettoyage",), (), (), "nettoyage de locaux")]

    result = recommend(pitches, structures)

    assert [m.pitch for m in result.for_structure["scic"]] == ["open"]
    assert (result.for_pitch["both"], result.for_pitch["ess"]) == ([], [])


def test_recommend_words_shown_as_the_texts_write_them():
    pitches = [Pitch("p", text="Épicerie solidaire et épicerie mobile")]
    structures = [Structure("s", text="Une épicerie")]

    (match,) = recommend(pitches, structures).for_pitch["p"]

    assert match.reasons == (("words", {"words": ["épicerie"]}),)


def test_dump_writes_reasons_as_codes_with_parameters():
    result = recommend([Pitch("p", ("bio",))], [Structure("s", ("bio",))])

    assert dump(result)["for_pitch"]["p"][0]["reasons"] == [
        {"code": "themes", "params": {"themes": ["bio"]}}
    ]


def test_recommend_many_pairs_top_lists_bounded():
    rng = random.Random(1)
    vocabulary = ["nettoyage", "repas", "jardins", "bio", "textile", "recyclage", "transport"]
    pitches = [
        Pitch(
            f"p{i}", (rng.choice(vocabulary),), ("59",), None, " ".join(rng.sample(vocabulary, 3))
        )
        for i in range(300)
    ]
    structures = [
        Structure(
            f"s{i}", (rng.choice(vocabulary),), ("59350",), (), " ".join(rng.sample(vocabulary, 3))
        )
        for i in range(400)
    ]

    result = recommend(pitches, structures, top=5)

    assert all(len(ms) == 5 for ms in result.for_pitch.values())
    assert all(len(ms) == 5 for ms in result.for_structure.values())
    scores = [m.score for m in result.for_pitch["p0"]]
    assert scores == sorted(scores, reverse=True)
