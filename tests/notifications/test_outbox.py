"""The outbox: rows written with the change, sent once, withheld when they no longer make sense,
swept after a broker outage. The question-answered email (pitches) is the real kind used here."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core import sites
from notifications import services
from notifications.enums import MessageState
from notifications.models import OutboxMessage
from notifications.tasks import send, sweep
from pitches import services as pitch_services
from pitches.emails import QUESTION_ANSWERED, question_key
from tests.conftest import closed_port
from tests.factories import MembershipFactory, OrganisationFactory


def answer(question, buyer):
    return pitch_services.answer_question(question=question, actor=buyer, answer="Cent tonnes")


def states() -> list[str]:
    return list(OutboxMessage.objects.order_by("pk").values_list("state", flat=True))


def test_answer_writes_one_row_per_recipient_in_the_transaction(
    question, buyer, ess_org, ess_member
):
    colleague = MembershipFactory(organisation=ess_org).user

    answer(question, buyer)

    rows = OutboxMessage.objects.order_by("recipient_id")
    assert [(r.kind, r.object_key, r.state) for r in rows] == [
        (QUESTION_ANSWERED, question_key(question.pk), MessageState.QUEUED)
    ] * 2
    assert sorted(r.recipient_id for r in rows) == sorted([ess_member.pk, colleague.pk])


def test_answer_is_sent_on_commit_in_html_and_text(
    question, buyer, eager_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer(question, buyer)

    [email] = mailoutbox
    html, mimetype = email.alternatives[0]
    url = sites.absolute_url(reverse("pitches:detail", args=[question.pitch_id]))
    assert (email.subject.startswith("[Osez] "), mimetype) == (True, "text/html")
    assert url in email.body
    assert url in html
    assert "Cent tonnes" in html
    assert "{%" not in email.body + html
    assert states() == [MessageState.SENT]


def test_enqueue_same_key_twice_writes_one_row(question, buyer, ess_member):
    answer(question, buyer)

    again = services.enqueue(
        recipients=[ess_member],
        kind=QUESTION_ANSWERED,
        object_key=question_key(question.pk),
        context={"question_id": question.pk},
    )

    assert (again, OutboxMessage.objects.count()) == ([], 1)


def test_send_delivered_twice_sends_once(question, buyer, mailoutbox):
    answer(question, buyer)
    message = OutboxMessage.objects.get()

    first = send(message.pk)
    second = send(message.pk)

    assert (first, second, len(mailoutbox)) == (MessageState.SENT, MessageState.SENT, 1)


def test_send_withholds_when_the_interest_was_withdrawn(pitch, question, buyer, mailoutbox):
    other_org = OrganisationFactory()
    other = MembershipFactory(organisation=other_org).user
    interest = pitch_services.express_interest(
        pitch=pitch, organisation=other_org, actor=other, answers={}
    )
    answer(question, buyer)
    pitch_services.withdraw_interest(interest=interest, actor=other)
    withheld = OutboxMessage.objects.get(recipient=other)

    assert send(withheld.pk) == MessageState.WITHHELD
    withheld.refresh_from_db()
    assert (withheld.reason, len(mailoutbox)) == ("no longer interested in the pitch", 0)


def test_send_withholds_when_the_question_is_gone(question, buyer, mailoutbox):
    answer(question, buyer)
    message = OutboxMessage.objects.get()
    question.delete()

    assert (send(message.pk), len(mailoutbox)) == (MessageState.WITHHELD, 0)


def test_sweep_after_broker_outage_sends_every_email_once(
    question, buyer, ess_org, eager_tasks, mailoutbox
):
    MembershipFactory.create_batch(3, organisation=ess_org)
    answer(question, buyer)  # committed without its tasks: the broker was down
    OutboxMessage.objects.update(created_at=timezone.now() - timedelta(minutes=2))

    woken = sweep()
    again = sweep()

    assert (woken, again) == (4, 0)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        OutboxMessage.objects.values_list("recipient__email", flat=True)
    )
    assert states() == [MessageState.SENT] * 4


def test_sweep_leaves_fresh_rows_to_their_own_task(question, buyer, eager_tasks, mailoutbox):
    answer(question, buyer)

    assert (sweep(), len(mailoutbox)) == (0, 0)


def test_sweep_requeues_a_row_stuck_in_sending(question, buyer, eager_tasks, mailoutbox):
    answer(question, buyer)
    long_ago = timezone.now() - timedelta(hours=1)
    OutboxMessage.objects.update(
        state=MessageState.SENDING, sending_since=long_ago, created_at=long_ago
    )

    sweep()

    assert (states(), len(mailoutbox)) == ([MessageState.SENT], 1)


def test_send_transient_smtp_error_queues_again_later(question, buyer, settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": closed_port(), "timeout": 2},
        }
    }
    answer(question, buyer)
    message = OutboxMessage.objects.get()

    state = send(message.pk)

    message.refresh_from_db()
    assert (state, message.attempts) == (MessageState.QUEUED, 1)
    assert message.due_at > timezone.now()


def test_send_gives_up_after_the_last_attempt(question, buyer, settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": closed_port(), "timeout": 2},
        }
    }
    answer(question, buyer)
    OutboxMessage.objects.update(attempts=services.MAX_ATTEMPTS - 1)
    message = OutboxMessage.objects.get()

    assert send(message.pk) == MessageState.FAILED


def test_answer_with_the_broker_down_succeeds_and_keeps_the_rows(
    client, question, buyer, broker_down, django_capture_on_commit_callbacks, caplog
):
    client.force_login(buyer)
    caplog.set_level("WARNING", logger="notifications.services")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("pitches:question_answer", args=[question.pk]), {"answer": "Oui"}
        )

    assert response.status_code == 302
    assert states() == [MessageState.QUEUED]
    assert [r.getMessage() for r in caplog.records if r.name == "notifications.services"] == [
        "outbox: broker unavailable, 1 messages left for the sweep"
    ]


@pytest.mark.parametrize(
    ("language", "words"), [("fr", "L'acheteur a répondu"), ("en", "The buyer has answered")]
)
def test_answer_email_is_rendered_in_the_recipients_language(
    question, buyer, mailoutbox, language, words
):
    User.objects.update(language=language)
    answer(question, buyer)

    send(OutboxMessage.objects.get().pk)

    [email] = mailoutbox
    html = email.alternatives[0][0]
    assert words in email.body
    assert words in html
    assert f'<html lang="{language}">' in html
    assert "{{" not in email.body + html


def test_send_fails_a_message_of_an_unknown_kind(question, buyer, mailoutbox):
    answer(question, buyer)
    OutboxMessage.objects.update(kind="gone.kind")

    assert (send(OutboxMessage.objects.get().pk), len(mailoutbox)) == (MessageState.FAILED, 0)


def test_email_message_id_is_the_rows_and_the_same_at_every_attempt(question, buyer, mailoutbox):
    answer(question, buyer)
    message = OutboxMessage.objects.get()
    kind = services.KINDS[message.kind]

    first = services.build_email(message, kind).message()["Message-ID"]
    again = services.build_email(message, kind).message()["Message-ID"]
    send(message.pk)

    assert first == again == f"<outbox-{message.pk}@127.0.0.1>"
    assert mailoutbox[0].message()["Message-ID"] == first
