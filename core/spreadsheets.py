"""Spreadsheets: one writer for each format (CSV, XLSX), used by every export, and one reader for
every import.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is run as a formula by
spreadsheet programs, so text typed by a person (a name like `=HYPERLINK(...)`, a summary) could
act in the reader's spreadsheet. Following OWASP's "CSV injection" guidance, such cells are
prefixed with a single quote, which makes the spreadsheet show them as plain text. Numbers,
dates and other values that are not strings are written unchanged. In XLSX (openpyxl) a cell
is typed: text is written as text, never as a formula, so it needs no quote.

Reading (`read_table`). A file a person uploads, CSV or XLSX, becomes its non-empty rows of text
cells with their line numbers in the spreadsheet, or a `SpreadsheetError` whose message says, in
the person's language, what to do: too large, too many rows, not a spreadsheet, an old `.xls`,
damaged, unreadable characters. CSV: UTF-8 with or without BOM, UTF-16 (Excel's "Unicode text"),
or Windows-1252 (Excel's "CSV" in France); `;`, `,` or tab, guessed from the first line. XLSX:
openpyxl (read-only, values not formulas), the first sheet; its declared uncompressed size is
bounded before anything is parsed (a small ZIP can hold a huge sheet)."""

import codecs
import csv
import datetime as dt
import io
import logging
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

log = logging.getLogger(__name__)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """`value` made safe for a spreadsheet cell (strings only; other values unchanged)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise_row(row: Iterable) -> list:
    return [neutralise(value) for value in row]


class SafeWriter:
    """`csv.writer` whose rows are neutralised before they are written."""

    def __init__(self, stream, **kwargs):
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row: Iterable):
        return self._writer.writerow(neutralise_row(row))

    def writerows(self, rows: Iterable[Iterable]):
        for row in rows:
            self.writerow(row)


def csv_response(filename: str) -> tuple[HttpResponse, SafeWriter]:
    """A CSV download for Excel (UTF-8 with BOM, `;` separator) and its neutralising writer."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    return response, SafeWriter(response, delimiter=";")


def xlsx_cell(value, zone=None):
    """`value` as an XLSX cell holds it: aware datetimes in `zone` (the event's), without their
    zone (the format has none); other values unchanged."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.astimezone(zone) if zone is not None else value
        return value.replace(tzinfo=None)
    return value


def xlsx_bytes(sheets: Iterable[tuple[str, Sequence[str], Iterable[Iterable]]], zone=None) -> bytes:
    """An XLSX workbook with one sheet per (title, header, rows). Text is always written as text,
    never as a formula (openpyxl would take a string starting with `=` for one)."""
    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=_sheet_title(title))
        sheet.append([_text_cell(sheet, str(name)) for name in header])
        for row in rows:
            sheet.append(
                [
                    _text_cell(sheet, value) if isinstance(value, str) else xlsx_cell(value, zone)
                    for value in row
                ]
            )
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def _text_cell(sheet, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"
    return cell


def _sheet_title(title: str) -> str:
    """A sheet title Excel accepts: 31 characters at most, none of []:*?/\\ ."""
    return re.sub(r"[\[\]:*?/\\]", " ", str(title))[:31] or "Sheet"


def xlsx_response(filename: str, content: bytes) -> HttpResponse:
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Reading an uploaded spreadsheet ----------------------------------------------------------

# A row of a read table: its line number in the spreadsheet (1 = the first line) and its cells.
Row = tuple[int, list[str]]

# After this many empty rows in a row, the sheet is taken to have ended (a sheet formatted down to
# its millionth row holds no data there).
EMPTY_ROWS_AT_END = 1000
_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls (and .doc)
EXTENSIONS = {"csv", "txt", "tsv", "xlsx"}


class SpreadsheetError(ValidationError):
    """The file cannot be read as a table; the message says why and what to do."""


@dataclass(frozen=True)
class Limits:
    size: int  # bytes of the file
    rows: int  # rows of data, the header excluded
    columns: int = 60
    # Characters of the whole table once read: a CSV has no more than its bytes, an XLSX holds
    # its text compressed (and may repeat it through shared strings).
    characters: int = 0

    @property
    def max_characters(self) -> int:
        return self.characters or 2 * self.size


def _not_a_spreadsheet() -> SpreadsheetError:
    return SpreadsheetError(
        _(
            "This file is neither a CSV file nor an XLSX workbook. From your spreadsheet, save it "
            "as CSV or as an Excel workbook (.xlsx) and try again."
        ),
        code="file_type",
    )


def _too_many_rows(limits: Limits) -> SpreadsheetError:
    return SpreadsheetError(
        _(
            "The file has more than %(max)s rows. Split it into several files of %(max)s rows at "
            "most and import them one after the other."
        )
        % {"max": limits.rows},
        code="rows",
    )


def _too_much_text() -> SpreadsheetError:
    return SpreadsheetError(
        _("The file holds too much text once opened. Split it into several smaller files."),
        code="size",
    )


def _text(value) -> str:
    """A cell as the text a person typed: integers without a decimal point, dates as dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _collect(rows: Iterable[Iterable], limits: Limits) -> list[Row]:
    """The non-empty rows with their line numbers, within the limits."""
    table: list[Row] = []
    empty_run = characters = 0
    for line, raw in enumerate(rows, start=1):
        cells = [_text(value) for value in raw]
        if len(cells) > limits.columns:
            if any(cells[limits.columns :]):
                raise SpreadsheetError(
                    _("The file has more than %(max)s columns.") % {"max": limits.columns},
                    code="columns",
                )
            cells = cells[: limits.columns]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            empty_run += 1
            if empty_run >= EMPTY_ROWS_AT_END:
                break
            continue
        empty_run = 0
        characters += sum(len(cell) for cell in cells)
        if characters > limits.max_characters:
            raise _too_much_text()
        table.append((line, cells))
        if len(table) > limits.rows + 1:  # the header and the rows of data
            raise _too_many_rows(limits)
    return table


