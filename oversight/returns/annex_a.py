"""Read an Ofsted Annex A workbook: lists 6 to 9, the children a council holds, each with the
episode the list is about (in need, protection plan, looked after, care leaver), the allocated
team and the allocated worker by name. docs/standard-returns.md gives every mapping decision.

Nothing is found by position. Sheets are found by their list number, the header row by the child
identifier column (the Ofsted template puts a title row above it), and each column by its name or
the header patterns of Annex_A_schema.yml (lower-cased, stripped, regex), which holds the
spellings real councils use; so are the case status codes. The workbook is read a row at a time
(openpyxl's read-only mode), and every problem is collected with its sheet, row and column.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import openpyxl
import yaml
from openpyxl.utils.exceptions import InvalidFileException

from oversight.import_export.reader import (
    EARLIEST_DATE,
    ID_LENGTH,
    LATEST_DATE,
    MAX_PROBLEMS,
    TEXT_LENGTH,
    Problem,
    shown,
)

SCHEMA_PATH = Path(__file__).with_name("annex_a_schema.yml")
# How far down a sheet its header row may be: the Ofsted template has one title row above it.
HEADER_SEARCH_ROWS = 10
# Cells a spreadsheet shows for a lookup that found nothing, and other ways of writing "none".
NO_VALUE = {"", "#n/a", "n/a", "na", "none", "null", "-"}
_SPACES = re.compile(r"\s+")
_SLASH_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")

# The Annex A case status codes (list 6) that give a status of their own; the others (looked
# after, protection plan) are given by lists 7 and 8 with their own dates.
CHILD_IN_NEED_PLAN = "c) Child in need plan"


@dataclass(frozen=True)
class ListSpec:
    number: int
    key: str  # the list's name in Annex_A_schema.yml
    status: str  # the Oversight case status the list gives
    start: str | None  # the column dating the episode's start
    end: str | None  # and its end
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()


CHILD_ID = "Child Unique ID"
DATE_OF_BIRTH = "Date of Birth"
TEAM = "Allocated Team"
WORKER = "Allocated Worker"
PERSONAL_ADVISER = "Allocated Personal Advisor"
CASE_STATUS = "Case Status"

LISTS = (
    ListSpec(
        6,
        "list_6",
        "child_in_need",
        "CIN Start Date",
        "CIN Closure Date",
        (CHILD_ID, "CIN Start Date", "CIN Closure Date", CASE_STATUS, TEAM, WORKER),
        (DATE_OF_BIRTH,),
    ),
    ListSpec(
        7,
        "list_7",
        "child_protection",
        "Child Protection Plan Start Date",
        "Child Protection Plan End Date",
        (
            CHILD_ID,
            "Child Protection Plan Start Date",
            "Child Protection Plan End Date",
            TEAM,
            WORKER,
        ),
        (DATE_OF_BIRTH,),
    ),
    ListSpec(
        8,
        "list_8",
        "looked_after",
        "Date Started to be Looked After",
        "Date Ceased to be Looked After",
        (
            CHILD_ID,
            "Date Started to be Looked After",
            "Date Ceased to be Looked After",
            TEAM,
            WORKER,
        ),
        (DATE_OF_BIRTH,),
    ),
    ListSpec(
        9,
        "list_9",
        "care_leaver",
        None,
        None,
        (CHILD_ID, TEAM, WORKER),
        (DATE_OF_BIRTH, PERSONAL_ADVISER),
    ),
)


@dataclass(frozen=True)
class Episode:
    """One row of lists 6 to 9: a child, what the list says about them, and who holds them."""

    sheet: str
    row: int
    list_number: int
    case_id: str
    status: str | None  # None: the row gives no status (an open assessment, a closed episode)
    start_date: dt.date | None
    end_date: dt.date | None
    date_of_birth: dt.date | None
    team: str
    worker: str  # the name as written, spaces tidied; "" when the return names nobody
    closes_case: bool = False  # list 6: the CIN closure date closes the child's case


@dataclass
class AnnexA:
    """What a workbook says, and what is wrong with it."""

    episodes: list[Episode] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    more_problems: int = 0

    def problem(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(sheet, row, column, message))
        else:
            self.more_problems += 1


def tidy(value: str) -> str:
    """A cell's text as people mean it: composed Unicode, no-break and repeated spaces made one
    space (case management exports put U+00A0 between first and last names)."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", value)).strip()


def header_key(value: Any) -> str:
    return tidy(str(value)).lower() if value is not None else ""


@dataclass(frozen=True)
class ColumnPattern:
    name: str
    patterns: tuple[re.Pattern[str], ...]

    def matches(self, header: str) -> bool:
        return header == self.name.lower() or any(p.search(header) for p in self.patterns)


