"""Which files a pitch may have attached, and how large: the extension says the claimed format,
then `core.uploads` reads the whole file to check that it is one (not only its first bytes).

A renamed executable, a truncated PDF or a zip bomb is refused with a message that says why.
"""

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from core import uploads

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024

ALLOWED_TYPES = {
    "pdf": uploads.PDF,
    "png": uploads.PNG,
    "jpg": uploads.JPEG,
    "jpeg": uploads.JPEG,
    "odt": uploads.ODT,
    "ods": uploads.ODS,
    "docx": uploads.DOCX,
    "xlsx": uploads.XLSX,
}


def _allowed_list() -> str:
    return "PDF, ODT, DOCX, XLSX, ODS, PNG, JPEG"


def check_attachment(upload) -> None:
    """Raise a ValidationError with a clear message when the file may not be attached."""
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
    try:
        uploads.check_file(upload, file_type)
    except ValidationError as error:
        if error.code != "file_content":
            raise
        raise ValidationError(
            _(
                "The content of this file does not match its extension (.%(extension)s): "
                "it is not a real %(label)s file. Accepted formats: %(formats)s."
            )
            % {"extension": extension, "label": file_type.label, "formats": _allowed_list()},
            code="file_content",
        ) from None
