"""A registration's personal QR code (segno), shown on "My agenda" and printed on badges.

The code holds the registration's `checkin_token` (`Registration.checkin_code`, 32 upper-case hex
digits: unguessable, never the pk); the check-in desk reads it back with `parse_code`, whether a
camera decoded it or a USB scanner typed it.
"""

import uuid

import segno
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .models import Registration

# A USB scanner "types" with the keyboard layout of the computer it is plugged in. Set up as a
# QWERTY keyboard on a French AZERTY computer it types the digit keys' unshifted characters and
# the A key as Q: read those back too.
AZERTY_AS_QWERTY = str.maketrans("&é\"'(-è_çàqQ", "1234567890aa")


def qr_svg(registration: Registration, *, title: str = "") -> SafeString:
    """The registration's QR code as inline SVG (scalable: sized by CSS), error correction M,
    with the standard quiet zone of 4 modules."""
    return qr_of(registration.checkin_code, title=title)


def qr_of(text: str, *, title: str = "") -> SafeString:
    """Any text (a check-in code, a page's address) as an inline SVG QR code."""
    code = segno.make(text, error="m", micro=False)
    svg = code.svg_inline(
        scale=1, border=4, omitsize=True, title=title or None, svgclass="qr", lineclass=None
    )
    # segno's own markup: path data it computes, and the title, which it escapes (tested).
    return mark_safe(svg)  # nosec B308 B703


def badge(registration: Registration) -> dict:
    """What a badge shows (the badges page, its PDF and the organisers' print job): the person,
    the QR code and the code in groups of four, for a scanner that fails."""
    code = registration.checkin_code
    return {
        "registration": registration,
        "qr": qr_svg(registration, title=_("Check-in code")),
        "code": " ".join(code[i : i + 4] for i in range(0, len(code), 4)),
    }


BADGES_PER_SHEET = 4  # A6 badges on an A4 sheet, two by two


def sheets(registrations) -> list[list[dict]]:
    """The badges of `registrations`, four to an A4 sheet."""
    people = [badge(registration) for registration in registrations]
    return [people[i : i + BADGES_PER_SHEET] for i in range(0, len(people), BADGES_PER_SHEET)]


def parse_code(text: str) -> uuid.UUID | None:
    """The check-in token in what a scanner, a camera or a person typed, or None. Spaces and
    hyphens are ignored, case too; a code typed through an AZERTY layout is read back."""
    for candidate in (text, text.translate(AZERTY_AS_QWERTY)):
        cleaned = "".join(candidate.split()).replace("-", "")
        try:
            return uuid.UUID(hex=cleaned)
        except ValueError:
            continue
    return None