def _regex(written: str) -> re.Pattern[str]:
    """A pattern as the schema writes it, `/.../i`; anything after the closing slash and flags
    is ignored (one entry in the published file has a stray YAML alias after it)."""
    found = re.match(r"\s*/(.*)/([a-z]*)", written, re.S)
    if found is None:
        return re.compile(re.escape(written.lower()))
    flags = re.IGNORECASE if "i" in found.group(2) else 0
    return re.compile(tidy(found.group(1)), flags)


@functools.cache
def schema() -> dict[str, Any]:
    with SCHEMA_PATH.open(encoding="utf-8") as stream:
        loaded: dict[str, Any] = yaml.load(stream, Loader=yaml.CSafeLoader)
    return loaded["column_map"]


def column_pattern(list_key: str, name: str) -> ColumnPattern:
    column = schema()[list_key].get(name) or {}
    return ColumnPattern(name, tuple(_regex(p) for p in column.get("header_regex") or ()))


@functools.cache
def case_status_codes() -> dict[str, str]:
    """Every spelling of a list 6 case status the schema knows, lower-cased, to its code."""
    codes: dict[str, str] = {}
    for category in schema()["list_6"][CASE_STATUS]["category"]:
        for name in [category["code"], *category["name"]]:
            codes[header_key(name)] = category["code"]
    return codes


# --- reading -------------------------------------------------------------------------------------


class UnreadableWorkbook(Exception):
    pass


