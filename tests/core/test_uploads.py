"""core.uploads reads a file through for its declared format: crafted files that only look right
at the start (garbage after a valid header, truncated, polyglots, zip bombs, images that unpack
into billions of pixels) are refused, each with its reason."""

import io
import random
import struct
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from pypdf import PdfWriter

from core import uploads
from tests.files import (
    docx_bytes,
    image_bytes,
    opendocument_bytes,
    pdf_bytes,
    xlsx_bytes,
    zip_bytes,
)

GARBAGE = random.Random(10).randbytes
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def refusal(data: bytes, file_format: uploads.Format) -> str | None:
    """The code of the refusal, None when the file is accepted."""
    try:
        uploads.check_file(SimpleUploadedFile("file", data), file_format)
    except ValidationError as error:
        return error.code
    return None


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def encrypted_pdf(user_password: str) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.encrypt(user_password, owner_password="owner")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def zip_bomb(name: str, unpacked: int) -> dict[str, bytes]:
    return {name: b"\x00" * unpacked}


def lying_sizes(data: bytes, declared: int) -> bytes:
    """`data` (a ZIP with one big member) with the big member's unpacked size said to be
    `declared`, in its local header (offset 22) and in the central directory (offset 24)."""
    patched = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := patched.find(signature, start)) != -1:
            if struct.unpack_from("<I", patched, start + offset)[0] > 1_000_000:
                struct.pack_into("<I", patched, start + offset, declared)
            start += 4
    return bytes(patched)


@pytest.mark.parametrize(
    ("data", "file_format"),
    [
        (pdf_bytes(), uploads.PDF),
        (encrypted_pdf(""), uploads.PDF),  # restricted, yet opens without a password
        (image_bytes("PNG"), uploads.PNG),
        (image_bytes("JPEG"), uploads.JPEG),
        (image_bytes("WEBP"), uploads.WEBP),
        (opendocument_bytes("odt"), uploads.ODT),
        (opendocument_bytes("ods"), uploads.ODS),
        (docx_bytes(), uploads.DOCX),
        (xlsx_bytes(), uploads.XLSX),
    ],
    ids=["pdf", "pdf-restricted", "png", "jpeg", "webp", "odt", "ods", "docx", "xlsx"],
)
def test_real_file_of_each_format_is_accepted(data, file_format):
    assert refusal(data, file_format) is None


@pytest.mark.parametrize(
    ("data", "file_format", "expected"),
    [
        # a valid header, then garbage
        (b"%PDF-1.7\n" + GARBAGE(4000), uploads.PDF, "file_damaged"),
        (image_bytes("PNG")[:16] + GARBAGE(400), uploads.PNG, "file_content"),
        (image_bytes("JPEG")[:4] + GARBAGE(4000), uploads.JPEG, "file_damaged"),
        (b"PK\x03\x04" + GARBAGE(4000), uploads.DOCX, "file_damaged"),
        # truncated
        (truncated(pdf_bytes(5)), uploads.PDF, "file_damaged"),
        (truncated(pdf_bytes(5)) + b"\n%%EOF\n", uploads.PDF, "file_damaged"),
        (truncated(image_bytes("PNG", (300, 300))), uploads.PNG, "file_damaged"),
        (truncated(image_bytes("JPEG", (300, 300))), uploads.JPEG, "file_damaged"),
        (truncated(docx_bytes()), uploads.DOCX, "file_damaged"),
        # polyglots: a PDF header on an HTML page, on a Word document
        (b"%PDF-1.4\n<html><script>alert(1)</script></html>", uploads.PDF, "file_damaged"),
        (b"%PDF-1.4\n" + docx_bytes(), uploads.PDF, "file_damaged"),
        (b"%PDF-1.4\n" + docx_bytes(), uploads.DOCX, "file_content"),
        # a PDF one cannot open without its password
        (encrypted_pdf("secret"), uploads.PDF, "file_encrypted"),
        # ZIPs of the wrong kind, or not quite the format
        (opendocument_bytes("ods"), uploads.ODT, "file_content"),
        (docx_bytes(), uploads.ODT, "file_content"),
        (opendocument_bytes("odt"), uploads.DOCX, "file_content"),
        (docx_bytes(main=XLSX_MAIN), uploads.DOCX, "file_content"),
        (docx_bytes(main=DOCM_MAIN), uploads.DOCX, "file_macros"),
        (
            zip_bytes({"mimetype": "application/vnd.oasis.opendocument.text"}),
            uploads.ODT,
            "file_damaged",
        ),
        (docx_bytes(main=XLSX_MAIN, **{"xl/workbook.xml": "<no"}), uploads.XLSX, "file_damaged"),
    ],
    ids=[
        "pdf-garbage",
        "png-garbage",
        "jpeg-garbage",
        "zip-garbage",
        "pdf-truncated",
        "pdf-truncated-eof-marker-restored",
        "png-truncated",
        "jpeg-truncated",
        "docx-truncated",
        "pdf-html-polyglot",
        "pdf-docx-polyglot-as-pdf",
        "pdf-docx-polyglot-as-docx",
        "pdf-encrypted",
        "ods-as-odt",
        "docx-as-odt",
        "odt-as-docx",
        "xlsx-content-types-as-docx",
        "docm-macros",
        "odt-without-content",
        "xlsx-broken-workbook",
    ],
)
def test_crafted_file_is_refused_with_its_reason(data, file_format, expected):
    assert refusal(data, file_format) == expected


