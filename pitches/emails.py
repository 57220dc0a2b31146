"""The emails of the pitches app, sent through the outbox (notifications). Registered in
PitchesConfig.ready()."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core import sites
from notifications import services as outbox
from notifications.kinds import Kind, render_email

from .enums import INTEREST_ACTIVE, INTEREST_RECEIVES_ANSWERS, InterestStatus
from .models import Interest, Question, SourcingLogEntry

QUESTION_ANSWERED = "pitches.question_answered"
INTEREST_RECEIVED = "pitches.interest_received"
SHORTLISTED = "pitches.shortlisted"
DECLINED = "pitches.declined"


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


# --- Interests: received (to the buyer), shortlisted or declined (to the structure) --------------


def members(organisation):
    return User.objects.filter(memberships__organisation=organisation, is_active=True).order_by(
        "pk"
    )


def enqueue_interest_move(interest: Interest, kind: str, entry: SourcingLogEntry) -> None:
    """Queue `kind` about `interest`, one message per active member of the organisation told
    (the buyer for a new interest, the structure for a decision). The version is the sourcing
    log line of this move, so a structure declined, shortlisted and declined again hears each
    time, and a duplicated call never twice."""
    told = interest.pitch.buyer if kind == INTEREST_RECEIVED else interest.organisation
    outbox.enqueue(
        recipients=members(told),
        kind=kind,
        object_key=f"interest:{interest.pk}",
        version=entry.pk,
        context={"interest_id": interest.pk, "reason": interest.decline_reason},
        event_id=interest.pitch.event_id,
    )


def _interest(message) -> Interest | None:
    return (
        Interest.objects.select_related("pitch__event", "organisation")
        .filter(pk=message.context["interest_id"])
        .first()
    )


def _interest_withholder(statuses, reason: str):
    def withhold_reason(message) -> str:
        interest = _interest(message)
        if interest is None:
            return "interest deleted"
        return "" if interest.status in statuses else reason

    return withhold_reason


def _render_interest_received(message):
    interest = _interest(message)
    pitch = interest.pitch
    subject = sites.email_subject(
        _("%(organisation)s is interested in “%(title)s”")
        % {"organisation": interest.organisation.name, "title": pitch.title}
    )
    context = {
        "title": pitch.title,
        "organisation": interest.organisation.name,
        "message": interest.message,
        "url": sites.absolute_url(reverse("pitches:interests", args=[pitch.pk])),
    }
    return render_email(subject, "pitches/email/interest_received", context)


def _render_decision(message):
    interest = _interest(message)
    pitch = interest.pitch
    if message.kind == SHORTLISTED:
        subject = _("Your structure is shortlisted for “%(title)s”")
    else:
        subject = _("Your interest in “%(title)s” was declined")
    context = {
        "title": pitch.title,
        "buyer": pitch.buyer.name,
        "organisation": interest.organisation.name,
        "reason": message.context.get("reason", ""),
        "url": sites.absolute_url(reverse("pitches:my_interests", args=[pitch.event.slug])),
    }
    template = message.kind.removeprefix("pitches.")
    return render_email(
        sites.email_subject(subject % {"title": pitch.title}),
        f"pitches/email/{template}",
        context,
    )


KINDS = [
    Kind(
        QUESTION_ANSWERED,
        label=gettext_lazy("A question was answered on a pitch I follow"),
        render=_render_answer,
        withhold_reason=_answer_withhold_reason,
    ),
    Kind(
        INTEREST_RECEIVED,
        label=gettext_lazy("A structure showed interest in my pitch"),
        render=_render_interest_received,
        withhold_reason=_interest_withholder(INTEREST_ACTIVE, "interest withdrawn"),
    ),
    Kind(
        SHORTLISTED,
        label=gettext_lazy("My structure was shortlisted for a pitch"),
        render=_render_decision,
        withhold_reason=_interest_withholder({InterestStatus.SHORTLISTED}, "no longer shortlisted"),
    ),
    Kind(
        DECLINED,
        label=gettext_lazy("My structure's interest in a pitch was declined"),
        render=_render_decision,
        withhold_reason=_interest_withholder({InterestStatus.DECLINED}, "no longer declined"),
    ),
]