def open_workbook(source: Path | IO[bytes]) -> Any:
    try:
        return openpyxl.load_workbook(source, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise UnreadableWorkbook(str(error)) from error


def read_annex_a(source: Path | IO[bytes], name: str = "workbook") -> AnnexA:
    found = AnnexA()
    try:
        workbook = open_workbook(source)
    except UnreadableWorkbook:
        found.problem(
            name,
            None,
            None,
            "cannot be read as an Excel workbook: save it from Excel as an Excel Workbook "
            "(.xlsx) and upload that",
        )
        return found
    try:
        sheets = {spec.number: _sheet_for(workbook, spec.number) for spec in LISTS}
        missing = [f"List {n}" for n, sheet in sheets.items() if sheet is None]
        for sheet_name in missing:
            found.problem(
                sheet_name,
                None,
                None,
                f"missing: the workbook has no sheet for {sheet_name} (its sheets are "
                f"{', '.join(shown(s, 30) for s in workbook.sheetnames)}); Annex A lists 6 to 9 "
                "are all needed, even if one of them has no children",
            )
        for spec in LISTS:
            sheet = sheets[spec.number]
            if sheet is not None:
                _read_list(found, sheet, spec)
    finally:
        workbook.close()
    return found


def _sheet_for(workbook: Any, number: int) -> Any:
    wanted = re.compile(rf"^\s*list[\s_\-]*{number}(?![0-9])", re.IGNORECASE)
    for sheet in workbook.worksheets:
        if wanted.search(sheet.title):
            return sheet
    return None


def _read_list(found: AnnexA, sheet: Any, spec: ListSpec) -> None:
    title = sheet.title
    child_id = column_pattern(spec.key, CHILD_ID)
    rows: Iterator[tuple[Any, ...]] = sheet.iter_rows(values_only=True)
    header_row = 0
    header: list[str] = []
    for number, cells in enumerate(rows, start=1):
        keys = [header_key(c) for c in cells]
        if any(child_id.matches(k) for k in keys if k):
            header_row, header = number, keys
            break
        if number >= HEADER_SEARCH_ROWS:
            break
    if not header_row:
        found.problem(
            title,
            None,
            CHILD_ID,
            f"no header row found: one of the first {HEADER_SEARCH_ROWS} rows must name the "
            "columns, starting with Child Unique ID",
        )
        return
    positions = _match_columns(found, title, header_row, header, spec)
    if positions is None:
        return
    for number, cells in enumerate(rows, start=header_row + 1):
        if not any(c is not None and str(c).strip() for c in cells):
            continue
        episode = _episode(found, title, number, cells, positions, spec)
        if episode is not None:
            found.episodes.append(episode)


def _match_columns(
    found: AnnexA, sheet: str, row: int, header: list[str], spec: ListSpec
) -> dict[str, int] | None:
    positions: dict[str, int] = {}
    ok = True
    for name in (*spec.required, *spec.optional):
        pattern = column_pattern(spec.key, name)
        exact = [i for i, h in enumerate(header) if h == name.lower()]
        matched = exact or [i for i, h in enumerate(header) if h and pattern.matches(h)]
        if len(matched) > 1:
            found.problem(
                sheet,
                row,
                name,
                f"{len(matched)} columns could be {name} ("
                + ", ".join(shown(header[i], 30) for i in matched)
                + "): rename the others",
            )
            ok = False
        elif matched:
            positions[name] = matched[0]
        elif name in spec.required:
            found.problem(
                sheet,
                row,
                name,
                f"missing column: no heading reads '{name}' or a known spelling of it; rename "
                "the column's heading to it",
            )
            ok = False
    return positions if ok else None


def _cell(cells: tuple[Any, ...], positions: dict[str, int], name: str) -> Any:
    index = positions.get(name)
    if index is None or index >= len(cells):
        return None
    value = cells[index]
    if isinstance(value, str) and tidy(value).lower() in NO_VALUE:
        return None
    return value


def _episode(
    found: AnnexA,
    sheet: str,
    row: int,
    cells: tuple[Any, ...],
    positions: dict[str, int],
    spec: ListSpec,
) -> Episode | None:
    problems_before = len(found.problems) + found.more_problems

    def problem(column: str, message: str) -> None:
        found.problem(sheet, row, column, message)

    case_id = _identifier(_cell(cells, positions, CHILD_ID))
    if not case_id:
        problem(CHILD_ID, "is empty: every child needs their identifier")
    elif len(case_id) > ID_LENGTH:
        problem(CHILD_ID, f"is longer than {ID_LENGTH} characters ('{shown(case_id)}')")

    def date(column: str | None, required: bool) -> dt.date | None:
        if column is None:
            return None
        value = _cell(cells, positions, column)
        if value is None:
            if required:
                problem(column, "is empty: a date is required")
            return None
        try:
            return parse_return_date(value)
        except ValueError as error:
            problem(column, str(error))
            return None

    start = date(spec.start, required=True)
    end = date(spec.end, required=False)
    birth = date(DATE_OF_BIRTH if DATE_OF_BIRTH in positions else None, required=False)
    if start and end and end < start:
        problem(spec.end or "", f"{end:%d/%m/%Y} is before the start {start:%d/%m/%Y}")

    team = _text(_cell(cells, positions, TEAM))
    worker = _text(_cell(cells, positions, WORKER))
    adviser = _text(_cell(cells, positions, PERSONAL_ADVISER))
    for column, text in ((TEAM, team), (WORKER, worker), (PERSONAL_ADVISER, adviser)):
        if len(text) > TEXT_LENGTH:
            problem(column, f"is longer than {TEXT_LENGTH} characters ('{shown(text)}')")

    status: str | None = spec.status
    closes_case = False
    if spec.number == 6:
        code = _case_status(found, sheet, row, _cell(cells, positions, CASE_STATUS))
        status = "child_in_need" if code == CHILD_IN_NEED_PLAN else None
        closes_case = end is not None
    if len(found.problems) + found.more_problems > problems_before:
        return None
    return Episode(
        sheet=sheet,
        row=row,
        list_number=spec.number,
        case_id=case_id,
        status=status,
        start_date=start,
        end_date=end,
        date_of_birth=birth,
        team=team,
        # A care leaver's case is held by their personal adviser when the list names one.
        worker=adviser or worker,
        closes_case=closes_case,
    )


def _case_status(found: AnnexA, sheet: str, row: int, value: Any) -> str | None:
    if value is None:
        found.problem(sheet, row, CASE_STATUS, "is empty: give the child's case status")
        return None
    code = case_status_codes().get(header_key(value))
    if code is None:
        codes = sorted({c for c in case_status_codes().values()})
        found.problem(
            sheet,
            row,
            CASE_STATUS,
            f"unknown case status '{shown(str(value))}': use one of {'; '.join(codes)}",
        )
    return code


def _identifier(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return tidy(str(value))


def _text(value: Any) -> str:
    return "" if value is None else tidy(str(value))


def parse_return_date(value: Any) -> dt.date:
    """A date cell, or text written dd/mm/yyyy, as the returns write them."""
    example = "write it as dd/mm/yyyy, e.g. 01/04/2025, or make it a date cell"
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, str) and (found := _SLASH_DATE.fullmatch(value.strip())):
        try:
            day = dt.date(int(found.group(3)), int(found.group(2)), int(found.group(1)))
        except ValueError:
            raise ValueError(f"'{shown(value)}' is not a date: {example}") from None
    else:
        raise ValueError(f"'{shown(str(value))}' is not a date: {example}")
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValueError(
            f"{day:%d/%m/%Y} is not a date a council's records can hold: dates run from "
            f"{EARLIEST_DATE:%d/%m/%Y} to {LATEST_DATE:%d/%m/%Y}"
        )
    return day
