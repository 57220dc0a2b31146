"""Background jobs of the pitches app. Tasks take ids, are queued on commit and are idempotent."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from core.locking import lock, locked_transaction

from .enums import INTEREST_RECEIVES_ANSWERS
from .models import Question


def answer_recipients(question: Question) -> list[str]:
    """Emails of the members of every structure interested in the pitch, and of the asking one."""
    pitch = question.pitch
    users = User.objects.filter(
        memberships__organisation__interests__pitch=pitch,
        memberships__organisation__interests__status__in=INTEREST_RECEIVES_ANSWERS,
        is_active=True,
    ) | User.objects.filter(memberships__organisation=question.organisation, is_active=True)
    return sorted(set(users.values_list("email", flat=True)))


@shared_task(name="pitches.notify_answer")
def notify_answer(question_id: int) -> int:
    """Email a published answer to every interested structure; does nothing the second time.

    Returns the number of emails sent."""
    with locked_transaction():
        question = (
            lock(Question.objects)
            .select_related("pitch", "pitch__event", "organisation")
            .filter(pk=question_id)
            .first()
        )
        if question is None or question.answered_at is None or question.answer_notified_at:
            return 0
        pitch = question.pitch
        url = settings.SITE_URL.rstrip("/") + reverse("pitches:detail", args=[pitch.pk])
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("[Osez] New answer on “%(title)s”") % {"title": pitch.title}
            body = _(
                "The buyer has answered a question on the need “%(title)s”. The answer is "
                "published to every interested structure.\n\nQuestion: %(question)s\n\n"
                "Answer: %(answer)s\n\nSee the pitch: %(url)s\n"
            ) % {
                "title": pitch.title,
                "question": question.text,
                "answer": question.answer,
                "url": url,
            }
        recipients = answer_recipients(question)
        messages = [(subject, body, None, [email]) for email in recipients]
        sent = send_mass_mail(messages, fail_silently=False) if messages else 0
        question.answer_notified_at = timezone.now()
        question.save(update_fields=["answer_notified_at"])
    return sent


@shared_task(name="pitches.start_due_quiet_periods")
def start_due_quiet_periods() -> int:
    """Periodic (Celery beat): start the quiet period of every pitch whose consultation launch
    date has come. Idempotent: each pitch is re-read under lock and started once. Returns how many
    started."""
    from . import services  # services import this module's tasks when they queue them

    return sum(services.start_quiet_period(pitch_id=pk) for pk in services.due_quiet_periods())
