"""Obligations as text: CSV for spreadsheets and other systems, an aligned table for people.

Both sort rows by subject type, subject, obligation and due date so that reports diff cleanly.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import TextIO

from oversight.engine.engine import OBLIGATION_FIELDS, Obligation
from oversight.spreadsheet_safety import spreadsheet_safe

COLUMNS = OBLIGATION_FIELDS
TABLE_HEADINGS = ("Subject", "ID", "Obligation", "Due", "Status", "Last met", "Rule", "Explanation")

_SUBJECT_ORDER = {"staff": 0, "team": 1, "case": 2, "session": 3}


def sorted_obligations(obligations: Iterable[Obligation]) -> list[Obligation]:
    return sorted(
        obligations,
        key=lambda o: (
            _SUBJECT_ORDER.get(o.subject_type, 9),
            o.subject_type,
            o.subject_id,
            o.obligation,
            o.due_date,
        ),
    )


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value is not None else ""


def rows(obligations: Iterable[Obligation]) -> list[tuple[str, ...]]:
    """The report's rows as text, in report order, without the heading."""
    return list(iter_rows(obligations))


def iter_rows(obligations: Iterable[Obligation]) -> Iterator[tuple[str, ...]]:
    """The same rows, each made as it is wanted, so a CSV of the whole council is written as it
    is produced rather than held whole first."""
    return (
        (
            o.subject_type,
            spreadsheet_safe(o.subject_id),
            o.obligation,
            _date(o.due_date),
            o.status,
            _date(o.last_met),
            spreadsheet_safe(o.rule),
            spreadsheet_safe(o.explanation),
        )
        for o in sorted_obligations(obligations)
    )


def write_csv(obligations: Iterable[Obligation], out: TextIO) -> None:
    """CSV with the columns of ``COLUMNS``; dates ISO, empty for none."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(iter_rows(obligations))


def write_table(obligations: Iterable[Obligation], out: TextIO) -> None:
    """An aligned plain-text table; the explanation, last, is not padded."""
    write_aligned(TABLE_HEADINGS, rows(obligations), out, empty="(no obligations)")


def write_aligned(
    headings: Sequence[str], body: Sequence[Sequence[str]], out: TextIO, *, empty: str
) -> None:
    """Headings, a rule and the rows, each column padded to its widest cell but the last; `empty`
    stands in for the rows when there are none."""
    widths = [len(h) for h in headings[:-1]]
    for row in body:
        for i, cell in enumerate(row[:-1]):
            widths[i] = max(widths[i], len(cell))

    def line(cells: Sequence[str]) -> str:
        padded = [cell.ljust(widths[i]) for i, cell in enumerate(cells[:-1])]
        return "  ".join([*padded, cells[-1]]).rstrip()

    out.write(line(headings) + "\n")
    out.write(line(["-" * width for width in [*widths, len(headings[-1])]]) + "\n")
    for row in body:
        out.write(line(row) + "\n")
    if not body:
        out.write(empty + "\n")
