"""The kinds of email, registered by the app that owns each (in its `AppConfig.ready()`):
notifications never imports the apps above it.

A kind says how to render a message (`render(message) -> Email`, called in the recipient's
language) and whether it still makes sense at send time (`withhold_reason(message) -> str`, empty
when it does; otherwise the message is withheld with that reason)."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Email:
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class Kind:
    name: str
    render: Callable[..., Email]
    withhold_reason: Callable[..., str]


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Register `kind` once (ready() may run more than once in tests)."""
    KINDS.setdefault(kind.name, kind)
    return kind


def render_email(subject: str, template: str, context: dict) -> Email:
    """`template`.txt and `template`.html rendered with `context` (plus the subject); the HTML
    one extends notifications/email.html (the site's name, the language, a readable layout)."""
    from django.template.loader import render_to_string

    context = {**context, "subject": subject}
    return Email(
        subject=subject,
        text=render_to_string(f"{template}.txt", context),
        html=render_to_string(f"{template}.html", context),
    )
