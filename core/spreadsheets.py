"""Spreadsheet exports (CSV and XLSX opened in Excel or LibreOffice): one writer for each format,
used by every export.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is run as a formula by
spreadsheet programs, so text typed by a person (a name like `=HYPERLINK(...)`, a summary) could
act in the reader's spreadsheet. Following OWASP's "CSV injection" guidance, such cells are
prefixed with a single quote, which makes the spreadsheet show them as plain text. Numbers,
dates and other values that are not strings are written unchanged. In XLSX (openpyxl) a cell
is typed: text is written as text, never as a formula, so it needs no quote."""

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

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
