"""Uploaded files read through, not only their first bytes: the one place that says whether a
file really is what its type claims.

Each check opens the whole file with a real reader of its format and raises a `ValidationError`
whose message says what is wrong and what to do:

- PDF: pypdf reads the cross-reference table and every page's content; a password-protected PDF
  is refused (one that opens without a password, with restrictions only, is accepted).
- Images: Pillow checks the structure (`verify()`), then decodes every pixel (`load()`); the
  dimensions are checked before decoding, so a small file that unpacks into a huge picture
  (a "decompression bomb") is refused without being decoded.
- ZIP-based documents (DOCX, XLSX, ODT, ODS): every member is unpacked and its checksum
  verified, counting the bytes as they come out, so an archive that unpacks into far more than
  it says (a zip bomb) stops at `MAX_UNPACKED_BYTES`; the parts that name the format must be
  there (OpenDocument's `mimetype`, Office's `[Content_Types].xml`); a macro-enabled Office
  file is refused. XLSX workbooks are then opened by `core.spreadsheets`' reader.

Which types a form accepts and how large a file may be are the form's rules (pitch attachments:
`pitches/uploads.py`; logos: `accounts/forms.py`; imports: `events/forms.py`).
"""

import contextlib
import io
import logging
import threading
import warnings
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, UnidentifiedImageError

from . import spreadsheets

log = logging.getLogger(__name__)

# Pixels of an image once decoded (width × height): 40 million is a 7,300 × 5,500 photo, about
# 120 MB in memory as RGB.
MAX_IMAGE_PIXELS = 40_000_000
# Bytes a ZIP-based document may unpack to, all members together, and how many members.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ZIP_MEMBERS = 5000
# Pages of a PDF read through.
MAX_PDF_PAGES = 3000

ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Format:
    label: str
    magic: bytes
    kind: str  # "pdf", "image", "opendocument", "office"
    # OpenDocument: the `mimetype` member; Office Open XML: the main part's content type.
    mimetype: str = ""
    pillow_format: str = ""


PDF = Format("PDF", b"%PDF-", "pdf")
PNG = Format("PNG", b"\x89PNG\r\n\x1a\n", "image", pillow_format="PNG")
JPEG = Format("JPEG", b"\xff\xd8\xff", "image", pillow_format="JPEG")
WEBP = Format("WebP", b"RIFF", "image", pillow_format="WEBP")
ODT = Format("ODT", ZIP_MAGIC, "opendocument", "application/vnd.oasis.opendocument.text")
ODS = Format("ODS", ZIP_MAGIC, "opendocument", "application/vnd.oasis.opendocument.spreadsheet")
DOCX = Format(
    "DOCX",
    ZIP_MAGIC,
    "office",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
)
XLSX = Format(
    "XLSX",
    ZIP_MAGIC,
    "office",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
)


def _damaged(file_format: Format) -> ValidationError:
    return ValidationError(
        _(
            "This %(label)s file could not be read: it is damaged or incomplete. Open it, save "
            "it again as %(label)s and try again."
        )
        % {"label": file_format.label},
        code="file_damaged",
    )


def _mismatch(file_format: Format) -> ValidationError:
    return ValidationError(
        _("The content of this file is not that of a %(label)s file.")
        % {"label": file_format.label},
        code="file_content",
    )


def _read_all(upload) -> bytes:
    upload.seek(0)
    try:
        return upload.read()
    finally:
        upload.seek(0)


def check_file(upload, file_format: Format) -> None:
    """Raise a `ValidationError` unless the whole of `upload` is a readable `file_format` file.
    The caller has already checked the extension and the size.

    A file that passed is marked, so that the service after the form does not read it again
    (a large workbook takes seconds: `core.spreadsheets.check_workbook`)."""
    if getattr(upload, "_osez_checked_as", None) == file_format:
        return
    data = _read_all(upload)
    if not data.startswith(file_format.magic):
        raise _mismatch(file_format)
    if file_format.kind == "pdf":
        check_pdf(data)
    elif file_format.kind == "image":
        check_image(data, {file_format.pillow_format}, label=file_format.label)
    else:
        check_zip_document(data, file_format)
    upload._osez_checked_as = file_format


# --- PDF ---------------------------------------------------------------------------------------


def check_pdf(data: bytes) -> None:
    from pypdf import PdfReader

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pypdf warns about mere oddities it reads through
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise ValidationError(
                    _("This PDF is protected by a password. Attach a copy that opens without one."),
                    code="file_encrypted",
                )
            pages = reader.pages
            if not 0 < len(pages) <= MAX_PDF_PAGES:
                raise _damaged(PDF)
            for page in pages:
                page.mediabox  # noqa: B018 - reading it checks the page's dictionary
                contents = page.get_contents()
                if contents is not None:
                    contents.get_data()
    except ValidationError:
        raise
    except Exception:  # pypdf raises many kinds (PdfReadError, KeyError, ValueError...)
        log.info("unreadable PDF upload", exc_info=True)
        raise _damaged(PDF) from None


