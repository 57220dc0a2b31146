"""Follow-ups after the day: one per pair whose outcome (either side) planned one, updated by
both organisations, logged, in the pitch's sourcing log, asked about at 3 and 6 months."""

import datetime as dt
import decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from events.enums import RegistrationRole
from matching import emails, queries
from matching.enums import Outcome
from matching.models import FollowUp, FollowUpUpdate
from matching.services.follow_ups import clean_facts, update_follow_up
from matching.services.outcomes import record_outcome
from notifications.models import OutboxMessage
from pitches.enums import LogKind
from pitches.models import SourcingLogEntry
from tests.factories import MembershipFactory, PitchFactory, RegistrationFactory, UserFactory
from tests.matching.day_world import live_day, meet
from tests.matching.schedule_world import buyer, ess
from tests.queries import growing

FACTS = {
    "quote_sent_on": None,
    "consultation_launched_on": None,
    "consultation_url": "",
    "social_clause": False,
    "reserved_lot": False,
    "small_lots": False,
    "answered_on": None,
    "awarded": None,
    "amount": None,
}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def day(event):
    event.start_date = event.end_date = timezone.localdate()
    event.save(update_fields=["start_date", "end_date"])
    world = live_day(event)
    world.buyer, world.ess = buyer(event), ess(event)
    world.done = meet(world.buyer, world.ess, world.past, world.tables[0])
    return world


@pytest.fixture
def follow_up(day):
    record_outcome(request=day.done, by=day.buyer.user, outcome=Outcome.QUOTE_ASKED)
    return FollowUp.objects.get()


def test_a_follow_up_outcome_writes_one_follow_up_for_the_pair(day):
    record_outcome(request=day.done, by=day.buyer.user, outcome=Outcome.QUOTE_ASKED)
    record_outcome(request=day.done, by=day.ess.user, outcome=Outcome.PARTNERSHIP)

    assert list(FollowUp.objects.values_list("request", flat=True)) == [day.done.pk]


def test_an_outcome_without_follow_up_writes_none(day):
    record_outcome(request=day.done, by=day.buyer.user, outcome=Outcome.INFORMATIVE)

    assert FollowUp.objects.count() == 0


def test_both_people_are_asked_at_three_and_six_months(day, follow_up):
    rows = OutboxMessage.objects.filter(kind=emails.FOLLOW_UP_CHECK)

    due = {(m.recipient_id, m.version, m.due_at) for m in rows}
    at = {
        months: dt.datetime.combine(
            emails.months_after(day.event.end_date, months),
            emails.FOLLOW_UP_HOUR,
            tzinfo=day.event.tzinfo,
        )
        for months in (3, 6)
    }
    assert due == {
        (person.user_id, months, at[months]) for person in (day.buyer, day.ess) for months in (3, 6)
    }


def test_months_after_keeps_the_day_or_takes_the_last_of_the_month():
    assert emails.months_after(dt.date(2019, 11, 26), 3) == dt.date(2020, 2, 26)
    assert emails.months_after(dt.date(2019, 11, 30), 3) == dt.date(2020, 2, 29)
    assert emails.months_after(dt.date(2019, 11, 26), 6) == dt.date(2020, 5, 26)


def test_no_longer_planned_and_untouched_the_follow_up_goes(day, follow_up):
    record_outcome(request=day.done, by=day.buyer.user, outcome=Outcome.INFORMATIVE)

    assert FollowUp.objects.count() == 0


def test_no_longer_planned_but_updated_the_follow_up_stays(day, follow_up):
    update_follow_up(
        follow_up=follow_up, by=day.ess.user, data={**FACTS, "quote_sent_on": dt.date.today()}
    )
    record_outcome(request=day.done, by=day.buyer.user, outcome=Outcome.INFORMATIVE)

    assert list(FollowUp.objects.all()) == [follow_up]


