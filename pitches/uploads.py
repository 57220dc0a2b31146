"""Checks on uploaded attachments: extension AND content (first bytes), and size.

A renamed executable is refused because its first bytes are not those of the claimed format.
"""

import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class FileType:
    label: str
    magic: bytes
    # For ZIP-based office formats: a member whose presence (or content) tells the format apart.
    zip_marker: str = ""
    zip_mimetype: str = ""


PDF = FileType("PDF", b"%PDF-")
PNG = FileType("PNG", b"\x89PNG\r\n\x1a\n")
JPEG = FileType("JPEG", b"\xff\xd8\xff")
ODT = FileType("ODT", b"PK\x03\x04", zip_mimetype="application/vnd.oasis.opendocument.text")
ODS = FileType("ODS", b"PK\x03\x04", zip_mimetype="application/vnd.oasis.opendocument.spreadsheet")
DOCX = FileType("DOCX", b"PK\x03\x04", zip_marker="word/")
XLSX = FileType("XLSX", b"PK\x03\x04", zip_marker="xl/")

ALLOWED_TYPES = {
    "pdf": PDF,
    "png": PNG,
    "jpg": JPEG,
    "jpeg": JPEG,
    "odt": ODT,
    "ods": ODS,
    "docx": DOCX,
    "xlsx": XLSX,
}


def _allowed_list() -> str:
    return "PDF, ODT, DOCX, XLSX, ODS, PNG, JPEG"


def _zip_matches(upload, file_type: FileType) -> bool:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if file_type.zip_mimetype:
                return (
                    "mimetype" in names
                    and archive.read("mimetype").decode("ascii", "replace").strip()
                    == file_type.zip_mimetype
                )
            return any(name.startswith(file_type.zip_marker) for name in names)
    except (zipfile.BadZipFile, OSError, KeyError):
        return False
    finally:
        upload.seek(0)


def check_attachment(upload) -> None:
    """Raise a ValidationError with a clear French message when the file may not be attached."""
    name = getattr(upload, "name", "") or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    file_type = ALLOWED_TYPES.get(extension)
    if file_type is None:
        raise ValidationError(
            _("This type of file is not accepted. Accepted formats: %(formats)s.")
            % {"formats": _allowed_list()},
            code="file_type",
        )
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("This file is too large (%(size)s). The maximum is %(max)s.")
            % {"size": filesizeformat(upload.size), "max": filesizeformat(MAX_ATTACHMENT_BYTES)},
            code="file_size",
        )
    if upload.size == 0:
        raise ValidationError(_("This file is empty."), code="file_empty")
    upload.seek(0)
    head = upload.read(len(file_type.magic))
    upload.seek(0)
    content_ok = head == file_type.magic
    if content_ok and (file_type.zip_marker or file_type.zip_mimetype):
        content_ok = _zip_matches(upload, file_type)
    if not content_ok:
        raise ValidationError(
            _(
                "The content of this file does not match its extension (.%(extension)s): "
                "it is not a real %(label)s file. Accepted formats: %(formats)s."
            )
            % {"extension": extension, "label": file_type.label, "formats": _allowed_list()},
            code="file_content",
        )