def _decode(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    else:
        # Windows-1252 maps nearly every byte, so it comes last: a UTF-8 file is read as UTF-8.
        encodings = ["utf-8-sig", "cp1252"]
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(
        _(
            "The characters of this CSV file could not be read. From your spreadsheet, save it as "
            "“CSV UTF-8” and try again."
        ),
        code="encoding",
    )


def guess_delimiter(first_line: str) -> str:
    """`;` (Excel in France), `,` or a tab: whichever the header line has most of."""
    counts = {delimiter: first_line.count(delimiter) for delimiter in (";", ",", "\t")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ";"


def _read_csv(data: bytes, limits: Limits) -> list[Row]:
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _not_a_spreadsheet()
    text = _decode(data)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=guess_delimiter(first_line))
    try:
        return _collect(reader, limits)
    except csv.Error:
        raise SpreadsheetError(
            _(
                "This CSV file could not be read around line %(line)s. Save it again from your "
                "spreadsheet as CSV and try again."
            )
            % {"line": reader.line_num},
            code="csv",
        ) from None


def _damaged() -> SpreadsheetError:
    return SpreadsheetError(
        _(
            "This XLSX workbook could not be read: it may be damaged. Open it in your spreadsheet, "
            "save it again as an Excel workbook (.xlsx) and try again."
        ),
        code="xlsx",
    )


def _read_xlsx(data: bytes, limits: Limits) -> list[Row]:
    stream = io.BytesIO(data)
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _damaged() from None
    if "xl/workbook.xml" not in names:
        raise _not_a_spreadsheet()  # an OpenDocument spreadsheet, a Word document, any ZIP
    if unpacked > 20 * limits.max_characters:
        raise _too_much_text()
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (KeyError, ValueError, XML errors...)
        log.info("unreadable XLSX upload", exc_info=True)
        raise _damaged() from None
    try:
        if not workbook.worksheets:
            return []
        sheet = workbook.worksheets[0]
        return _collect(sheet.iter_rows(values_only=True, max_col=limits.columns + 1), limits)
    except SpreadsheetError:
        raise
    except Exception:
        log.info("unreadable XLSX upload", exc_info=True)
        raise _damaged() from None
    finally:
        workbook.close()


# Cells of an attached workbook parsed by `check_workbook`: reading every cell of a 4 MB
# workbook (150,000 rows) took 26 s; its members' checksums are verified whole anyway
# (core.uploads), so past this many cells the XML is taken on trust.
CHECKED_CELLS = 50_000


def check_workbook(data: bytes, cells: int = CHECKED_CELLS) -> None:
    """Raise `SpreadsheetError` unless openpyxl opens `data` as an XLSX workbook (its parts,
    shared strings and styles) and reads its sheets' first `cells` cells (attachments:
    `core.uploads`, which has bounded the unpacked size). Nothing is kept."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        log.info("unreadable XLSX upload", exc_info=True)
        raise _damaged() from None
    try:
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows(values_only=True):
                cells -= len(row)
                if cells <= 0:
                    return
    except Exception:
        log.info("unreadable XLSX upload", exc_info=True)
        raise _damaged() from None
    finally:
        workbook.close()


def read_table(upload, limits: Limits) -> list[Row]:
    """The non-empty rows of the uploaded CSV or XLSX file (an `UploadedFile`), each with its line
    number in the spreadsheet; the first one is the header. Raises `SpreadsheetError`."""
    name = getattr(upload, "name", "") or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension == "xls":
        raise SpreadsheetError(
            _(
                "This is an old Excel file (.xls). From Excel, save it as an Excel workbook (.xlsx) "
                "or as CSV and try again."
            ),
            code="file_type",
        )
    if extension not in EXTENSIONS:
        raise _not_a_spreadsheet()
    if upload.size > limits.size:
        raise SpreadsheetError(
            _("This file is too large (%(size)s). The maximum is %(max)s.")
            % {"size": filesizeformat(upload.size), "max": filesizeformat(limits.size)},
            code="size",
        )
    upload.seek(0)
    data = upload.read(limits.size + 1)
    if not data.strip():
        raise SpreadsheetError(_("The file is empty."), code="empty")
    if data.startswith(_OLE2):
        raise SpreadsheetError(
            _(
                "This is an old Excel file (.xls). From Excel, save it as an Excel workbook (.xlsx) "
                "or as CSV and try again."
            ),
            code="file_type",
        )
    table = _read_xlsx(data, limits) if data.startswith(_ZIP) else _read_csv(data, limits)
    if not table:
        raise SpreadsheetError(_("The file is empty."), code="empty")
    return table
