"""Real files of each accepted format, small, made on the spot (uploads' tests)."""

import io
import zipfile

from openpyxl import Workbook
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import NameObject, StreamObject

OPENDOCUMENT = {
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def pdf_bytes(pages: int = 2) -> bytes:
    """A PDF whose pages each draw a line of text."""
    writer = PdfWriter()
    for number in range(pages):
        page = writer.add_blank_page(300, 300)
        content = StreamObject()
        content.set_data(b"BT /F1 12 Tf 10 10 Td (Osez %d) Tj ET" % number)
        page[NameObject("/Contents")] = writer._add_object(content)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def image_bytes(image_format: str = "PNG", size=(60, 40), mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, 0).save(buffer, format=image_format)
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def opendocument_bytes(extension: str, **extra: bytes | str) -> bytes:
    return zip_bytes(
        {
            "mimetype": OPENDOCUMENT[extension],
            "content.xml": "<office:document-content/>",
            "META-INF/manifest.xml": "<manifest:manifest/>",
            **extra,
        }
    )


def content_types(main: str) -> str:
    return (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'content-types"><Override PartName="/word/document.xml" ContentType="{main}"/></Types>'
    )


def docx_bytes(main: str = DOCX_MAIN, **extra: bytes | str) -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": content_types(main),
            "word/document.xml": "<w:document/>",
            **extra,
        }
    )


def xlsx_bytes() -> bytes:
    workbook = Workbook()
    workbook.active.append(["Lot", "Montant"])
    workbook.active.append(["Entretien", 1200])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
