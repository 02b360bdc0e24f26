"""CSV cells that are safe to open in a spreadsheet, and read back exactly (CSV injection).

Excel, LibreOffice and Google Sheets run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a
formula, and OWASP adds tab and carriage return. Every CSV file Oversight writes (the data set
export, the obligations report, the audit export) passes each cell through ``spreadsheet_safe``,
which puts an apostrophe in front of such a cell: spreadsheets show the apostrophe-led text as text
and never run it.

The data set is also read back in (``oversight import``), so the escape has to be undone exactly.
An apostrophe alone would be ambiguous: a name that really is ``'=x`` would come back as ``=x``. So
the rule is "one more apostrophe": a cell that is any number of apostrophes (none included)
followed by a formula character gains one apostrophe on the way out, and ``from_spreadsheet_cell``
takes exactly one off such a cell on the way in. Every other cell is left exactly as it is, both
ways, so a round trip changes nothing. See docs/data-set.md.

Plain Python (no Django): the obligations engine's report uses it too.
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ESCAPED_OR_NOT = re.compile(r"'*[=+\-@\t\r]")
_ESCAPED = re.compile(r"'+[=+\-@\t\r]")


def spreadsheet_safe(value: object) -> str:
    """The cell text to write: ``None`` is empty; a formula-looking cell gains an apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if _ESCAPED_OR_NOT.match(text) else text


def from_spreadsheet_cell(text: str) -> str:
    """Undo ``spreadsheet_safe`` for a cell read back from a file Oversight wrote."""
    return text[1:] if _ESCAPED.match(text) else text
