"""Every CSV Oversight writes is safe to open in a spreadsheet, and the data set still reads back
exactly (oversight/spreadsheet_safety.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oversight.spreadsheet_safety import from_spreadsheet_cell, spreadsheet_safe


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("'=x", "''=x"),
        ("O'Brien", "O'Brien"),
        ("'quoted'", "'quoted'"),
        ("Ann Manager", "Ann Manager"),
        ("", ""),
        (None, ""),
        (42, "42"),
    ],
)
def test_it_puts_an_apostrophe_before_a_formula_and_nothing_else(value, written) -> None:
    assert spreadsheet_safe(value) == written


@given(st.text())
def test_it_reads_back_exactly_what_it_wrote(value: str) -> None:
    written = spreadsheet_safe(value)

    assert not written.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert from_spreadsheet_cell(written) == value
