"""Every kind of email the apps register, written through its real service path and rendered in
French and English: the right link on the site's address, no stray template syntax, the footer, the
unsubscribe headers for kinds people may turn off, and a different text in each language.

Each app lists its kinds in tests/<app>/email_cases.py as `CASES = {kind name: build}`, where
`build(get)` makes the change that writes the message (through the services, with `get` =
pytest's getfixturevalue for the shared fixtures of tests/conftest.py) and returns the
OutboxMessage. A registered kind without a case fails `test_every_kind_has_a_case`."""

import importlib

import pytest
from django.conf import settings as django_settings
from django.test import override_settings

from core import sites
from notifications.kinds import KINDS
from notifications.services import build_email

APPS = ("accounts", "events", "pitches", "matching", "workshops")


def _cases() -> dict:
    cases = {}
    for app in APPS:
        try:
            module = importlib.import_module(f"tests.{app}.email_cases")
        except ModuleNotFoundError:
            continue
        cases.update(module.CASES)
    return cases


CASES = _cases()
STRAY = ("{{", "}}", "{%", "%}", "{#", "#}")


def test_every_kind_has_a_case():
    assert sorted(set(KINDS) - set(CASES)) == []


def _render(message, language: str):
    """Rendered in `language`: the recipient's, or for a bare address, the site's."""
    if message.recipient_id:
        message.recipient.language = language
        message.recipient.save(update_fields=["language"])
    kind = KINDS[message.kind]
    with override_settings(LANGUAGE_CODE=language):
        email = build_email(message, kind)
    html = email.alternatives[0][0]
    return kind, email, html


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(CASES))
def test_kind_renders_in_french_and_english(name, request, settings):
    settings.SITE_URL = "https://osez.example.org"
    message = CASES[name](request.getfixturevalue)
    assert message is not None and message.kind == name, f"{name}: the case wrote no message"
    assert not KINDS[name].withhold_reason(message), "the fresh message would be withheld"
    subjects = {}
    for language, _label in django_settings.LANGUAGES:
        kind, email, html = _render(message, language)
        rendered = KINDS[name].render(message)
        subjects[language] = email.subject
        assert email.subject.startswith(f"[{sites.site_name()}] ")
        assert rendered.url.startswith("https://osez.example.org/"), rendered.url
        assert rendered.url in email.body, f"{language}: no link in the text"
        assert rendered.url.replace("&", "&amp;") in html, f"{language}: no link in the HTML"
        assert f'<html lang="{language}">' in html
        for part in (email.subject, email.body, html):
            assert not any(mark in part for mark in STRAY), f"{language}: stray template syntax"
        assert email.to == [message.to]
        if kind.optional and message.recipient_id:
            assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
            assert email.extra_headers["List-Unsubscribe"].startswith(
                "<https://osez.example.org/notifications/unsubscribe/"
            )
        else:
            assert "List-Unsubscribe" not in email.extra_headers
        email.message().as_bytes()  # the whole MIME message, attachments included, serialises
    assert subjects["fr"] != subjects["en"], "the subject is not translated"