# --- images ------------------------------------------------------------------------------------


def _too_many_pixels(width: int = 0, height: int = 0) -> ValidationError:
    if not (width and height):  # Pillow refused it before saying its size
        return ValidationError(
            _("This image is too large: more than %(max)s million pixels. Reduce it and try again.")
            % {"max": MAX_IMAGE_PIXELS // 1_000_000},
            code="image_pixels",
        )
    return ValidationError(
        _(
            "This image is too large: %(width)s × %(height)s pixels, more than %(max)s million. "
            "Reduce it and try again."
        )
        % {"width": width, "height": height, "max": MAX_IMAGE_PIXELS // 1_000_000},
        code="image_pixels",
    )


_truncation_switch = threading.Lock()


@contextlib.contextmanager
def _truncated_images_refused():
    """Pillow's switch for truncated images is one global, and WeasyPrint turns it on when it is
    imported (core/pdf.py): after the first PDF a process rendered, a truncated JPEG decoded
    "fine", its missing part grey. Off while an upload is decoded; the images WeasyPrint draws
    were whole when uploaded, so the moment it is off does them no harm."""
    with _truncation_switch:
        before = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = before


def check_image(data: bytes, formats: set[str], *, label: str = "") -> None:
    """`data` is an image in one of Pillow's `formats`, every pixel decodable, of at most
    MAX_IMAGE_PIXELS."""
    image_format = Format(label or "/".join(sorted(formats)), b"", "image")
    try:
        with warnings.catch_warnings():
            # Pillow warns above its own pixel limit; ours is checked below, before decoding.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in formats:
                    raise _mismatch(image_format)
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise _too_many_pixels(width, height)
                image.verify()
            with _truncated_images_refused(), Image.open(io.BytesIO(data)) as image:
                image.load()
    except ValidationError:
        raise
    except UnidentifiedImageError:
        raise _mismatch(image_format) from None
    except Image.DecompressionBombError:
        raise _too_many_pixels() from None
    except Exception:  # truncated data, bad checksums, broken chunks: Pillow's many kinds
        log.info("unreadable image upload", exc_info=True)
        raise _damaged(image_format) from None


# --- ZIP-based documents -----------------------------------------------------------------------


def _too_much_unpacked() -> ValidationError:
    return ValidationError(
        _(
            "This file holds too much once unpacked (more than %(max)s). It is refused as a "
            "precaution: attach a lighter version."
        )
        % {"max": filesizeformat(MAX_UNPACKED_BYTES)},
        code="file_unpacked",
    )


def _unpack_all(archive: zipfile.ZipFile) -> dict[str, bytes]:
    """Every member of `archive` unpacked, checksums verified, at most MAX_UNPACKED_BYTES in all
    whatever the archive declares; the small parts that name the format are kept."""
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise _too_much_unpacked()
    if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
        raise _too_much_unpacked()
    kept: dict[str, bytes] = {}
    unpacked = 0
    for member in members:
        keep = member.filename in {"mimetype", "[Content_Types].xml"}
        parts = []
        with archive.open(member) as stream:
            while chunk := stream.read(1024 * 1024):
                unpacked += len(chunk)
                if unpacked > MAX_UNPACKED_BYTES:
                    raise _too_much_unpacked()
                if keep:
                    parts.append(chunk)
        if keep:
            kept[member.filename] = b"".join(parts)
    return kept


def check_zip_document(data: bytes, file_format: Format) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            parts = _unpack_all(archive)
    except ValidationError:
        raise
    except Exception:  # BadZipFile (a wrong checksum too), zlib.error, EOFError, an unknown method
        log.info("unreadable ZIP upload", exc_info=True)
        raise _damaged(file_format) from None
    if file_format.kind == "opendocument":
        mimetype = parts.get("mimetype", b"").decode("ascii", "replace").strip()
        if mimetype != file_format.mimetype:
            raise _mismatch(file_format)
        if not {"content.xml", "META-INF/manifest.xml"} <= names:
            raise _damaged(file_format)
        return
    content_types = parts.get("[Content_Types].xml", b"").decode("utf-8", "replace")
    if "macroEnabled" in content_types:
        raise ValidationError(
            _(
                "This document contains macros, which are not accepted. Save it as a document "
                "without macros (%(label)s) and try again."
            )
            % {"label": file_format.label},
            code="file_macros",
        )
    if file_format.mimetype not in content_types:
        raise _mismatch(file_format)
    if file_format is XLSX:
        try:
            spreadsheets.check_workbook(data)
        except spreadsheets.SpreadsheetError:
            raise _damaged(file_format) from None