def test_either_organisation_updates_and_each_update_is_kept(day, follow_up):
    colleague = MembershipFactory(organisation=day.buyer.organisation).user
    update_follow_up(
        follow_up=follow_up, by=day.ess.user, data={**FACTS, "quote_sent_on": dt.date(2027, 1, 5)}
    )
    update_follow_up(
        follow_up=follow_up,
        by=colleague,
        data={
            **FACTS,
            "quote_sent_on": dt.date(2027, 1, 5),
            "consultation_launched_on": dt.date(2027, 3, 1),
            "consultation_url": "https://marches.example.org/c/42",
            "social_clause": True,
        },
    )

    follow_up.refresh_from_db()
    updates = [
        (u.by, u.organisation, sorted(u.changes))
        for u in FollowUpUpdate.objects.order_by("at", "pk")
    ]
    assert (follow_up.quote_sent_on, follow_up.social_clause) == (dt.date(2027, 1, 5), True)
    assert updates == [
        (day.ess.user, day.ess.organisation, ["quote_sent_on"]),
        (
            colleague,
            day.buyer.organisation,
            ["consultation_launched_on", "consultation_url", "social_clause"],
        ),
    ]


def test_an_update_that_changes_nothing_is_not_kept(day, follow_up):
    update_follow_up(follow_up=follow_up, by=day.ess.user, data=FACTS)

    assert FollowUpUpdate.objects.count() == 0


@pytest.mark.parametrize("who", ["organiser", "outsider"])
def test_update_refused_to_anyone_else(day, follow_up, organiser, who):
    user = organiser if who == "organiser" else UserFactory()

    with pytest.raises(ValidationError, match="two organisations"):
        update_follow_up(follow_up=follow_up, by=user, data={**FACTS, "awarded": True})


def test_the_pitch_sourcing_log_shows_the_follow_up(event):
    event.start_date = event.end_date = timezone.localdate()
    event.save(update_fields=["start_date", "end_date"])
    world = live_day(event)
    a, b = buyer(event), ess(event)
    pitch = PitchFactory(event=event, buyer=a.organisation)
    request = meet(a, b, world.past, world.tables[0])
    request.pitch = pitch
    request.save(update_fields=["pitch"])

    record_outcome(request=request, by=b.user, outcome=Outcome.CONSULTATION_PLANNED)
    update_follow_up(
        follow_up=FollowUp.objects.get(),
        by=a.user,
        data={**FACTS, "awarded": True, "amount": decimal.Decimal("12000")},
    )

    lines = list(
        SourcingLogEntry.objects.filter(pitch=pitch, kind=LogKind.FOLLOW_UP).values_list(
            "summary", flat=True
        )
    )
    assert lines == [
        f"Follow-up planned between {a.organisation} and {b.organisation}.",
        f"Follow-up between {a.organisation} and {b.organisation}: awarded (12000.00 € excl. VAT).",
    ]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"consultation_launched_on": dt.date(2027, 3, 1)}, "consultation_url"),
        ({"reserved_lot": True}, "consultation_launched_on"),
        ({"amount": decimal.Decimal("10")}, "amount"),
        ({"awarded": False, "amount": decimal.Decimal("10")}, "amount"),
    ],
)
def test_facts_are_checked_together(data, field):
    with pytest.raises(ValidationError) as error:
        clean_facts({**FACTS, **data})

    assert list(error.value.message_dict) == [field]


def test_the_check_is_withheld_once_the_follow_up_is_closed(day, follow_up):
    message = OutboxMessage.objects.filter(kind=emails.FOLLOW_UP_CHECK).first()
    assert emails._follow_up_withhold_reason(message) == ""

    update_follow_up(follow_up=follow_up, by=day.ess.user, data={**FACTS, "awarded": False})

    assert emails._follow_up_withhold_reason(message) == "follow-up closed"


def test_the_check_is_withheld_once_the_follow_up_is_removed(day, follow_up):
    message = OutboxMessage.objects.filter(kind=emails.FOLLOW_UP_CHECK).first()
    record_outcome(request=day.done, by=day.buyer.user, outcome=Outcome.NOT_HELD)

    assert emails._follow_up_withhold_reason(message) == "follow-up removed"


