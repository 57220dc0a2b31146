"""Every state change of the pitches app writes what it should, and its sourcing log entry."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Theme
from events.enums import Phase
from pitches import services
from pitches.enums import GroupMode, InterestStatus, LogKind, PitchStatus
from pitches.models import Interest, Lot, Pitch, PitchQuestion, Question, SourcingLogEntry
from tests.factories import (
    BuyerOrganisationFactory,
    MembershipFactory,
    OrganisationFactory,
    PitchFactory,
)


def log_kinds(pitch) -> list[str]:
    return list(SourcingLogEntry.objects.filter(pitch=pitch).values_list("kind", flat=True))


@pytest.fixture
def pitch(event, buyer_org):
    return PitchFactory(event=event, buyer=buyer_org)


@pytest.fixture
def screening(pitch):
    return PitchQuestion.objects.create(pitch=pitch, text="Capacité ?", required=True)


def member_of(organisation):
    return MembershipFactory(organisation=organisation).user


def express(pitch, organisation, actor, **kwargs):
    answers = {q.pk: "Oui" for q in pitch.screening_questions.all()}
    return services.express_interest(
        pitch=pitch, organisation=organisation, actor=actor, answers=answers, **kwargs
    )


# --- Pitches ---


def test_create_pitch_writes_draft_lots_questions_without_log(event, buyer_org, buyer):
    pitch = services.create_pitch(
        event=event,
        buyer=buyer_org,
        author=buyer,
        fields={
            "title": "Goûters",
            "summary": "Des goûters sains",
            "description": "Pour 1 200 enfants",
            "theme": Theme.objects.get(code="food"),
        },
        lots=[
            services.LotInput(number=1, title="Repas"),
            services.LotInput(number=2, title="Goûters"),
        ],
        questions=[services.QuestionInput(text="Capacité ?", required=True)],
    )

    assert (pitch.status, list(pitch.lots.values_list("number", "title"))) == (
        PitchStatus.DRAFT,
        [(1, "Repas"), (2, "Goûters")],
    )
    assert list(pitch.screening_questions.values_list("text", flat=True)) == ["Capacité ?"]
    assert log_kinds(pitch) == []


def test_create_pitch_refuses_ess_organisation(event, ess_org, ess_member):
    with pytest.raises(ValidationError):
        services.create_pitch(
            event=event,
            buyer=ess_org,
            author=ess_member,
            fields={
                "title": "x",
                "summary": "x",
                "description": "x",
                "theme": Theme.objects.first(),
            },
        )

    assert Pitch.objects.count() == 0


def test_create_pitch_closed_phase_refused_for_buyer_allowed_for_organiser(
    event, buyer_org, buyer, organiser
):
    event.phase = Phase.SCHEDULING
    event.save()
    fields = {"title": "x", "summary": "x", "description": "x", "theme": Theme.objects.first()}

    with pytest.raises(ValidationError):
        services.create_pitch(event=event, buyer=buyer_org, author=buyer, fields=fields)
    pitch = services.create_pitch(event=event, buyer=buyer_org, author=organiser, fields=fields)

    assert Pitch.objects.get() == pitch


def test_publish_pitch_sets_status_date_and_logs(event, buyer_org, buyer):
    draft = PitchFactory(event=event, buyer=buyer_org, status=PitchStatus.DRAFT, published_at=None)

    pitch = services.publish_pitch(pitch=draft, actor=buyer)

    assert (pitch.status, pitch.published_at is not None) == (PitchStatus.PUBLISHED, True)
    assert log_kinds(pitch) == [LogKind.PUBLISHED]


def test_publish_pitch_already_published_refused(pitch, buyer):
    with pytest.raises(ValidationError):
        services.publish_pitch(pitch=pitch, actor=buyer)

    assert log_kinds(pitch) == []


def test_update_pitch_published_renumbers_lots_and_logs(pitch, buyer):
    one = Lot.objects.create(pitch=pitch, number=1, title="A")
    two = Lot.objects.create(pitch=pitch, number=2, title="B")

    services.update_pitch(
        pitch=pitch,
        actor=buyer,
        fields={"title": "Nouveau titre"},
        lots=[
            services.LotInput(id=one.pk, number=2, title="A"),
            services.LotInput(id=two.pk, number=1, title="B"),
            services.LotInput(number=3, title="C"),
        ],
    )

    pitch.refresh_from_db()
    assert pitch.title == "Nouveau titre"
    assert list(pitch.lots.values_list("number", "title")) == [(1, "B"), (2, "A"), (3, "C")]
    assert log_kinds(pitch) == [LogKind.UPDATED]


def test_update_pitch_duplicate_lot_numbers_saves_nothing(pitch, buyer):
    with pytest.raises(ValidationError):
        services.update_pitch(
            pitch=pitch,
            actor=buyer,
            fields={"title": "Autre"},
            lots=[services.LotInput(number=1, title="A"), services.LotInput(number=1, title="B")],
        )

    pitch.refresh_from_db()
    assert (pitch.title != "Autre", pitch.lots.count(), log_kinds(pitch)) == (True, 0, [])


def test_withdraw_pitch_logs_with_reason(pitch, organiser):
    services.withdraw_pitch(pitch=pitch, actor=organiser, reason="Hors sujet")

    pitch.refresh_from_db()
    assert pitch.status == PitchStatus.WITHDRAWN
    entry = pitch.log.get()
    assert (entry.kind, entry.summary.endswith("Hors sujet")) == (LogKind.WITHDRAWN, True)


def test_launch_consultation_starts_quiet_period_and_logs(pitch, buyer):
    services.launch_consultation(
        pitch=pitch, actor=buyer, launched_on=dt.date(2020, 1, 15), url="https://marches.example/1"
    )

    pitch.refresh_from_db()
    assert (pitch.in_quiet_period, pitch.consultation_url) == (True, "https://marches.example/1")
    assert log_kinds(pitch) == [LogKind.CONSULTATION]


def test_launch_consultation_twice_refused(pitch, buyer):
    services.launch_consultation(
        pitch=pitch, actor=buyer, launched_on=dt.date(2020, 1, 15), url="https://a.example/"
    )

    with pytest.raises(ValidationError):
        services.launch_consultation(
            pitch=pitch, actor=buyer, launched_on=dt.date(2020, 2, 1), url="https://b.example/"
        )
    assert log_kinds(pitch) == [LogKind.CONSULTATION]


# --- Interests ---


def test_express_interest_writes_answers_lots_and_logs(pitch, screening, ess_org, ess_member):
    lot = Lot.objects.create(pitch=pitch, number=1, title="A")

    interest = services.express_interest(
        pitch=pitch,
        organisation=ess_org,
        actor=ess_member,
        answers={screening.pk: "200 repas par jour"},
        lots=[lot],
        group_mode=GroupMode.GROUP,
        partners="Coop Voisine",
        wants_meeting=False,
        message="Bonjour",
    )

    assert (interest.status, interest.partners, interest.wants_meeting) == (
        InterestStatus.SUBMITTED,
        "Coop Voisine",
        False,
    )
    assert list(interest.lots.all()) == [lot]
    assert list(interest.answers.values_list("text", flat=True)) == ["200 repas par jour"]
    assert log_kinds(pitch) == [LogKind.INTEREST]


def test_express_interest_required_answer_missing_saves_nothing(
    pitch, screening, ess_org, ess_member
):
    with pytest.raises(ValidationError):
        services.express_interest(
            pitch=pitch, organisation=ess_org, actor=ess_member, answers={screening.pk: "  "}
        )

    assert (Interest.objects.count(), log_kinds(pitch)) == (0, [])


def test_express_interest_group_without_partners_refused(pitch, ess_org, ess_member):
    with pytest.raises(ValidationError):
        express(pitch, ess_org, ess_member, group_mode=GroupMode.GROUP, partners="")

    assert Interest.objects.count() == 0


def test_express_interest_lot_of_another_pitch_refused(pitch, event, ess_org, ess_member):
    other_lot = Lot.objects.create(pitch=PitchFactory(event=event), number=1, title="X")

    with pytest.raises(ValidationError):
        express(pitch, ess_org, ess_member, lots=[other_lot])

    assert Interest.objects.count() == 0


def test_express_interest_by_buyer_organisation_refused(pitch, buyer_org, buyer):
    with pytest.raises(ValidationError):
        express(pitch, buyer_org, buyer)

    assert Interest.objects.count() == 0


def test_express_interest_twice_refused_then_reopened_after_withdrawal(pitch, ess_org, ess_member):
    interest = express(pitch, ess_org, ess_member)
    with pytest.raises(ValidationError):
        express(pitch, ess_org, ess_member)

    services.withdraw_interest(interest=interest, actor=ess_member)
    reopened = express(pitch, ess_org, ess_member)

    assert (reopened.pk, reopened.status) == (interest.pk, InterestStatus.SUBMITTED)
    assert log_kinds(pitch) == [
        LogKind.INTEREST,
        LogKind.INTEREST_WITHDRAWN,
        LogKind.INTEREST,
    ]


def test_express_interest_draft_pitch_refused(event, buyer_org, ess_org, ess_member):
    draft = PitchFactory(event=event, buyer=buyer_org, status=PitchStatus.DRAFT, published_at=None)

    with pytest.raises(ValidationError):
        express(draft, ess_org, ess_member)

    assert Interest.objects.count() == 0


def test_express_interest_closed_phase_refused(pitch, ess_org, ess_member):
    pitch.event.phase = Phase.LIVE
    pitch.event.save()

    with pytest.raises(ValidationError):
        express(pitch, ess_org, ess_member)

    assert Interest.objects.count() == 0


def test_update_interest_rewrites_answers_and_logs(pitch, screening, ess_org, ess_member):
    interest = express(pitch, ess_org, ess_member)

    services.update_interest(
        interest=interest,
        actor=ess_member,
        answers={screening.pk: "300"},
        wants_meeting=False,
        message="Précision",
    )

    interest.refresh_from_db()
    assert (interest.message, interest.wants_meeting) == ("Précision", False)
    assert list(interest.answers.values_list("text", flat=True)) == ["300"]
    assert log_kinds(pitch) == [LogKind.INTEREST, LogKind.INTEREST_UPDATED]


def test_shortlist_then_decline_interest_logs_each(pitch, ess_org, ess_member, buyer):
    interest = express(pitch, ess_org, ess_member)

    services.shortlist_interest(interest=interest, actor=buyer)
    services.decline_interest(interest=interest, actor=buyer, reason="Lot trop grand")

    interest.refresh_from_db()
    assert (interest.status, interest.decline_reason) == (InterestStatus.DECLINED, "Lot trop grand")
    assert log_kinds(pitch) == [LogKind.INTEREST, LogKind.SHORTLISTED, LogKind.DECLINED]


def test_decline_interest_without_reason_refused(pitch, ess_org, ess_member, buyer):
    interest = express(pitch, ess_org, ess_member)

    with pytest.raises(ValidationError):
        services.decline_interest(interest=interest, actor=buyer, reason="  ")

    interest.refresh_from_db()
    assert interest.status == InterestStatus.SUBMITTED


def test_shortlist_withdrawn_interest_refused(pitch, ess_org, ess_member, buyer):
    interest = express(pitch, ess_org, ess_member)
    services.withdraw_interest(interest=interest, actor=ess_member)

    with pytest.raises(ValidationError):
        services.shortlist_interest(interest=interest, actor=buyer)

    assert log_kinds(pitch) == [LogKind.INTEREST, LogKind.INTEREST_WITHDRAWN]


# --- Quiet period ---


@pytest.fixture
def launched(pitch, buyer):
    return services.launch_consultation(
        pitch=pitch, actor=buyer, launched_on=dt.date(2020, 1, 15), url="https://marches.example/"
    )


def test_quiet_period_blocks_new_interest(launched, ess_org, ess_member):
    with pytest.raises(ValidationError, match="consultation officielle"):
        express(launched, ess_org, ess_member)

    assert Interest.objects.count() == 0


def test_quiet_period_blocks_question(launched, ess_org, ess_member):
    with pytest.raises(ValidationError):
        services.ask_question(pitch=launched, organisation=ess_org, actor=ess_member, text="?")

    assert Question.objects.count() == 0


def test_quiet_period_blocks_interest_update_and_withdrawal(pitch, buyer, ess_org, ess_member):
    interest = express(pitch, ess_org, ess_member)
    services.launch_consultation(
        pitch=pitch, actor=buyer, launched_on=dt.date(2020, 1, 15), url="https://marches.example/"
    )

    with pytest.raises(ValidationError):
        services.update_interest(interest=interest, actor=ess_member, answers={}, message="x")
    with pytest.raises(ValidationError):
        services.withdraw_interest(interest=interest, actor=ess_member)

    interest.refresh_from_db()
    assert (interest.status, interest.message) == (InterestStatus.SUBMITTED, "")


def test_quiet_period_rules_close_interest_and_question(launched, ess_member):
    assert ess_member.has_perm("pitches.express_interest", launched) is False
    assert ess_member.has_perm("pitches.ask_question", launched) is False


# --- Questions and answers (equal treatment) ---


def test_ask_question_logs(pitch, ess_org, ess_member):
    question = services.ask_question(
        pitch=pitch, organisation=ess_org, actor=ess_member, text="Volume ?"
    )

    assert (question.text, question.organisation) == ("Volume ?", ess_org)
    assert log_kinds(pitch) == [LogKind.QUESTION]


def test_ask_question_empty_refused(pitch, ess_org, ess_member):
    with pytest.raises(ValidationError):
        services.ask_question(pitch=pitch, organisation=ess_org, actor=ess_member, text="   ")

    assert Question.objects.count() == 0


def test_answer_question_emails_every_interested_structure_on_commit(
    pitch,
    ess_org,
    ess_member,
    ess_admin,
    buyer,
    mailoutbox,
    django_capture_on_commit_callbacks,
    eager_tasks,
):
    express(pitch, ess_org, ess_member)
    other = OrganisationFactory()
    other_member = member_of(other)
    express(pitch, other, other_member)
    declined = OrganisationFactory()
    declined_member = member_of(declined)
    services.decline_interest(
        interest=express(pitch, declined, declined_member), actor=buyer, reason="Trop loin"
    )
    withdrawn = OrganisationFactory()
    withdrawn_member = member_of(withdrawn)
    services.withdraw_interest(
        interest=express(pitch, withdrawn, withdrawn_member), actor=withdrawn_member
    )
    bystander = member_of(OrganisationFactory())
    question = services.ask_question(
        pitch=pitch, organisation=ess_org, actor=ess_member, text="Volume ?"
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.answer_question(question=question, actor=buyer, answer="1 200 repas")

    recipients = sorted(email for message in mailoutbox for email in message.to)
    assert recipients == sorted(
        [ess_member.email, ess_admin.email, other_member.email, declined_member.email]
    )
    assert bystander.email not in recipients
    assert withdrawn_member.email not in recipients
    assert "1 200 repas" in mailoutbox[0].body
    assert log_kinds(pitch)[-2:] == [LogKind.QUESTION, LogKind.ANSWER]


def test_answer_question_twice_refused(pitch, ess_org, ess_member, buyer):
    question = services.ask_question(pitch=pitch, organisation=ess_org, actor=ess_member, text="?")
    services.answer_question(question=question, actor=buyer, answer="Première")

    with pytest.raises(ValidationError):
        services.answer_question(question=question, actor=buyer, answer="Seconde")

    question.refresh_from_db()
    assert question.answer == "Première"


def test_log_entries_are_ordered_for_a_whole_exchange(pitch, ess_org, ess_member, buyer):
    interest = express(pitch, ess_org, ess_member)
    question = services.ask_question(pitch=pitch, organisation=ess_org, actor=ess_member, text="?")
    services.answer_question(question=question, actor=buyer, answer="Oui")
    services.shortlist_interest(interest=interest, actor=buyer)
    services.launch_consultation(
        pitch=pitch, actor=buyer, launched_on=dt.date(2020, 1, 15), url="https://m.example/"
    )

    assert log_kinds(pitch) == [
        LogKind.INTEREST,
        LogKind.QUESTION,
        LogKind.ANSWER,
        LogKind.SHORTLISTED,
        LogKind.CONSULTATION,
    ]


def test_buyer_of_another_organisation_is_not_pitch_buyer(pitch):
    stranger = member_of(BuyerOrganisationFactory())

    assert stranger.has_perm("pitches.change_pitch", pitch) is False
