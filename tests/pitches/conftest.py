import pytest
from django.core.files.base import ContentFile

from accounts.models import Territory
from pitches.enums import AttachmentKind, PitchStatus
from pitches.models import Attachment, InterestAnswer, Lot, PitchQuestion
from tests.factories import InterestFactory, PitchFactory, QuestionFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def eager_tasks():
    """Run Celery tasks in-process even when the stack's Redis broker is configured."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def world(world):
    """Adds a published pitch of world.buyer_org (with a lot, a screening question and a
    document), an interest of world.ess_org in it, an unanswered question of world.ess_org, and
    a draft pitch of world.buyer_org."""
    event = world.event
    world.pitch = PitchFactory(event=event, buyer=world.buyer_org, title="Goûters bio")
    world.pitch.territories.set([Territory.objects.get(code="59")])
    world.lot = Lot.objects.create(pitch=world.pitch, number=1, title="Goûters")
    world.screening = PitchQuestion.objects.create(
        pitch=world.pitch, text="Quelle capacité de production ?", required=True
    )
    world.attachment = Attachment(
        pitch=world.pitch, title="Cahier des charges", kind=AttachmentKind.SPECIFICATION, size=40
    )
    world.attachment.file.save("cahier.pdf", ContentFile(PDF_BYTES), save=True)
    world.interest = InterestFactory(pitch=world.pitch, organisation=world.ess_org)
    world.interest.lots.set([world.lot])
    InterestAnswer.objects.create(interest=world.interest, question=world.screening, text="200/j")
    world.question = QuestionFactory(pitch=world.pitch, organisation=world.ess_org)
    world.draft = PitchFactory(
        event=event,
        buyer=world.buyer_org,
        title="Brouillon",
        status=PitchStatus.DRAFT,
        published_at=None,
    )
    return world
