"""The kinds of message, registered by the app that owns each (in its `AppConfig.ready()`):
notifications never imports the apps above it.

A kind says
- how to render a message (`render(message) -> Email`, called in the recipient's language; the
  `url` is where the message leads on the site, for the email and the notification centre);
- whether it still makes sense at send time (`withhold_reason(message) -> str`, empty when it does;
  otherwise the message is withheld with that reason);
- its `label`, shown in the person's email preferences and the organisers' counts;
- whether people may turn its emails off (`optional`) and whether it is on until they choose
  (`default_on`). A kind that is not optional (an invitation, a registration decision) carries no
  unsubscribe header.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise


@dataclass(frozen=True)
class Email:
    subject: str
    text: str
    html: str
    url: str = ""
    # Files to attach: (filename, content, mimetype), e.g. an .ics.
    attachments: tuple[tuple[str, bytes | str, str], ...] = field(default=())
    # More versions of the body beside the text and the HTML, in multipart/alternative:
    # (content, mimetype), e.g. an iTIP invitation ("text/calendar; method=REQUEST") that mail
    # clients show with "add to calendar".
    alternatives: tuple[tuple[str, str], ...] = field(default=())


@dataclass(frozen=True)
class Kind:
    name: str
    label: str | Promise
    render: Callable[..., Email]
    withhold_reason: Callable[..., str]
    optional: bool = True
    default_on: bool = True


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Register `kind` once (ready() may run more than once in tests)."""
    KINDS.setdefault(kind.name, kind)
    return kind


def never_withheld(message) -> str:
    """For kinds that always make sense once written."""
    return ""


def render_email(
    subject: str, template: str, context: dict, attachments=(), alternatives=()
) -> Email:
    """`template`.txt and `template`.html rendered with `context` (plus the subject); the HTML
    one extends notifications/email.html (the site's name, the language, a readable layout). The
    context's `url` is the message's link."""
    from django.template.loader import render_to_string

    context = {**context, "subject": subject}
    return Email(
        subject=subject,
        text=render_to_string(f"{template}.txt", context),
        html=render_to_string(f"{template}.html", context),
        url=context.get("url", ""),
        attachments=tuple(attachments),
        alternatives=tuple(alternatives),
    )
