"""Meeting outcomes: each side's private outcome and note once the meeting has ended, seen by
the members of that organisation only; organisers get counts without names."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from events.enums import Phase
from matching import day_queries
from matching.enums import Outcome
from matching.models import MeetingOutcome
from matching.schedule_queries import agenda_context
from matching.services.outcomes import record_outcome
from tests.factories import MembershipFactory
from tests.matching.day_world import live_day, meet
from tests.matching.schedule_world import buyer, ess


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def day(event):
    world = live_day(event)
    world.buyer, world.ess = buyer(event), ess(event)
    world.done = meet(world.buyer, world.ess, world.past, world.tables[0])
    world.now = meet(buyer(event), world.ess, world.current, world.tables[0])
    return world


def _url(day, request):
    return reverse("matching:meeting_outcome", args=[day.event.slug, request.pk])


def test_each_side_records_its_own_outcome_once(day):
    record_outcome(request=day.done, by=day.buyer.user, outcome=Outcome.QUOTE_ASKED, note="Devis")
    record_outcome(request=day.done, by=day.buyer.user, outcome=Outcome.PARTNERSHIP, note="")
    record_outcome(request=day.done, by=day.ess.user, outcome=Outcome.INFORMATIVE)

    rows = sorted(MeetingOutcome.objects.values_list("organisation", "outcome", "note"), key=str)
    assert rows == sorted(
        [
            (day.buyer.organisation_id, Outcome.PARTNERSHIP, ""),
            (day.ess.organisation_id, Outcome.INFORMATIVE, ""),
        ],
        key=str,
    )


def test_outcome_refused_before_the_meeting_ends(day):
    with pytest.raises(ValidationError, match="once it has ended"):
        record_outcome(request=day.now, by=day.ess.user, outcome=Outcome.INFORMATIVE)


def test_outcome_refused_before_the_day(day):
    day.event.phase = Phase.PUBLISHED
    day.event.save(update_fields=["phase"])

    with pytest.raises(ValidationError, match="once it has ended"):
        record_outcome(request=day.done, by=day.ess.user, outcome=Outcome.INFORMATIVE)


def test_outcome_refused_to_an_organiser(day, organiser):
    with pytest.raises(ValidationError, match="two organisations"):
        record_outcome(request=day.done, by=organiser, outcome=Outcome.INFORMATIVE)


def test_outcome_refused_for_an_unknown_value(day):
    with pytest.raises(ValidationError):
        record_outcome(request=day.done, by=day.ess.user, outcome="won")


def test_agenda_prompts_for_the_ended_meeting_only(day):
    lines = agenda_context(day.event, day.ess)["outcome_lines"]

    assert [(line.line.request, line.outcome) for line in lines] == [(day.done, None)]


def test_agenda_shows_the_own_organisations_outcome(day):
    record_outcome(request=day.done, by=day.buyer.user, outcome=Outcome.QUOTE_ASKED)

    mine = agenda_context(day.event, day.buyer)["outcome_lines"]
    theirs = agenda_context(day.event, day.ess)["outcome_lines"]

    assert [line.outcome.outcome for line in mine] == [Outcome.QUOTE_ASKED]
    assert [line.outcome for line in theirs] == [None]


def test_a_colleague_sees_the_note_and_the_other_side_does_not(day, client):
    record_outcome(
        request=day.done, by=day.buyer.user, outcome=Outcome.QUOTE_ASKED, note="Secret devis"
    )
    colleague = MembershipFactory(organisation=day.buyer.organisation).user

    client.force_login(colleague)
    seen = client.get(_url(day, day.done)).content.decode()
    client.force_login(day.ess.user)
    other_side = client.get(_url(day, day.done)).content.decode()

    assert "Secret devis" in seen
    assert "Secret devis" not in other_side


def test_outcome_form_saves_and_goes_back_to_the_agenda(day, client):
    client.force_login(day.ess.user)

    response = client.post(
        _url(day, day.done), {"outcome": Outcome.RESERVED_LOT, "note": "Lot réservé ESAT"}
    )

    assert response.status_code == 302
    row = MeetingOutcome.objects.get()
    assert (row.organisation, row.outcome, row.note, row.written_by) == (
        day.ess.organisation,
        Outcome.RESERVED_LOT,
        "Lot réservé ESAT",
        day.ess.user,
    )


def test_outcome_form_with_an_unknown_outcome_is_a_form_error(day, client):
    client.force_login(day.ess.user)

    response = client.post(_url(day, day.done), {"outcome": "won"})

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["outcome"]


def test_outcome_counts_without_names(day):
    record_outcome(request=day.done, by=day.buyer.user, outcome=Outcome.QUOTE_ASKED, note="x")
    record_outcome(request=day.done, by=day.ess.user, outcome=Outcome.QUOTE_ASKED)

    counts = {row.outcome: row.count for row in day_queries.outcome_counts(day.event)}

    assert counts == {o.value: (2 if o == Outcome.QUOTE_ASKED else 0) for o in Outcome}


def test_organisers_console_shows_the_counts_not_the_notes(day, client, organiser):
    record_outcome(
        request=day.done, by=day.buyer.user, outcome=Outcome.PARTNERSHIP, note="Secret note"
    )
    client.force_login(organiser)

    page = client.get(
        reverse("matching:settings", args=[day.event.slug]), headers={"accept-language": "en"}
    ).content.decode()

    assert "Follow-up planned: partnership" in page
    assert "Secret note" not in page
    assert str(day.buyer.organisation) not in page


def test_outcome_after_the_day_is_still_possible(day):
    day.event.phase = Phase.CLOSED
    day.event.save(update_fields=["phase"])

    row = record_outcome(
        request=day.done,
        by=day.ess.user,
        outcome=Outcome.NOT_HELD,
        now=timezone.now() + dt.timedelta(days=2),
    )

    assert row.outcome == Outcome.NOT_HELD


def test_personal_data_export_holds_the_presence_and_the_outcomes_written(day):
    from matching.personal_data import export
    from matching.services import presence

    presence.report_absent(request=day.now, by=day.ess.user)
    record_outcome(request=day.done, by=day.ess.user, outcome=Outcome.PARTNERSHIP, note="Suite")

    mine, partners = export(day.ess.user), export(day.buyer.user)

    assert [p["partner_absent_at"] is not None for p in mine["presence_at_meetings"]] == [True]
    assert [(o["outcome"], o["note"]) for o in mine["meeting_outcomes_written"]] == [
        (Outcome.PARTNERSHIP, "Suite")
    ]
    assert partners["meeting_outcomes_written"] == []
