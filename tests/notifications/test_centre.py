"""The notification centre, email preferences, one-click unsubscribe (RFC 8058) and the language of
a person's emails, through the pages."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from notifications import services
from notifications.enums import PREFERENCE_REASON, MessageState
from notifications.models import OutboxMessage
from notifications.tasks import send
from pitches import services as pitch_services
from pitches.emails import QUESTION_ANSWERED


@pytest.fixture
def answered(question, buyer):
    pitch_services.answer_question(question=question, actor=buyer, answer="Deux tonnes")
    return question


def _mine(user):
    return OutboxMessage.objects.get(recipient=user, kind=QUESTION_ANSWERED)


def test_a_kind_turned_off_is_withheld_but_shown_in_the_centre(
    client, ess_member, answered, mailoutbox
):
    client.force_login(ess_member)
    response = client.post(reverse("notifications:preferences"), {})  # every box unticked

    assert response.status_code == 302
    assert services.wants(ess_member, QUESTION_ANSWERED) is False
    message = _mine(ess_member)
    send(message.pk)
    message.refresh_from_db()
    assert (message.state, message.reason) == (MessageState.WITHHELD, PREFERENCE_REASON)
    assert ess_member.email not in [to for email in mailoutbox for to in email.to]

    page = client.get(reverse("notifications:centre")).content.decode()
    assert "Nouvelle réponse sur" in page


def test_preferences_page_shows_each_optional_kind_ticked_by_default(client, ess_member):
    client.force_login(ess_member)
    page = client.get(reverse("notifications:preferences")).content.decode()

    assert 'name="pitches.question_answered"' in page
    assert "checked" in page


def test_centre_lists_marks_read_and_the_header_counts(client, ess_member, answered):
    send(_mine(ess_member).pk)
    client.force_login(ess_member)

    home = client.get(reverse("accounts:dashboard")).content.decode()
    assert 'id="notification-badge"' in home
    assert "1 non lue" in home

    page = client.get(reverse("notifications:centre")).content.decode()
    assert "Nouveau" in page  # shown as new this once
    assert _mine(ess_member).read_at is not None
    home = client.get(reverse("accounts:dashboard")).content.decode()
    assert "non lue" not in home


def test_mark_all_read(client, ess_member, answered):
    client.force_login(ess_member)
    assert client.post(reverse("notifications:centre")).status_code == 302
    assert _mine(ess_member).read_at is not None


def test_a_message_not_yet_due_is_not_shown(client, ess_member, answered):
    from datetime import timedelta

    from django.utils import timezone

    OutboxMessage.objects.update(due_at=timezone.now() + timedelta(hours=1))
    client.force_login(ess_member)
    assert "Nouvelle réponse" not in client.get(reverse("notifications:centre")).content.decode()


def test_one_click_unsubscribe_without_a_session_or_csrf_token(ess_member, answered):
    url = services.unsubscribe_url(ess_member, QUESTION_ANSWERED)
    path = url.split("://", 1)[1].split("/", 1)[1]
    stranger = Client(enforce_csrf_checks=True)

    confirm = stranger.get(f"/{path}")
    assert confirm.status_code == 200
    assert services.wants(ess_member, QUESTION_ANSWERED) is True  # a GET changes nothing

    done = stranger.post(
        f"/{path}", "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert done.status_code == 200
    assert services.wants(ess_member, QUESTION_ANSWERED) is False


def test_a_tampered_unsubscribe_token_is_refused(ess_member, answered):
    url = services.unsubscribe_url(ess_member, QUESTION_ANSWERED)
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    tampered = path[:-3] + ("AAA/" if not path.endswith("AAA/") else "BBB/")

    response = Client().post(tampered)
    assert response.status_code == 404
    assert "lien" in response.content.decode()
    assert services.wants(ess_member, QUESTION_ANSWERED) is True


def test_email_footer_links_to_preferences_and_unsubscribe(ess_member, answered, mailoutbox):
    send(_mine(ess_member).pk)
    [email] = [e for e in mailoutbox if e.to == [ess_member.email]]
    assert "/notifications/preferences/" in email.body
    assert "/notifications/unsubscribe/" in email.body
    assert email.extra_headers["Auto-Submitted"] == "auto-generated"


def test_switching_the_page_language_sets_the_email_language(client, ess_member):
    client.force_login(ess_member)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    ess_member.refresh_from_db()
    assert ess_member.language == "en"

    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    ess_member.refresh_from_db()
    assert ess_member.language == "en"


def test_the_profile_form_sets_the_email_language(client, ess_member):
    client.force_login(ess_member)
    client.post(
        reverse("accounts:profile_edit"),
        {"first_name": "Ana", "last_name": "B", "language": "en"},
    )
    assert User.objects.get(pk=ess_member.pk).language == "en"


def test_set_preferences_ignores_unknown_kinds(ess_member):
    services.set_preferences(user=ess_member, choices={"no.such.kind": False})
    assert not ess_member.email_preferences.exists()


def test_muted_writes_nothing(question, buyer):
    with services.muted():
        pitch_services.answer_question(question=question, actor=buyer, answer="Oui")
    assert not OutboxMessage.objects.exists()
