"""The site's name and public address, for every email and every absolute link: one source,
`settings.SITE_NAME` and `settings.SITE_URL` (from the environment). allauth's emails get them
through accounts.adapter; the Sites framework's row is kept equal to them (core migrations), so
nothing says "example.com" or links to a host that does not serve the site."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings


@dataclass(frozen=True)
class SiteInfo:
    """What allauth's templates read as `current_site` (`name`, `domain`)."""

    name: str
    domain: str


def site_name() -> str:
    return settings.SITE_NAME


def site_domain() -> str:
    """The host (and port) of SITE_URL, e.g. "osez.example.org"."""
    return urlsplit(settings.SITE_URL).netloc


def current_site() -> SiteInfo:
    return SiteInfo(name=site_name(), domain=site_domain())


def absolute_url(location: str) -> str:
    """`location` (a path such as reverse() gives, or an absolute URL built from whichever host
    served the request) on the site's public address."""
    bits = urlsplit(location)
    path = (
        bits.path
        + (f"?{bits.query}" if bits.query else "")
        + (f"#{bits.fragment}" if bits.fragment else "")
    )
    return settings.SITE_URL.rstrip("/") + path


def email_subject(subject: str) -> str:
    """Every email's subject starts with the site's name in brackets, e.g. "[Osez] …"."""
    return f"[{site_name()}] {subject}"


def plain_subject(subject: str) -> str:
    """`subject` without the prefix email_subject() adds (for the notification centre)."""
    return subject.removeprefix(f"[{site_name()}] ")
