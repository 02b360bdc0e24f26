"""Dashboard tables and the obligations report as files to download: CSV and XLSX.

Every text cell passes through `spreadsheet_safe`, in XLSX as in CSV: a name or explanation that
starts with = + - or @ is shown as text and never run as a formula. Counts go into XLSX as
numbers, so a spreadsheet can add them up.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

import xlsxwriter

from oversight.spreadsheet_safety import spreadsheet_safe

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

type Cell = str | int | float | None


@dataclass(frozen=True)
class Sheet:
    """One table: a worksheet in XLSX; in CSV, the tables one after another with the same
    headings are one table, so a CSV download holds the rows of every sheet under one heading."""

    name: str
    headings: Sequence[str]
    rows: Sequence[Sequence[Cell]]


def as_csv(sheets: Sequence[Sheet]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(sheets[0].headings)
    for sheet in sheets:
        writer.writerows([spreadsheet_safe(cell) for cell in row] for row in sheet.rows)
    # A byte order mark, so Excel reads the names as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_xlsx(sheets: Sequence[Sheet]) -> bytes:
    out = io.BytesIO()
    # in_memory: nothing written to temporary files; no strings turned into formulas or numbers.
    book = xlsxwriter.Workbook(
        out, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    )
    bold = book.add_format({"bold": True})
    for sheet in sheets:
        # Excel's limits on a worksheet's name: 31 characters, none of []:*?/\
        name = "".join(c for c in sheet.name if c not in "[]:*?/\\")[:31]
        worksheet = book.add_worksheet(name)
        for column, heading in enumerate(sheet.headings):
            worksheet.write_string(0, column, heading, bold)
        widths = [len(h) for h in sheet.headings]
        for row_number, row in enumerate(sheet.rows, start=1):
            for column, cell in enumerate(row):
                if isinstance(cell, int | float):
                    worksheet.write_number(row_number, column, cell)
                    width = len(str(cell))
                else:
                    text = spreadsheet_safe(cell)
                    worksheet.write_string(row_number, column, text)
                    width = len(text)
                widths[column] = max(widths[column], min(width, 60))
        for column, width in enumerate(widths):
            worksheet.set_column(column, column, width + 2)
        worksheet.freeze_panes(1, 0)
    book.close()
    return out.getvalue()
