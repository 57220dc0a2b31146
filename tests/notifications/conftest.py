import pytest

from pitches import services as pitch_services
from tests.factories import PitchFactory


@pytest.fixture
def eager_tasks():
    """Tasks run in the process, also on the real stack where REDIS_URL would send them to a
    worker."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


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
