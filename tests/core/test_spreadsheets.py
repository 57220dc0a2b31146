"""core.spreadsheets: cells a spreadsheet would run as formulas become text; an uploaded CSV or
XLSX file is read as rows of text, or refused with a message that says what to do."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook

from core.spreadsheets import (
    EMPTY_ROWS_AT_END,
    Limits,
    SpreadsheetError,
    neutralise,
    read_table,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+33 6 00 00 00 00", "'+33 6 00 00 00 00"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Vélo Solidaire", "Vélo Solidaire"),
        ("", ""),
        (42, 42),
        (None, None),
    ],
)
def test_neutralise_prefixes_formula_starts_only(value, expected):
    assert neutralise(value) == expected


# --- Reading an uploaded table (core.spreadsheets.read_table) ---------------------------------

LIMITS = Limits(size=10_000, rows=5, columns=6)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def refusal(name: str, content: bytes, limits: Limits = LIMITS) -> str:
    with pytest.raises(SpreadsheetError) as error:
        read_table(upload(name, content), limits)
    return error.value.code


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        ("email;nom\na@x.fr;Hélène\n", "utf-8"),
        ("email,nom\na@x.fr,Hélène\n", "utf-8"),
        ("email\tnom\na@x.fr\tHélène\n", "utf-8"),
        ("email;nom\r\na@x.fr;Hélène\r\n", "utf-8-sig"),  # Excel's "CSV UTF-8": a BOM
        ("email;nom\r\na@x.fr;Hélène\r\n", "cp1252"),  # Excel's "CSV" in France
        ("email\tnom\r\na@x.fr\tHélène\r\n", "utf-16"),  # Excel's "Unicode text"
    ],
    ids=["semicolon", "comma", "tab", "bom", "cp1252", "utf16"],
)
def test_read_table_reads_csv_in_every_encoding_and_separator(content, encoding):
    table = read_table(upload("people.csv", content.encode(encoding)), LIMITS)

    assert table == [(1, ["email", "nom"]), (2, ["a@x.fr", "Hélène"])]


def test_read_table_keeps_quoted_separators_and_line_numbers_past_empty_rows():
    content = 'email;nom\n\n"a@x.fr";"Dupont; fils"\n;;\nb@x.fr;"Line\nbreak"\n'

    table = read_table(upload("people.csv", content.encode()), LIMITS)

    assert table == [
        (1, ["email", "nom"]),
        (3, ["a@x.fr", "Dupont; fils"]),
        (5, ["b@x.fr", "Line\nbreak"]),
    ]


def test_read_table_reads_the_first_sheet_of_an_xlsx_as_text():
    content = xlsx(
        [
            ["email", "siret", "max", "date", "flag"],
            [None, None, None, None, None],
            ["a@x.fr", 35600000000048, 3.0, dt.datetime(2019, 11, 26), True],
            ["  b@x.fr ", "01234", 2.5, None, None],
        ]
    )

    table = read_table(upload("people.xlsx", content), LIMITS)

    assert table == [
        (1, ["email", "siret", "max", "date", "flag"]),
        (3, ["a@x.fr", "35600000000048", "3", "2019-11-26", "1"]),
        (4, ["b@x.fr", "01234", "2.5"]),
    ]


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("people.csv", b"", "empty"),
        ("people.csv", b"  \n\n", "empty"),
        ("people.csv", b"a;b\n" + b"x;y\n" * 6, "rows"),  # a header and 6 rows: 5 at most
        ("people.csv", b"a;b;c;d;e;f;g\n", "columns"),
        ("people.csv", b"a;b\n" + b"x" * 10_000, "size"),
        ("people.csv", b"email\n\xff\xfe\x00\x00\x81", "file_type"),  # binary
        ("people.csv", b"email;nom\na@x.fr;\x81\x8d\x8f\x90\x9d\n", "encoding"),
        ("people.csv", b'email;nom\n"a@x.fr;\x00;x\n', "file_type"),
        ("people.pdf", b"%PDF-1.7\n", "file_type"),
        ("people", b"email\n", "file_type"),
        ("people.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "file_type"),
        ("people.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "file_type"),
        ("people.xlsx", b"PK\x03\x04 not really a zip", "xlsx"),
    ],
    ids=[
        "empty",
        "blank",
        "too-many-rows",
        "too-many-columns",
        "too-large",
        "binary",
        "not-cp1252",
        "nul-byte",
        "pdf",
        "no-extension",
        "old-xls",
        "old-xls-renamed",
        "corrupt-zip",
    ],
)
def test_read_table_refuses_with_a_clear_message(name, content, code):
    assert refusal(name, content) == code


def test_read_table_refuses_a_zip_that_is_no_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")

    assert refusal("people.xlsx", buffer.getvalue()) == "file_type"


def test_read_table_refuses_a_workbook_with_damaged_parts():
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx([["email"]]))) as source,
        zipfile.ZipFile(buffer, "w") as damaged,
    ):
        for item in source.infolist():
            data = source.read(item)
            damaged.writestr(item, b"<not xml" if item.filename.endswith("sheet1.xml") else data)

    assert refusal("people.xlsx", buffer.getvalue()) == "xlsx"


def test_read_table_refuses_a_workbook_that_unpacks_to_too_much():
    """A small ZIP can hold a huge sheet: its declared size is bounded before parsing."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<row/>" * 1_000_000)

    assert len(buffer.getvalue()) < LIMITS.size
    assert refusal("people.xlsx", buffer.getvalue()) == "size"


def test_read_table_stops_at_a_long_run_of_empty_rows():
    rows = [["email"], ["a@x.fr"]] + [[None]] * EMPTY_ROWS_AT_END + [["late@x.fr"]]

    table = read_table(upload("people.xlsx", xlsx(rows)), LIMITS)

    assert table == [(1, ["email"]), (2, ["a@x.fr"])]


def test_read_table_messages_say_what_to_do_in_french(settings):
    settings.LANGUAGE_CODE = "fr"
    with translation.override("fr"), pytest.raises(SpreadsheetError) as error:
        read_table(upload("people.xls", b"\xd0\xcf\x11\xe0"), LIMITS)

    assert error.value.messages == [
        "C'est un ancien fichier Excel (.xls). Depuis Excel, enregistrez-le comme classeur Excel "
        "(.xlsx) ou en CSV, puis réessayez."
    ]