def test_the_check_is_withheld_for_someone_who_unsubscribed(day, follow_up, settings):
    from notifications.services import send_message, set_preferences

    set_preferences(user=day.ess.user, choices={emails.FOLLOW_UP_CHECK: False})
    message = OutboxMessage.objects.get(
        kind=emails.FOLLOW_UP_CHECK, recipient=day.ess.user, version=3
    )

    assert send_message(message_id=message.pk) == "withheld"


def test_no_check_is_queued_when_its_time_has_passed(event):
    """A follow-up written long after the day is asked about at 6 months only."""
    event.start_date = event.end_date = timezone.localdate() - dt.timedelta(days=120)
    event.save(update_fields=["start_date", "end_date"])
    world = live_day(event)
    a, b = buyer(event), ess(event)
    request = meet(a, b, world.past, world.tables[0])

    record_outcome(request=request, by=a.user, outcome=Outcome.OTHER_FOLLOW_UP)

    versions = set(
        OutboxMessage.objects.filter(kind=emails.FOLLOW_UP_CHECK).values_list("version", flat=True)
    )
    assert versions == {6}


# --- pages ---------------------------------------------------------------------------------------


def test_my_follow_ups_lists_those_of_my_organisations(day, follow_up, client):
    colleague = MembershipFactory(organisation=day.ess.organisation).user
    client.force_login(colleague)

    response = client.get(reverse("matching:follow_ups", args=[day.event.slug]))

    assert [row for row, _facts in response.context["rows"]] == [follow_up]


def test_someone_else_sees_no_follow_up(day, follow_up, client):
    client.force_login(UserFactory())

    response = client.get(reverse("matching:follow_ups", args=[day.event.slug]))

    assert response.context["rows"] == []


def test_the_form_saves_and_shows_the_history(day, follow_up, client):
    client.force_login(day.ess.user)
    url = reverse("matching:follow_up", args=[day.event.slug, follow_up.pk])

    response = client.post(
        url,
        {
            "consultation_launched_on": "2027-03-01",
            "consultation_url": "https://marches.example.org/c/42",
            "reserved_lot": "on",
            "answered_on": "2027-03-20",
            "awarded": "yes",
            "amount": "8500.50",
        },
    )
    page = client.get(url, headers={"accept-language": "en"}).content.decode()

    follow_up.refresh_from_db()
    assert response.status_code == 302
    assert (follow_up.reserved_lot, follow_up.awarded, follow_up.amount) == (
        True,
        True,
        decimal.Decimal("8500.50"),
    )
    assert str(day.ess.organisation) in page.split("History")[1]


def test_the_form_shows_what_is_wrong(day, follow_up, client):
    client.force_login(day.buyer.user)
    url = reverse("matching:follow_up", args=[day.event.slug, follow_up.pk])

    response = client.post(url, {"awarded": "no", "amount": "100"})

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["amount"]


def test_organisers_see_every_follow_up_and_the_figures(day, follow_up, client, organiser):
    update_follow_up(
        follow_up=follow_up,
        by=day.ess.user,
        data={
            **FACTS,
            "consultation_launched_on": dt.date(2027, 3, 1),
            "consultation_url": "https://marches.example.org/c/42",
            "social_clause": True,
            "awarded": True,
            "amount": decimal.Decimal("1000"),
        },
    )
    client.force_login(organiser)

    response = client.get(reverse("matching:event_follow_ups", args=[day.event.slug]))
    detail = client.get(reverse("matching:follow_up", args=[day.event.slug, follow_up.pk]))

    figures = response.context["figures"]
    assert (figures["planned"], figures["with_social_clause"], figures["awarded_yes"]) == (1, 1, 1)
    assert figures["amount"] == decimal.Decimal("1000")
    assert detail.context["form"] is None


def _add_pair(day):
    def add(n):
        colleague = RegistrationFactory(
            event=day.event, organisation=day.buyer.organisation, role=RegistrationRole.BUYER
        )
        request = meet(colleague, ess(day.event), day.past, day.tables[n + 1])
        record_outcome(request=request, by=colleague.user, outcome=Outcome.QUOTE_ASKED)

    return add


