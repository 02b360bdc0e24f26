"""Writing obligations out: CSV for systems, an aligned table for people."""

from __future__ import annotations

import csv
import datetime as dt
import io

from oversight.engine.engine import Obligation
from oversight.engine.report import COLUMNS, write_csv, write_table

ROWS = [
    Obligation(
        "session",
        "X04",
        "record_completion",
        dt.date(2025, 6, 5),
        "overdue",
        None,
        "bedford 2.2, 3.3",
        "Individual supervision on 2 Jun 2025: record due within 3 working days",
    ),
    Obligation(
        "staff",
        "S01",
        "professional_supervision",
        dt.date(2025, 7, 8),
        "ok",
        dt.date(2025, 6, 10),
        "bedford 2.1",
        "Case holder: professional supervision every 4 weeks",
    ),
]


def test_it_writes_the_columns_in_order() -> None:
    out = io.StringIO()
    write_csv(ROWS, out)
    header = out.getvalue().splitlines()[0]
    assert header == "subject_type,subject_id,obligation,due_date,status,last_met,rule,explanation"
    assert tuple(header.split(",")) == COLUMNS


def test_it_writes_iso_dates_and_empty_cells_for_none() -> None:
    out = io.StringIO()
    write_csv(ROWS, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    by_id = {r["subject_id"]: r for r in rows}
    assert by_id["X04"]["due_date"] == "2025-06-05"
    assert by_id["X04"]["last_met"] == ""
    assert by_id["S01"]["last_met"] == "2025-06-10"
    assert by_id["X04"]["rule"] == "bedford 2.2, 3.3"


def test_it_sorts_staff_before_sessions() -> None:
    out = io.StringIO()
    write_csv(ROWS, out)
    assert [line.split(",")[1] for line in out.getvalue().splitlines()[1:]] == ["S01", "X04"]


def test_it_neutralises_cells_a_spreadsheet_would_run() -> None:
    evil = Obligation(
        "team", "=HYPERLINK(1)", "group_supervision", dt.date(2025, 1, 1), "ok", None, "r", "e"
    )
    out = io.StringIO()
    write_csv([evil], out)
    assert "'=HYPERLINK(1)" in out.getvalue()


def test_it_aligns_the_table_for_people() -> None:
    out = io.StringIO()
    write_table(ROWS, out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Subject")
    starts = {line.index("2025-") for line in lines[2:]}
    assert len(starts) == 1, "the due dates line up in one column"
    assert lines[2].endswith("every 4 weeks")


def test_it_says_so_when_there_is_nothing_to_show() -> None:
    out = io.StringIO()
    write_table([], out)
    assert "(no obligations)" in out.getvalue()
