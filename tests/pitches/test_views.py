"""Pages of the pitches app: catalogue filters, forms with bad input, equal information, CSV."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from accounts.models import Territory, Theme
from pitches import services
from pitches.enums import InterestStatus, LogKind, PitchStatus, Route
from pitches.models import Interest, Pitch, PitchQuestion, Question, SourcingLogEntry
from tests.factories import (
    InterestAnswerFactory,
    InterestFactory,
    LotFactory,
    MembershipFactory,
    OrganisationFactory,
    PitchFactory,
    PitchQuestionFactory,
    QuestionFactory,
)
from tests.queries import growing


def member_of(organisation):
    return MembershipFactory(organisation=organisation).user


@pytest.fixture
def pitch(event, buyer_org):
    return PitchFactory(event=event, buyer=buyer_org, title="Goûters bio")


# --- Catalogue ---


def titles(response) -> list[str]:
    return [pitch.title for pitch in response.context["page"].object_list]


def test_catalogue_lists_published_pitches_only(client, event, buyer_org):
    PitchFactory(event=event, buyer=buyer_org, title="Publié")
    PitchFactory(
        event=event, buyer=buyer_org, title="Brouillon", status=PitchStatus.DRAFT, published_at=None
    )
    PitchFactory(event=event, buyer=buyer_org, title="Retiré", status=PitchStatus.WITHDRAWN)
    PitchFactory(title="Autre événement")

    response = client.get(reverse("pitches:catalogue", args=[event.slug]))

    assert titles(response) == ["Publié"]


def test_catalogue_filters_theme_route_territory_and_text(client, event, buyer_org):
    food = PitchFactory(event=event, buyer=buyer_org, title="Repas bio")
    bikes = PitchFactory(
        event=event,
        buyer=buyer_org,
        title="Vélos",
        theme=Theme.objects.get(code="mobility"),
        route=Route.RESERVED_SIAE,
        description="Un atelier de réparation",
    )
    food.territories.set([Territory.objects.get(code="59")])
    url = reverse("pitches:catalogue", args=[event.slug])

    assert titles(client.get(url, {"theme": "mobility"})) == ["Vélos"]
    assert titles(client.get(url, {"route": Route.RESERVED_SIAE})) == ["Vélos"]
    assert titles(client.get(url, {"territory": "59"})) == ["Repas bio"]
    assert titles(client.get(url, {"q": "réparation"})) == ["Vélos"]
    assert bikes.pk != food.pk


def test_catalogue_eligible_filter_for_ess_member(client, event, buyer_org, ess_member):
    PitchFactory(event=event, buyer=buyer_org, title="Ouvert", route=Route.ADAPTED)
    PitchFactory(
        event=event, buyer=buyer_org, title="Réservé ESAT", route=Route.RESERVED_DISABILITY
    )
    client.force_login(ess_member)

    response = client.get(reverse("pitches:catalogue", args=[event.slug]), {"eligible": "on"})

    assert titles(response) == ["Ouvert"]


def test_catalogue_no_eligible_filter_for_anonymous(client, event):
    response = client.get(reverse("pitches:catalogue", args=[event.slug]))

    assert "eligible" not in response.context["filter"].form.fields


def test_catalogue_htmx_returns_results_fragment(client, event, pitch):
    response = client.get(
        reverse("pitches:catalogue", args=[event.slug]),
        {"q": "Goûters"},
        headers={"HX-Request": "true"},
    )

    content = response.content.decode()
    assert content.lstrip().startswith('<section id="results"')
    assert "<html" not in content


def test_catalogue_paginates(client, event, buyer_org):
    for n in range(14):
        PitchFactory(event=event, buyer=buyer_org, title=f"Besoin {n:02d}")

    response = client.get(reverse("pitches:catalogue", args=[event.slug]), {"page": 2})

    assert (len(titles(response)), response.context["page"].paginator.num_pages) == (2, 2)


def test_catalogue_bad_filter_value_is_a_form_error_not_500(client, event):
    response = client.get(
        reverse("pitches:catalogue", args=[event.slug]), {"route": "nope", "page": "x"}
    )

    assert response.status_code == 200


def test_catalogue_of_draft_event_is_404(client, event):
    event.phase = "draft"
    event.save()

    assert client.get(reverse("pitches:catalogue", args=[event.slug])).status_code == 404


def test_catalogue_never_presents_geography_as_award_criterion(client, event, pitch):
    pitch.territories.set([Territory.objects.get(code="59")])

    page = client.get(reverse("pitches:detail", args=[pitch.pk])).content.decode()

    assert "not an award criterion" in page or "pas un critère d'attribution" in page


# --- Query counts: the count must not grow with the number of items ---


def add_pitches(event, buyer_org):
    def add(n):
        pitch = PitchFactory(event=event, buyer=buyer_org)
        pitch.territories.set([Territory.objects.get(code="59")])
        InterestFactory(pitch=pitch)
        QuestionFactory(pitch=pitch)

    return growing(add)


def test_catalogue_query_count(client, event, buyer_org, ess_member, assert_queries_constant):
    client.force_login(ess_member)
    url = reverse("pitches:catalogue", args=[event.slug])

    assert_queries_constant(items=add_pitches(event, buyer_org), run=lambda _: client.get(url))


def test_mine_query_count(client, event, buyer_org, buyer, assert_queries_constant):
    client.force_login(buyer)
    url = reverse("pitches:mine", args=[event.slug])

    assert_queries_constant(items=add_pitches(event, buyer_org), run=lambda _: client.get(url))


def test_organiser_list_query_count(client, event, buyer_org, organiser, assert_queries_constant):
    client.force_login(organiser)
    url = reverse("pitches:organiser_list", args=[event.slug])

    assert_queries_constant(items=add_pitches(event, buyer_org), run=lambda _: client.get(url))


def test_my_interests_query_count(
    client, event, buyer_org, ess_org, ess_member, assert_queries_constant
):
    client.force_login(ess_member)
    url = reverse("pitches:my_interests", args=[event.slug])

    def add(n):
        InterestFactory(pitch=PitchFactory(event=event, buyer=buyer_org), organisation=ess_org)

    assert_queries_constant(items=growing(add), run=lambda _: client.get(url))


def test_interests_review_query_count(client, pitch, buyer, assert_queries_constant):
    client.force_login(buyer)
    url = reverse("pitches:interests", args=[pitch.pk])
    question = PitchQuestionFactory(pitch=pitch, text="Capacité ?")
    lot = LotFactory(pitch=pitch, number=1, title="Lot")

    def add(n):
        org = OrganisationFactory()
        org.themes.set([Theme.objects.get(code="food")])
        org.territories.set([Territory.objects.get(code="59")])
        member_of(org)
        interest = InterestFactory(pitch=pitch, organisation=org)
        interest.lots.set([lot])
        InterestAnswerFactory(interest=interest, question=question, text="Beaucoup")

    count = assert_queries_constant(items=growing(add), run=lambda _: client.get(url))
    # The pitch without its own prefetches, answers and members one prefetch each, the buyer's
    # membership asked once (core/memo.py): 6 queries fewer than before on the bench's page.
    assert count <= 18


def test_log_query_count(client, pitch, buyer, assert_queries_constant):
    client.force_login(buyer)
    url = reverse("pitches:log", args=[pitch.pk])

    def add(n):
        org = OrganisationFactory()
        services.express_interest(pitch=pitch, organisation=org, actor=member_of(org), answers={})

    assert_queries_constant(items=growing(add), run=lambda _: client.get(url))


def test_log_csv_query_count(client, pitch, buyer, assert_queries_constant):
    client.force_login(buyer)
    url = reverse("pitches:log_csv", args=[pitch.pk])

    def add(n):
        org = OrganisationFactory()
        services.express_interest(pitch=pitch, organisation=org, actor=member_of(org), answers={})

    assert_queries_constant(items=growing(add), run=lambda _: client.get(url))


# --- Pitch form ---


def pitch_post(**overrides):
    data = {
        "buyer": "",
        "title": "Fontaines à eau",
        "summary": "Remplacer les bouteilles",
        "description": "180 000 bouteilles par an",
        "theme": "waste",
        "amount_range": "not_shared",
        "expected_consultation_date": "2020-03-01",
        "route": Route.RESERVED_BOTH,
        "territories": ["59"],
        "lots-TOTAL_FORMS": "2",
        "lots-INITIAL_FORMS": "0",
        "lots-0-number": "1",
        "lots-0-title": "Fontaines",
        "lots-1-number": "",
        "lots-1-title": "",
        "questions-TOTAL_FORMS": "1",
        "questions-INITIAL_FORMS": "0",
        "questions-0-text": "Combien de sites pouvez-vous équiper ?",
        "questions-0-required": "on",
    }
    data.update(overrides)
    return data


def test_create_pitch_form_saves_draft_with_lots_and_questions(client, event, buyer_org, buyer):
    client.force_login(buyer)

    response = client.post(
        reverse("pitches:create", args=[event.slug]), pitch_post(buyer=buyer_org.pk)
    )

    pitch = Pitch.objects.get()
    assert response.url == reverse("pitches:detail", args=[pitch.pk])
    assert (pitch.status, pitch.buyer, pitch.route) == (
        PitchStatus.DRAFT,
        buyer_org,
        Route.RESERVED_BOTH,
    )
    assert list(pitch.lots.values_list("title", flat=True)) == ["Fontaines"]
    assert list(pitch.screening_questions.values_list("required", flat=True)) == [True]


@pytest.mark.parametrize(
    "overrides",
    [
        {"title": ""},
        {"theme": "nope"},
        {"route": "secret"},
        {"amount_range": "billions"},
        {"expected_consultation_date": "31/02/2020"},
        {"territories": ["XX"]},
        {"lots-1-number": "1", "lots-1-title": "Doublon"},
        {"lots-0-number": "-3"},
        {"lots-TOTAL_FORMS": "x"},
    ],
)
def test_create_pitch_bad_input_saves_nothing(client, event, buyer_org, buyer, overrides):
    client.force_login(buyer)

    response = client.post(
        reverse("pitches:create", args=[event.slug]), pitch_post(buyer=buyer_org.pk, **overrides)
    )

    assert response.status_code == 200
    assert Pitch.objects.count() == 0


def test_create_pitch_for_another_buyer_refused(client, event, buyer_org, buyer):
    from tests.factories import BuyerOrganisationFactory

    other = BuyerOrganisationFactory()
    client.force_login(buyer)

    response = client.post(reverse("pitches:create", args=[event.slug]), pitch_post(buyer=other.pk))

    assert response.status_code == 200
    assert Pitch.objects.count() == 0


def test_edit_pitch_updates_and_deletes_lot(client, pitch, buyer):
    lot = pitch.lots.create(number=1, title="Ancien")
    client.force_login(buyer)
    data = pitch_post(
        **{
            "lots-TOTAL_FORMS": "1",
            "lots-INITIAL_FORMS": "1",
            "lots-0-id": str(lot.pk),
            "lots-0-number": "1",
            "lots-0-title": "Ancien",
            "lots-0-DELETE": "on",
            "lots-1-number": "",
            "questions-TOTAL_FORMS": "0",
        }
    )

    response = client.post(reverse("pitches:edit", args=[pitch.pk]), data)

    assert response.status_code == 302
    pitch.refresh_from_db()
    assert (pitch.title, pitch.lots.count()) == ("Fontaines à eau", 0)
    assert list(pitch.log.values_list("kind", flat=True)) == [LogKind.UPDATED]


def test_publish_button_publishes_draft(client, event, buyer_org, buyer):
    draft = PitchFactory(event=event, buyer=buyer_org, status=PitchStatus.DRAFT, published_at=None)
    client.force_login(buyer)

    client.post(reverse("pitches:publish", args=[draft.pk]))

    draft.refresh_from_db()
    assert draft.status == PitchStatus.PUBLISHED


def test_organiser_withdraws_pitch(client, pitch, organiser):
    client.force_login(organiser)

    response = client.post(reverse("pitches:withdraw", args=[pitch.pk]), {"reason": "Doublon"})

    pitch.refresh_from_db()
    assert (response.status_code, pitch.status) == (302, PitchStatus.WITHDRAWN)


def test_unknown_pitch_is_404(client, db):
    assert client.get(reverse("pitches:detail", args=[999999])).status_code == 404


# --- Interest form ---


@pytest.fixture
def screening(pitch):
    return PitchQuestion.objects.create(pitch=pitch, text="Capacité ?", required=True)


def test_interest_form_missing_required_answer_saves_nothing(client, pitch, screening, ess_member):
    client.force_login(ess_member)

    response = client.post(
        reverse("pitches:interest", args=[pitch.pk]),
        {f"answer_{screening.pk}": "", "group_mode": "alone"},
    )

    assert response.status_code == 200
    assert f"answer_{screening.pk}" in response.context["form"].errors
    assert Interest.objects.count() == 0


def test_interest_form_group_without_partners_saves_nothing(client, pitch, screening, ess_member):
    client.force_login(ess_member)

    response = client.post(
        reverse("pitches:interest", args=[pitch.pk]),
        {f"answer_{screening.pk}": "Oui", "group_mode": "group", "partners": ""},
    )

    assert "partners" in response.context["form"].errors
    assert Interest.objects.count() == 0


def test_interest_form_lot_required_when_pitch_has_lots(client, pitch, ess_member):
    pitch.lots.create(number=1, title="Lot")
    client.force_login(ess_member)

    response = client.post(reverse("pitches:interest", args=[pitch.pk]), {"group_mode": "alone"})

    assert "lots" in response.context["form"].errors
    assert Interest.objects.count() == 0


def test_interest_form_creates_then_edits(client, pitch, screening, ess_org, ess_member):
    client.force_login(ess_member)
    url = reverse("pitches:interest", args=[pitch.pk])

    client.post(
        url, {f"answer_{screening.pk}": "200", "group_mode": "alone", "wants_meeting": "on"}
    )
    client.post(url, {f"answer_{screening.pk}": "300", "group_mode": "alone", "message": "Merci"})

    interest = Interest.objects.get()
    assert (interest.organisation, interest.message, interest.wants_meeting) == (
        ess_org,
        "Merci",
        False,
    )
    assert list(interest.answers.values_list("text", flat=True)) == ["300"]


def test_interest_form_organisation_of_someone_else_refused(client, pitch, ess_org, ess_member):
    MembershipFactory(user=ess_member, organisation=OrganisationFactory())
    other = OrganisationFactory()
    client.force_login(ess_member)

    response = client.post(
        reverse("pitches:interest", args=[pitch.pk]),
        {"organisation": other.pk, "group_mode": "alone"},
    )

    assert "organisation" in response.context["form"].errors
    assert Interest.objects.count() == 0


def test_interest_withdraw_then_status_shown(client, pitch, ess_org, ess_member):
    interest = InterestFactory(pitch=pitch, organisation=ess_org)
    client.force_login(ess_member)

    client.post(reverse("pitches:interest_withdraw", args=[interest.pk]))

    interest.refresh_from_db()
    assert interest.status == InterestStatus.WITHDRAWN


def test_decline_without_reason_saves_nothing(client, pitch, ess_org, buyer):
    interest = InterestFactory(pitch=pitch, organisation=ess_org)
    client.force_login(buyer)

    response = client.post(reverse("pitches:interest_decline", args=[interest.pk]), {"reason": ""})

    interest.refresh_from_db()
    assert (response.status_code, interest.status) == (200, InterestStatus.SUBMITTED)


def test_structure_sees_decline_reason_on_pitch_and_my_interests(
    client, pitch, ess_org, ess_member, buyer
):
    interest = InterestFactory(pitch=pitch, organisation=ess_org)
    services.decline_interest(
        interest=interest, actor=buyer, reason="Lot trop éloigné de votre métier"
    )
    client.force_login(ess_member)

    detail = client.get(reverse("pitches:detail", args=[pitch.pk])).content.decode()
    mine = client.get(reverse("pitches:my_interests", args=[pitch.event.slug])).content.decode()

    assert "Lot trop éloigné de votre métier" in detail
    assert "Lot trop éloigné de votre métier" in mine


# --- Questions, answers and equal information ---


def test_question_empty_saves_nothing(client, pitch, ess_member):
    client.force_login(ess_member)

    response = client.post(reverse("pitches:question_ask", args=[pitch.pk]), {"text": "  "})

    assert response.status_code == 200
    assert Question.objects.count() == 0


def test_answer_empty_saves_nothing(client, pitch, ess_org, buyer):
    question = QuestionFactory(pitch=pitch, organisation=ess_org)
    client.force_login(buyer)

    response = client.post(reverse("pitches:question_answer", args=[question.pk]), {"answer": ""})

    question.refresh_from_db()
    assert (response.status_code, question.answered_at) == (200, None)


def test_answer_visible_to_every_interested_structure_including_later_ones(
    client, pitch, ess_org, ess_member, buyer
):
    services.express_interest(pitch=pitch, organisation=ess_org, actor=ess_member, answers={})
    first = OrganisationFactory(name="Première Coop")
    first_member = member_of(first)
    services.express_interest(pitch=pitch, organisation=first, actor=first_member, answers={})
    question = services.ask_question(
        pitch=pitch, organisation=ess_org, actor=ess_member, text="Quel volume ?"
    )
    services.answer_question(question=question, actor=buyer, answer="Mille repas par jour")
    later = OrganisationFactory(name="Arrivée Tardive")
    later_member = member_of(later)
    services.express_interest(pitch=pitch, organisation=later, actor=later_member, answers={})

    pages = {}
    for user in (ess_member, first_member, later_member):
        client.force_login(user)
        pages[user.pk] = client.get(reverse("pitches:detail", args=[pitch.pk])).content.decode()
        counts = client.get(reverse("pitches:my_interests", args=[pitch.event.slug])).context[
            "interests"
        ]
        assert [row.answer_count for row in counts] == [1]

    assert ["Mille repas par jour" in page for page in pages.values()] == [True, True, True]


def test_public_answer_never_names_the_asking_structure(client, pitch, buyer):
    asker = OrganisationFactory(name="Structure Curieuse")
    question = services.ask_question(
        pitch=pitch, organisation=asker, actor=member_of(asker), text="Quel volume ?"
    )
    services.answer_question(question=question, actor=buyer, answer="Mille")

    page = client.get(reverse("pitches:detail", args=[pitch.pk])).content.decode()

    assert ("Mille" in page, "Structure Curieuse" in page) == (True, False)


def test_unanswered_question_not_shown_to_other_structures(client, pitch, ess_org, ess_member):
    services.ask_question(
        pitch=pitch, organisation=ess_org, actor=ess_member, text="Question privée ?"
    )
    outsider = member_of(OrganisationFactory())
    client.force_login(outsider)

    page = client.get(reverse("pitches:detail", args=[pitch.pk])).content.decode()

    assert "Question privée ?" not in page


def test_non_interested_structure_has_no_private_view_of_the_pitch(
    client, pitch, ess_org, ess_member, buyer
):
    services.express_interest(pitch=pitch, organisation=ess_org, actor=ess_member, answers={})
    question = services.ask_question(pitch=pitch, organisation=ess_org, actor=ess_member, text="?")
    services.answer_question(question=question, actor=buyer, answer="Réponse")
    outsider = member_of(OrganisationFactory())
    client.force_login(outsider)

    mine = client.get(reverse("pitches:my_interests", args=[pitch.event.slug]))

    assert list(mine.context["interests"]) == []


def test_quiet_period_notice_and_no_interest_button(client, pitch, buyer, ess_member):
    services.launch_consultation(
        pitch=pitch, actor=buyer, launched_on=dt.date(2020, 1, 15), url="https://marches.example/42"
    )
    client.force_login(ess_member)

    page = client.get(reverse("pitches:detail", args=[pitch.pk])).content.decode()
    blocked = client.get(reverse("pitches:interest", args=[pitch.pk]), follow=True)
    no_question = client.get(reverse("pitches:question_ask", args=[pitch.pk]), follow=True)

    assert "https://marches.example/42" in page
    assert reverse("pitches:question_ask", args=[pitch.pk]) not in page
    for refused in (blocked, no_question):
        assert refused.redirect_chain == [(reverse("pitches:detail", args=[pitch.pk]), 302)]
        assert "consultation officielle" in refused.content.decode()
        assert "https://marches.example/42" in refused.content.decode()


def test_buyer_cannot_shortlist_or_decline_in_the_quiet_period(client, pitch, buyer, ess_member):
    interest = InterestFactory(pitch=pitch, organisation=ess_member.memberships.get().organisation)
    services.launch_consultation(
        pitch=pitch, actor=buyer, launched_on=dt.date(2020, 1, 15), url="https://marches.example/42"
    )
    client.force_login(buyer)

    review = client.get(reverse("pitches:interests", args=[pitch.pk])).content.decode()
    shortlist = client.post(reverse("pitches:interest_shortlist", args=[interest.pk]), follow=True)
    decline = client.post(
        reverse("pitches:interest_decline", args=[interest.pk]), {"reason": "Trop loin."}
    )

    interest.refresh_from_db()
    assert interest.status == InterestStatus.SUBMITTED
    assert reverse("pitches:interest_shortlist", args=[interest.pk]) not in review
    assert "consultation" in shortlist.content.decode()
    assert decline.status_code == 302


def test_consultation_form_requires_link(client, pitch, buyer):
    client.force_login(buyer)

    response = client.post(
        reverse("pitches:consultation", args=[pitch.pk]), {"launched_on": "2020-01-15", "url": ""}
    )

    pitch.refresh_from_db()
    assert (response.status_code, pitch.in_quiet_period) == (200, False)


def test_eligibility_shown_as_not_verified(client, event, buyer_org):
    pitch = PitchFactory(event=event, buyer=buyer_org, route=Route.RESERVED_SIAE)
    siae = OrganisationFactory(insertion_type="ei")
    client.force_login(member_of(siae))

    response = client.get(reverse("pitches:detail", args=[pitch.pk]))

    assert response.context["my_eligibility"] == [(siae, "not_verified")]


# --- CSV export ---


def test_log_csv_is_excel_friendly_french_and_in_event_time_zone(client, pitch, buyer, ess_org):
    pitch.event.time_zone = "America/Martinique"
    pitch.event.save()
    entry = SourcingLogEntry.objects.create(
        pitch=pitch,
        kind=LogKind.QUESTION,
        actor=buyer,
        organisation=ess_org,
        summary="Volume ; prix ?",
    )
    SourcingLogEntry.objects.filter(pk=entry.pk).update(
        at=dt.datetime(2019, 11, 26, 15, 30, tzinfo=dt.UTC)
    )
    client.force_login(buyer)

    response = client.get(reverse("pitches:log_csv", args=[pitch.pk]))

    raw = response.content
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Date", "Heure", "Type", "Organisation", "Personne", "Résumé"]
    assert rows[1][:2] == ["26/11/2019", "11:30"]
    assert rows[1][3:] == [ess_org.name, str(buyer), "Volume ; prix ?"]
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_log_csv_neutralises_cells_a_spreadsheet_would_run_as_formulas(
    client, pitch, buyer, ess_org
):
    ess_org.name = "@SUM(1+1)*cmd|' /C calc'!A0"
    ess_org.save()
    person = member_of(ess_org)
    person.first_name, person.last_name = '=HYPERLINK("https://evil.example","Clic")', ""
    person.save()
    SourcingLogEntry.objects.create(
        pitch=pitch, kind=LogKind.QUESTION, actor=person, organisation=ess_org, summary="-2+3"
    )
    SourcingLogEntry.objects.create(
        pitch=pitch, kind=LogKind.QUESTION, actor=buyer, organisation=None, summary="\tVolume"
    )
    client.force_login(buyer)

    response = client.get(reverse("pitches:log_csv", args=[pitch.pk]))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    cells = {cell for row in rows[1:] for cell in row[3:]}
    assert "'@SUM(1+1)*cmd|' /C calc'!A0" in cells
    assert '\'=HYPERLINK("https://evil.example","Clic")' in cells
    assert "'-2+3" in cells
    assert "'\tVolume" in cells
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