def test_my_follow_ups_queries_do_not_grow(assert_queries_constant, client, day):
    add = _add_pair(day)
    client.force_login(MembershipFactory(organisation=day.buyer.organisation).user)
    url = reverse("matching:follow_ups", args=[day.event.slug])
    assert_queries_constant(items=growing(add), run=lambda _: client.get(url))


def test_event_follow_ups_queries_do_not_grow(assert_queries_constant, client, day, organiser):
    add = _add_pair(day)
    client.force_login(organiser)
    url = reverse("matching:event_follow_ups", args=[day.event.slug])
    assert_queries_constant(items=growing(add), run=lambda _: client.get(url))


def test_queries_list_only_the_event(day, follow_up, event):
    assert list(queries.event_follow_ups(day.event)) == [follow_up]


def test_the_form_starts_from_the_pitch_consultation(event, client):
    from pitches.enums import Route

    event.start_date = event.end_date = timezone.localdate()
    event.save(update_fields=["start_date", "end_date"])
    world = live_day(event)
    a, b = buyer(event), ess(event)
    pitch = PitchFactory(
        event=event,
        buyer=a.organisation,
        route=Route.RESERVED_SIAE,
        consultation_launched_on=dt.date(2027, 2, 1),
        consultation_url="https://marches.example.org/c/7",
    )
    request = meet(a, b, world.past, world.tables[0])
    request.pitch = pitch
    request.save(update_fields=["pitch"])
    record_outcome(request=request, by=b.user, outcome=Outcome.RESERVED_LOT)
    client.force_login(b.user)

    response = client.get(
        reverse("matching:follow_up", args=[event.slug, FollowUp.objects.get().pk])
    )

    initial = response.context["form"].initial
    assert (
        initial["consultation_launched_on"],
        initial["consultation_url"],
        initial["reserved_lot"],
        initial["social_clause"],
    ) == (dt.date(2027, 2, 1), "https://marches.example.org/c/7", True, False)


# --- exports and the pitch's trace -------------------------------------------------------------


def test_the_organisers_export_lists_each_follow_up(day, follow_up):
    from events import exports

    update_follow_up(
        follow_up=follow_up,
        by=day.ess.user,
        data={**FACTS, "awarded": True, "amount": decimal.Decimal("2500")},
    )

    rows = list(exports.DATASETS["follow_ups"].rows(day.event))

    assert len(exports.DATASETS["follow_ups"].header) == len(rows[0])
    assert [(r[0], r[2], r[-3], r[-2]) for r in rows] == [
        (day.buyer.organisation.name, day.ess.organisation.name, "yes", decimal.Decimal("2500"))
    ]


def test_the_export_costs_the_same_queries_for_one_or_three_follow_ups(
    assert_queries_constant, day
):
    from events import exports

    assert_queries_constant(
        items=growing(_add_pair(day)),
        run=lambda _: list(exports.DATASETS["follow_ups"].rows(day.event)),
    )


def test_the_pitch_trace_shows_its_follow_ups(event):
    from pitches import trace

    event.start_date = event.end_date = timezone.localdate()
    event.save(update_fields=["start_date", "end_date"])
    world = live_day(event)
    a, b = buyer(event), ess(event)
    pitch = PitchFactory(event=event, buyer=a.organisation)
    request = meet(a, b, world.past, world.tables[0])
    request.pitch = pitch
    request.save(update_fields=["pitch"])
    record_outcome(request=request, by=b.user, outcome=Outcome.QUOTE_ASKED)
    update_follow_up(
        follow_up=FollowUp.objects.get(),
        by=a.user,
        data={**FACTS, "quote_sent_on": dt.date(2027, 1, 5)},
    )

    [section] = [s for s in trace.sections(pitch) if str(s.title) == "Follow-ups"]

    assert [row[2] for row in section.rows] == [dt.date(2027, 1, 5)]
    assert len(section.header) == len(section.rows[0])
