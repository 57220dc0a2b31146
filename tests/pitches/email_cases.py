"""The pitches app's kinds of email, for tests/notifications/test_every_kind.py."""

from notifications.models import OutboxMessage
from pitches import emails
from pitches import services as pitch_services
from tests.factories import PitchFactory


def question_answered(get) -> OutboxMessage:
    pitch = PitchFactory(event=get("event"), buyer=get("buyer_org"))
    ess_member = get("ess_member")
    answers = {q.pk: "Oui" for q in pitch.screening_questions.all()}
    pitch_services.express_interest(
        pitch=pitch, organisation=get("ess_org"), actor=ess_member, answers=answers
    )
    question = pitch_services.ask_question(
        pitch=pitch, organisation=get("ess_org"), actor=ess_member, text="Quel volume ?"
    )
    pitch_services.answer_question(question=question, actor=get("buyer"), answer="Deux tonnes")
    return OutboxMessage.objects.get(kind=emails.QUESTION_ANSWERED, recipient=ess_member)


def _interest(get):
    get("buyer")  # the buyer organisation's member, who is told
    pitch = PitchFactory(event=get("event"), buyer=get("buyer_org"))
    answers = {q.pk: "Oui" for q in pitch.screening_questions.all()}
    return pitch_services.express_interest(
        pitch=pitch,
        organisation=get("ess_org"),
        actor=get("ess_member"),
        answers=answers,
        message="Nous livrons déjà trois collèges.",
    )


def interest_received(get) -> OutboxMessage:
    _interest(get)
    return OutboxMessage.objects.get(kind=emails.INTEREST_RECEIVED, recipient=get("buyer"))


def shortlisted(get) -> OutboxMessage:
    interest = _interest(get)
    pitch_services.shortlist_interest(interest=interest, actor=get("buyer"))
    return OutboxMessage.objects.get(kind=emails.SHORTLISTED, recipient=get("ess_member"))


def declined(get) -> OutboxMessage:
    interest = _interest(get)
    pitch_services.decline_interest(
        interest=interest, actor=get("buyer"), reason="Volumes trop importants pour ce lot."
    )
    return OutboxMessage.objects.get(kind=emails.DECLINED, recipient=get("ess_member"))


CASES = {
    emails.QUESTION_ANSWERED: question_answered,
    emails.INTEREST_RECEIVED: interest_received,
    emails.SHORTLISTED: shortlisted,
    emails.DECLINED: declined,
}
