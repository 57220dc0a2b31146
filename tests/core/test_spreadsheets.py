"""core.spreadsheets: cells a spreadsheet would run as formulas become text."""

import pytest

from core.spreadsheets import neutralise


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
