"""Spreadsheet exports (CSV opened in Excel or LibreOffice): one writer for every export.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is run as a formula by
spreadsheet programs, so text typed by a person (a name like `=HYPERLINK(...)`, a summary) could
act in the reader's spreadsheet. Following OWASP's "CSV injection" guidance, such cells are
prefixed with a single quote, which makes the spreadsheet show them as plain text. Numbers,
dates and other values that are not strings are written unchanged."""

import csv
from collections.abc import Iterable

from django.http import HttpResponse

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
