"""The engine's hard-rule violations reach organisers in their language, with names, not ids
(matching.violations; the engine's own lines stay as they are)."""

import pytest
from django.urls import reverse
from django.utils import translation

from matching import violations
from matching.models import ScheduleRun
from tests.matching.schedule_world import eager_tasks, make_world  # noqa: F401


def names() -> violations.Names:
    return violations.Names(
        participant={
            "5": "Cuisine Solidaire (Awa Diallo)",
            "7": "Ville de Roubaix (Léa Roux)",
        }.__getitem__,
        slot={"6": "14:20–14:40"}.__getitem__,
        table={"3": "T03", "4": "T04"}.__getitem__,
        request={"35": "the meeting of A and B", "36": "the meeting of C and D"}.__getitem__,
    )


@pytest.mark.parametrize(
    ("line", "sentence"),
    [
        (
            "rule 1: participant 5 is unavailable in slot 6 (request 35)",
            "Cuisine Solidaire (Awa Diallo) is unavailable at 14:20–14:40 but has the meeting of "
            "A and B then.",
        ),
        (
            "rule 1: participant 5 has 2 meetings in slot 6 (requests 35, 36)",
            "Cuisine Solidaire (Awa Diallo) has 2 meetings at 14:20–14:40: the meeting of A and B "
            "and the meeting of C and D.",
        ),
        (
            "rule 2: table 3 holds 2 meetings in slot 6 (requests 35, 36)",
            "Table T03 holds 2 meetings at 14:20–14:40: the meeting of A and B and the meeting of "
            "C and D.",
        ),
        (
            "rule 3: participant 7 has 4 meetings, max_meetings 3",
            "Ville de Roubaix (Léa Roux) has 4 meetings but asked for at most 3.",
        ),
        (
            "rule 4: participant 5 needs an accessible table, request 35 is at table 4",
            "Cuisine Solidaire (Awa Diallo) needs an accessible table, but the meeting of A and B "
            "is at table T04.",
        ),
        (
            "rule 5: locked request 35 is not at slot 6, table 3",
            "the meeting of A and B is locked at 14:20–14:40, table T03, but is no longer there.",
        ),
        (
            "rule 1: participant 99 is unavailable in slot 6 (request 35)",
            "The engine reports: rule 1: participant 99 is unavailable in slot 6 (request 35)",
        ),
        ("request 35: listed 2 times", "The engine reports: request 35: listed 2 times"),
    ],
)
def test_describe_names_what_the_ids_stand_for(line, sentence):
    with translation.override("en"):
        assert violations.describe(line, names()) == sentence


def test_failed_run_violations_are_shown_in_french_with_names(client, event, organiser):
    world = make_world(event, pairs=1)
    buyer, request, slot = world.buyers[0], world.requests[0], world.slots[0]
    ScheduleRun.objects.create(
        event=event,
        status="failed",
        error="The engine's result breaks a hard rule.",
        violations=[
            f"rule 1: participant {buyer.pk} is unavailable in slot {slot.pk} (request {request.pk})"
        ],
    )
    client.force_login(organiser)

    response = client.get(
        reverse("matching:schedule", args=[event.slug]), headers={"Accept-Language": "fr"}
    )

    page = response.content.decode()
    person = f"{buyer.organisation} ({buyer.user.get_full_name()})"
    assert "rule 1" not in page
    assert (
        f"{person} n’est pas disponible à 14:00–14:20 mais a le rendez-vous de {person} et de "
        f"{world.ess[0].organisation} ({world.ess[0].user.get_full_name()}) à ce moment-là."
    ) in page
