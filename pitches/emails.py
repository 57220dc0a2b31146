"""The emails of the pitches app, sent through the outbox (notifications). Registered in
PitchesConfig.ready()."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core import sites
from notifications.kinds import Kind, render_email

from .enums import INTEREST_RECEIVES_ANSWERS
from .models import Question

QUESTION_ANSWERED = "pitches.question_answered"


def answer_recipients(question: Question):
    """The active members of every structure interested in the pitch, and of the asking one."""
    pitch = question.pitch
    interested = User.objects.filter(
        memberships__organisation__interests__pitch=pitch,
        memberships__organisation__interests__status__in=INTEREST_RECEIVES_ANSWERS,
        is_active=True,
    )
    asking = User.objects.filter(memberships__organisation=question.organisation, is_active=True)
    return User.objects.filter(pk__in=(interested | asking).values("pk")).order_by("pk")


def question_key(question_id: int) -> str:
    return f"question:{question_id}"


def _answered_question(message) -> Question | None:
    return (
        Question.objects.select_related("pitch", "organisation")
        .filter(pk=message.context["question_id"], answered_at__isnull=False)
        .first()
    )


def _answer_withhold_reason(message) -> str:
    question = _answered_question(message)
    if question is None:
        return "question deleted or unanswered"
    if not answer_recipients(question).filter(pk=message.recipient_id).exists():
        return "no longer interested in the pitch"
    return ""


def _render_answer(message):
    question = _answered_question(message)
    pitch = question.pitch
    subject = sites.email_subject(_("New answer on “%(title)s”") % {"title": pitch.title})
    context = {
        "title": pitch.title,
        "question": question.text,
        "answer": question.answer,
        "url": sites.absolute_url(reverse("pitches:detail", args=[pitch.pk])),
    }
    return render_email(subject, "pitches/email/question_answered", context)


KINDS = [
    Kind(
        QUESTION_ANSWERED,
        label=gettext_lazy("A question was answered on a pitch I follow"),
        render=_render_answer,
        withhold_reason=_answer_withhold_reason,
    )
]