def test_zip_bomb_is_refused_without_unpacking_it_all():
    bomb = docx_bytes(**zip_bomb("word/media/zeros.bin", uploads.MAX_UNPACKED_BYTES + 1))
    assert len(bomb) < 1_000_000  # a small file...

    assert refusal(bomb, uploads.DOCX) == "file_unpacked"  # ...that unpacks to more than the cap


def test_zip_bomb_that_lies_about_its_size_is_refused():
    bomb = docx_bytes(**zip_bomb("word/media/zeros.bin", uploads.MAX_UNPACKED_BYTES + 1))
    liar = lying_sizes(bomb, 1000)
    with zipfile.ZipFile(io.BytesIO(liar)) as archive:
        assert sum(m.file_size for m in archive.infolist()) < 10_000  # what it declares

    assert refusal(liar, uploads.DOCX) == "file_damaged"


@pytest.mark.parametrize(
    "size",
    [(8000, 8000), (20000, 20000)],  # above our cap; above Pillow's own refusal too
    ids=["over-the-cap", "over-pillows-limit"],
)
def test_image_of_too_many_pixels_is_refused_before_decoding(size):
    small_file = image_bytes("PNG", size, mode="1")
    assert len(small_file) < 200_000

    assert refusal(small_file, uploads.PNG) == "image_pixels"


def test_refusal_says_why_in_french():
    with translation.override("fr"), pytest.raises(ValidationError) as error:
        uploads.check_file(SimpleUploadedFile("a.pdf", encrypted_pdf("x")), uploads.PDF)

    assert "mot de passe" in error.value.messages[0]


def test_truncated_image_is_refused_after_weasyprint_allowed_them():
    import weasyprint  # noqa: F401 - turns Pillow's LOAD_TRUNCATED_IMAGES on, for good
    from PIL import Image, ImageFile

    broken = truncated(image_bytes("JPEG", (300, 300)))
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    Image.open(io.BytesIO(broken)).load()  # the fault: decoded without a word

    assert refusal(broken, uploads.JPEG) == "file_damaged"
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # WeasyPrint's setting given back


def test_file_checked_once_is_not_read_again():
    upload = SimpleUploadedFile("cahier.pdf", pdf_bytes())
    uploads.check_file(upload, uploads.PDF)
    upload.file = io.BytesIO(b"%PDF-1.7 changed behind the check's back")

    uploads.check_file(upload, uploads.PDF)  # the form checked it; the service does not re-read

    assert refusal(upload.file.getvalue(), uploads.PDF) == "file_damaged"
