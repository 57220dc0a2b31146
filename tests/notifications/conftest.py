import pytest

from pitches import services as pitch_services
from tests.factories import PitchFactory


@pytest.fixture
def pitch(event, buyer_org):
    return PitchFactory(event=event, buyer=buyer_org)


@pytest.fixture
def interest(pitch, ess_org, ess_member):
    answers = {q.pk: "Oui" for q in pitch.screening_questions.all()}
    return pitch_services.express_interest(
        pitch=pitch, organisation=ess_org, actor=ess_member, answers=answers
    )


@pytest.fixture
def question(pitch, interest, ess_org, ess_member):
    return pitch_services.ask_question(
        pitch=pitch, organisation=ess_org, actor=ess_member, text="Quel volume ?"
    )
