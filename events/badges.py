"""A registration's personal QR code (segno), shown on "My agenda" and printed on badges.

The code holds the registration's `checkin_token` (`Registration.checkin_code`, 32 upper-case hex
digits: unguessable, never the pk); the check-in desk reads it back with `parse_code`, whether a
camera decoded it or a USB scanner typed it.
"""

import uuid

import segno
from django.utils.safestring import SafeString, mark_safe

from .models import Registration

# A USB scanner "types" with the keyboard layout of the computer it is plugged in. Set up as a
# QWERTY keyboard on a French AZERTY computer it types the digit keys' unshifted characters and
# the A key as Q: read those back too.
AZERTY_AS_QWERTY = str.maketrans("&é\"'(-è_çàqQ", "1234567890aa")


def qr_svg(registration: Registration, *, title: str = "") -> SafeString:
    """The registration's QR code as inline SVG (scalable: sized by CSS), error correction M,
    with the standard quiet zone of 4 modules."""
    code = segno.make(registration.checkin_code, error="m", micro=False)
    svg = code.svg_inline(
        scale=1, border=4, omitsize=True, title=title or None, svgclass="qr", lineclass=None
    )
    return mark_safe(svg)  # segno's own markup; it escapes the title


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
