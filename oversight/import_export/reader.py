"""Read and check a supervision data set folder (DATA.md, docs/data-set.md) without touching the
database.

Plain Python on purpose: the importer writes what this returns, and the conformance tests hand the
same rows straight to the obligations engine, so both paths read the data set one way.

Every problem is collected, not just the first, as `file:line: column: what is wrong`, so a council
can mend a whole export in one pass (up to MAX_PROBLEMS of them; the rest are counted).

Files are read a row at a time, never whole: checking keeps only the ids and keys other rows may
refer to, and the rows themselves are read again, one at a time, when they are written. Memory
grows with the number of ids, not with the size of the file or of any cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from oversight.engine import facts
from oversight.engine.periods import parse_period
from oversight.spreadsheet_safety import from_spreadsheet_cell

Row = dict[str, Any]

# Dates a council's records can hold: nobody's career or case is older or further ahead than this,
# and every date the engine works out from them (a year later, ten weeks later) stays a real date.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2099, 12, 31)
LONGEST_SESSION_MINUTES = 24 * 60
ID_LENGTH = 50  # the database's limit on staff, case and session ids
TEXT_LENGTH = 200  # and on names
MAX_PROBLEMS = 1000
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Control characters have no place in a CSV cell (PostgreSQL cannot even store NUL); tab, line
# feed and carriage return are the only ones text may hold, and only inside quotes.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return (
            f"{where}: {self.column}: {self.message}" if self.column else f"{where}: {self.message}"
        )


class DataSetError(Exception):
    def __init__(self, problems: list[Problem], more: int = 0) -> None:
        self.problems = list(problems)
        if more:
            self.problems.append(
                Problem(
                    "",
                    None,
                    None,
                    f"and {more} more problem(s) not listed: correct those above and import again "
                    "to see the rest",
                )
            )
        super().__init__("\n".join(str(p) for p in self.problems))


class _Problems:
    """The problems found so far: the first MAX_PROBLEMS kept, the rest only counted."""

    def __init__(self) -> None:
        self.kept: list[Problem] = []
        self.more = 0

    def append(self, problem: Problem) -> None:
        if len(self.kept) < MAX_PROBLEMS:
            self.kept.append(problem)
        else:
            self.more += 1

    def __bool__(self) -> bool:
        return bool(self.kept)


def shown(value: str, limit: int = 40) -> str:
    """A value as quoted back in a message: a 10,000-character cell is not repeated whole."""
    return value if len(value) <= limit else f"{value[: limit - 1]}…"


# --- cell parsers: each returns the typed value or raises ValueError with a message for people.


def _text(value: str) -> str:
    return value


def _date(value: str) -> dt.date:
    example = "write it as YYYY-MM-DD, e.g. 2025-04-01"
    if not _ISO_DATE.fullmatch(value):
        raise ValueError(f"'{shown(value)}' is not a date: {example}")
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"'{value}' is not a date: {example}") from None
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValueError(
            f"{value} is not a date this data set can hold: dates run from "
            f"{EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}; leave an end date empty "
            "if there is none"
        )
    return day


def _minutes(value: str) -> int:
    fix = f"write a whole number of minutes from 1 to {LONGEST_SESSION_MINUTES}, such as 60"
    if not (value.isascii() and value.isdigit()):
        raise ValueError(f"'{shown(value)}' is not a number of minutes: {fix}")
    minutes = int(value) if len(value) <= 9 else LONGEST_SESSION_MINUTES + 1
    if not 1 <= minutes <= LONGEST_SESSION_MINUTES:
        raise ValueError(f"'{shown(value)}' is not a number of minutes a session lasts: {fix}")
    return minutes


def _period(value: str) -> str:
    period = parse_period(value)
    if period.count == 0:
        raise ValueError(f"'{value}' is not a frequency: supervision cannot be every 0 days")
    return str(period)


def _choice(options: Iterable[str], what: str) -> Callable[[str], str]:
    allowed = tuple(options)

    def parse(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"unknown {what} '{shown(value)}': use one of {', '.join(allowed)}")
        return value

    return parse


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[str], Any] = _text
    required: bool = False  # a value must be given
    refers_to: str | None = None  # "staff", "case", "session" or "team"
    optional_column: bool = False  # the column itself may be absent from the header
    max_length: int = TEXT_LENGTH  # characters; the database's limit for the column

    def __post_init__(self) -> None:
        if self.refers_to in ("staff", "case", "session"):
            object.__setattr__(self, "max_length", min(self.max_length, ID_LENGTH))


@dataclass(frozen=True)
class FileSpec:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    defines: str | None = None  # the kind of id this file introduces
    # (start, end) column pairs where the end may not come before the start
    ordered: tuple[tuple[str, str], ...] = ()
    required_file: bool = False

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


FILES: tuple[FileSpec, ...] = (
    FileSpec(
        "staff.csv",
        (
            Column("staff_id", required=True, max_length=ID_LENGTH),
            Column("name", required=True),
            Column("email", max_length=254),
            Column("category", _choice(facts.STAFF_CATEGORIES, "category"), required=True),
            Column("team"),
            Column("line_manager_id", refers_to="staff"),
            Column("start_date", _date, required=True),
            Column("end_date", _date),
            Column("asye_start", _date),
            Column("swe_number", optional_column=True, max_length=20),
        ),
        key=("staff_id",),
        defines="staff",
        ordered=(("start_date", "end_date"),),
        required_file=True,
    ),
    FileSpec(
        "line_management.csv",
        (
            Column("staff_id", required=True, refers_to="staff"),
            Column("manager_id", required=True, refers_to="staff"),
            Column("start_date", _date, required=True),
            Column("end_date", _date),
        ),
        key=("staff_id", "manager_id", "start_date"),
        ordered=(("start_date", "end_date"),),
    ),
    FileSpec(
        "team_membership.csv",
        (
            Column("staff_id", required=True, refers_to="staff"),
            Column("team", required=True),
            Column("start_date", _date, required=True),
            Column("end_date", _date),
        ),
        key=("staff_id", "team", "start_date"),
        ordered=(("start_date", "end_date"),),
    ),
    FileSpec(
        "staff_roles.csv",
        (
            Column("staff_id", required=True, refers_to="staff"),
            Column("role", required=True),
            Column("start_date", _date, required=True),
            Column("end_date", _date),
        ),
        key=("staff_id", "role", "start_date"),
        ordered=(("start_date", "end_date"),),
    ),
    FileSpec(
        "cases.csv",
        (
            Column("case_id", required=True, max_length=ID_LENGTH),
            Column("open_date", _date, required=True),
            Column("close_date", _date),
            Column("display_name", optional_column=True),
            Column("date_of_birth", _date, optional_column=True),
        ),
        key=("case_id",),
        defines="case",
        ordered=(("open_date", "close_date"),),
    ),
    FileSpec(
        "allocations.csv",
        (
            Column("case_id", required=True, refers_to="case"),
            Column("worker_id", required=True, refers_to="staff"),
            Column("start_date", _date, required=True),
            Column("end_date", _date),
        ),
        key=("case_id", "worker_id", "start_date"),
        ordered=(("start_date", "end_date"),),
    ),
    FileSpec(
        "case_statuses.csv",
        (
            Column("case_id", required=True, refers_to="case"),
            Column("status", _choice(facts.CASE_STATUSES, "status"), required=True),
            Column("start_date", _date, required=True),
            Column("end_date", _date),
        ),
        key=("case_id", "status", "start_date"),
        ordered=(("start_date", "end_date"),),
    ),
    FileSpec(
        "sessions.csv",
        (
            Column("session_id", required=True, max_length=ID_LENGTH),
            Column("type", _choice(facts.SESSION_TYPES, "session type"), required=True),
            Column("date", _date, required=True),
            Column("supervisor_id", refers_to="staff"),
            Column("supervisee_id", refers_to="staff"),
            Column("team", refers_to="team"),
            Column("duration_minutes", _minutes),
            Column("recorded_date", _date),
        ),
        key=("session_id",),
        defines="session",
        ordered=(("date", "recorded_date"),),
    ),
    FileSpec(
        "session_cases.csv",
        (
            Column("session_id", required=True, refers_to="session"),
            Column("case_id", required=True, refers_to="case"),
        ),
        key=("session_id", "case_id"),
    ),
    FileSpec(
        "agreements.csv",
        (
            Column("staff_id", required=True, refers_to="staff"),
            Column("supervisor_id", required=True, refers_to="staff"),
            Column("signed_date", _date, required=True),
            Column("frequency", _period),
        ),
        key=("staff_id", "supervisor_id", "signed_date"),
    ),
    FileSpec(
        "case_events.csv",
        (
            Column("case_id", required=True, refers_to="case"),
            Column("event", _choice(facts.CASE_EVENTS, "event"), required=True),
            Column("date", _date, required=True),
        ),
        key=("case_id", "event", "date"),
    ),
)
SPECS = {spec.name: spec for spec in FILES}
# Files a data set folder may hold beside its data: the conformance scenarios' answers and notes.
IGNORED_FILES = {"expected.csv"}


class Rows:
    """The checked rows of one file, read from the file again each time they are walked."""

    def __init__(self, path: Path | None, spec: FileSpec, count: int) -> None:
        self.path = path
        self.spec = spec
        self.count = count

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[Row]:
        if self.path is None:
            return
        problems = _Problems()
        for _line, row in _parse(self.path, self.spec, problems):
            if row is not None and not row.get("__refused__"):
                yield row
        if problems:  # the file changed since it was checked
            raise DataSetError(problems.kept, problems.more)


@dataclass
class DataSet:
    """A checked data set folder: each file's rows (read again when walked) and what checking
    learnt about them."""

    folder: Path
    counts: dict[str, int] = field(default_factory=dict)
    team_names: set[str] = field(default_factory=set)
    # staff whose line management history line_management.csv gives
    staff_with_history: set[str] = field(default_factory=set)
    # staff whose team membership and job roles team_membership.csv and staff_roles.csv give
    staff_with_team_history: set[str] = field(default_factory=set)
    staff_with_roles: set[str] = field(default_factory=set)

    def __getitem__(self, file_name: str) -> Rows:
        path = self.folder / file_name
        return Rows(
            path if file_name in self.counts else None,
            SPECS[file_name],
            self.counts.get(file_name, 0),
        )

    def has(self, file_name: str) -> bool:
        return file_name in self.counts


def read_dataset(
    folder: Path, existing: Mapping[str, set[str]] | None = None, *, staff_required: bool = True
) -> DataSet:
    """Read every data set file in `folder`; raise DataSetError listing every problem found.

    `existing` names ids already known elsewhere (the database), by kind, so a folder may refer to
    staff or cases loaded before. A standard return translated into a data set
    (`oversight.returns`) names children for staff already loaded, so it has no staff.csv:
    `staff_required=False` lets it leave the file out.
    """
    folder = Path(folder)
    problems = _Problems()
    if not folder.is_dir():
        raise DataSetError([Problem(str(folder), None, None, "is not a folder of CSV files")])
    for path in sorted(folder.glob("*.csv")):
        if path.name not in SPECS and path.name not in IGNORED_FILES:
            problems.append(
                Problem(
                    path.name,
                    None,
                    None,
                    f"unknown file: a data set holds only {', '.join(SPECS)}",
                )
            )
    for spec in FILES:
        if spec.required_file and staff_required and not (folder / spec.name).exists():
            problems.append(
                Problem(spec.name, None, None, f"missing: every data set needs {spec.name}")
            )

    dataset = DataSet(folder)
    checker = _Checker(dataset, existing or {}, problems)
    for spec in FILES:
        path = folder / spec.name
        if path.exists():
            dataset.counts[spec.name] = checker.check_file(path, spec)
    checker.check_staff_together()
    if problems:
        order = {name: i for i, name in enumerate(SPECS)}
        problems.kept.sort(key=lambda p: (order.get(p.file, -1), p.line or 0))
        raise DataSetError(problems.kept, problems.more)
    return dataset


def _parse(path: Path, spec: FileSpec, problems: _Problems) -> Iterator[tuple[int, Row | None]]:
    """Each data row of the file with its line: the typed row, or None for a row refused (its
    problems added). Nothing is yielded for a file whose header is wrong."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            reader = csv.reader(stream)
            try:
                header = next(reader, None)
            except csv.Error as error:
                problems.append(_unreadable(spec, 1, error))
                return
            if header is None:
                problems.append(Problem(spec.name, 1, None, "is empty: it needs a header row"))
                return
            if not _header_ok(header, spec, problems):
                return
            names = [h.strip() for h in header]
            columns = [next(c for c in spec.columns if c.name == n) for n in names]
            line_number = 1
            while True:
                line_number += 1
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as error:
                    # The csv module gives up on this row only; the rows after it still count.
                    problems.append(_unreadable(spec, line_number, error))
                    yield line_number, None
                    continue
                if not any(cell.strip() for cell in cells):
                    continue
                yield line_number, _parse_row(spec, line_number, columns, cells, problems)
    except UnicodeDecodeError:
        problems.append(Problem(spec.name, None, None, "is not UTF-8 text: save it as CSV UTF-8"))


def _unreadable(spec: FileSpec, line: int, error: csv.Error) -> Problem:
    return Problem(
        spec.name,
        line,
        None,
        f"cannot be read as CSV ({error}): a cell may hold at most {csv.field_size_limit()} "
        "characters, and every opening quote needs its closing quote",
    )


def _header_ok(header: list[str], spec: FileSpec, problems: _Problems) -> bool:
    header = [h.strip() for h in header]
    unknown = [h for h in header if h not in spec.column_names]
    for name in unknown:
        problems.append(
            Problem(
                spec.name,
                1,
                shown(name),
                f"unknown column: the columns are {', '.join(spec.column_names)}",
            )
        )
    for column in spec.columns:
        if column.name not in header and not column.optional_column:
            problems.append(
                Problem(spec.name, 1, column.name, "missing column: add it to the header")
            )
    if len(set(header)) != len(header):
        problems.append(Problem(spec.name, 1, None, "a column is named twice in the header"))
        return False
    return not unknown


def _parse_row(
    spec: FileSpec, line: int, columns: list[Column], cells: list[str], problems: _Problems
) -> Row | None:
    if len(cells) != len(columns):
        problems.append(
            Problem(
                spec.name,
                line,
                None,
                f"has {len(cells)} cells but the header has {len(columns)}: "
                "check for a stray comma",
            )
        )
        return None
    row: Row = {}
    row_ok = True
    for column, raw in zip(columns, cells, strict=True):
        name = column.name
        value = from_spreadsheet_cell(raw.strip())
        if not value:
            if column.required:
                problems.append(Problem(spec.name, line, name, "is empty: a value is required"))
                row_ok = False
            row[name] = None
            continue
        if _CONTROL.search(value):
            problems.append(
                Problem(
                    spec.name,
                    line,
                    name,
                    "holds a control character (such as NUL): remove it, or export the file "
                    "again as CSV UTF-8",
                )
            )
            row_ok = False
            row[name] = None
            continue
        if len(value) > column.max_length:
            problems.append(
                Problem(
                    spec.name,
                    line,
                    name,
                    f"is {len(value)} characters long: shorten it to {column.max_length} "
                    f"characters or fewer ('{shown(value)}')",
                )
            )
            row_ok = False
            row[name] = None
            continue
        try:
            row[name] = column.parse(value)
        except ValueError as error:
            problems.append(Problem(spec.name, line, name, str(error)))
            row_ok = False
            row[name] = None
    for name in spec.column_names:
        row.setdefault(name, None)
    for start, end in spec.ordered:
        if row_ok and row[start] and row[end] and row[end] < row[start]:
            problems.append(
                Problem(
                    spec.name,
                    line,
                    end,
                    f"{row[end]} is before {start} {row[start]}: correct one of the dates",
                )
            )
            row_ok = False
    if not row_ok:
        # Keep what the refused row named, marked refused, so other rows referring to it do not
        # get a second, misleading problem.
        row["__refused__"] = True
        return row
    return row


def session_problems(row: Row) -> list[tuple[str, str]]:
    """What is wrong with a session row as a whole, as (column, message): who a session of its
    type must and must not name."""
    found: list[tuple[str, str]] = []
    if row["type"] == "group":
        if not row["team"]:
            found.append(("team", "a group session must name its team"))
        if row["supervisee_id"]:
            found.append(
                ("supervisee_id", "a group session has no single supervisee: leave it empty")
            )
    elif not row["supervisee_id"]:
        found.append(
            ("supervisee_id", f"is empty: a {row['type']} session needs the supervisee's staff id")
        )
    return found


def check_row(file_name: str, cells: Mapping[str, str]) -> tuple[Row, list[Problem]]:
    """One row of `file_name` given by column name (a row sent to the REST API), checked cell by
    cell as an imported file's rows are: the typed row and its problems (line None). References
    to other rows are the caller's to check against the database."""
    spec = SPECS[file_name]
    problems = _Problems()
    columns = list(spec.columns)
    row = _parse_row(spec, 0, columns, [cells.get(c.name, "") for c in columns], problems)
    found = [Problem(p.file, None, p.column, p.message) for p in problems.kept]
    return (row or {}), found


class _Checker:
    """Checks each file a row at a time, keeping only ids, keys and line managers."""

    def __init__(
        self, dataset: DataSet, existing: Mapping[str, set[str]], problems: _Problems
    ) -> None:
        self.dataset = dataset
        self.problems = problems
        self.known: dict[str, set[str]] = {kind: set(ids) for kind, ids in existing.items()}
        for kind in ("staff", "case", "session", "team"):
            self.known.setdefault(kind, set())
        self.line_manager: dict[str, tuple[str | None, int]] = {}
        self.team: dict[str, tuple[str | None, int]] = {}
        self.open_period: dict[str, tuple[str, int]] = {}
        self.periods: dict[str, list[tuple[dt.date, dt.date | None, int]]] = {}
        # team_membership.csv and staff_roles.csv: each person's periods, with what they name
        self.team_periods: dict[str, list[tuple[dt.date, dt.date | None, int, str]]] = {}
        self.role_periods: dict[str, list[tuple[dt.date, dt.date | None, int, str]]] = {}

    def check_file(self, path: Path, spec: FileSpec) -> int:
        count = 0
        seen_keys: dict[Any, int] = {}
        for line, row in _parse(path, spec, self.problems):
            if row is None:
                continue
            if row.pop("__refused__", False):
                self._remember_refused(spec, row)
                continue
            # A file with an id column keys on the id itself: no tuple per row to keep.
            key = row[spec.key[0]] if len(spec.key) == 1 else tuple(row[k] for k in spec.key)
            if key in seen_keys:
                self.problems.append(
                    Problem(
                        spec.name,
                        line,
                        spec.key[0] if len(spec.key) == 1 else None,
                        f"duplicate {', '.join(spec.key)} {_key_text(key)}: "
                        f"already on line {seen_keys[key]}",
                    )
                )
                continue
            seen_keys[key] = line
            count += 1
            if spec.defines:
                self.known[spec.defines].add(row[spec.key[0]])
            self._check_row(spec, line, row)
        return count

    def _remember_refused(self, spec: FileSpec, row: Row) -> None:
        if spec.defines and row.get(spec.key[0]):
            self.known[spec.defines].add(row[spec.key[0]])
        if spec.name == "staff.csv" and row.get("team"):
            self.known["team"].add(row["team"])

    def _problem(self, file: str, line: int, column: str | None, message: str) -> None:
        self.problems.append(Problem(file, line, column, message))

    def _check_references(self, spec: FileSpec, line: int, row: Row) -> None:
        for column in spec.columns:
            value = row[column.name]
            if column.refers_to and value is not None:
                if spec.name == "staff.csv" and column.name == "line_manager_id":
                    continue  # may name someone further down the file: checked at the end
                if value not in self.known[column.refers_to]:
                    self._problem(spec.name, line, column.name, _unknown(column.refers_to, value))

    def _check_row(self, spec: FileSpec, line: int, row: Row) -> None:
        file = spec.name
        if file == "staff.csv":
            if row["team"]:
                self.known["team"].add(row["team"])
                self.dataset.team_names.add(row["team"])
            self.line_manager[row["staff_id"]] = (row["line_manager_id"], line)
            self.team[row["staff_id"]] = (row["team"], line)
            if row["line_manager_id"] == row["staff_id"]:
                self._problem(
                    file,
                    line,
                    "line_manager_id",
                    "a member of staff cannot be their own line manager",
                )
            return
        self._check_references(spec, line, row)
        if file == "line_management.csv":
            self.dataset.staff_with_history.add(row["staff_id"])
            if row["manager_id"] == row["staff_id"]:
                self._problem(
                    file, line, "manager_id", "a member of staff cannot be their own line manager"
                )
            if row["end_date"] is None:
                self.open_period[row["staff_id"]] = (row["manager_id"], line)
            self.periods.setdefault(row["staff_id"], []).append(
                (row["start_date"], row["end_date"], line)
            )
        elif file == "team_membership.csv":
            # A team named here is a team, as in staff.csv's team column: one that closed in a
            # restructure is still history. A misspelt current team is caught below.
            self.known["team"].add(row["team"])
            self.dataset.team_names.add(row["team"])
            self.dataset.staff_with_team_history.add(row["staff_id"])
            self.team_periods.setdefault(row["staff_id"], []).append(
                (row["start_date"], row["end_date"], line, row["team"])
            )
        elif file == "staff_roles.csv":
            self.dataset.staff_with_roles.add(row["staff_id"])
            self.role_periods.setdefault(row["staff_id"], []).append(
                (row["start_date"], row["end_date"], line, row["role"])
            )
        elif file == "sessions.csv":
            for column, message in session_problems(row):
                self._problem(file, line, column, message)
        elif file == "agreements.csv" and row["staff_id"] == row["supervisor_id"]:
            self._problem(file, line, "supervisor_id", "a supervisor cannot supervise themselves")

    def check_staff_together(self) -> None:
        """What needs the whole of staff.csv: line managers named further down, loops of line
        managers, and line_management.csv's periods against each other and staff.csv."""
        for manager_id, line in self.line_manager.values():
            if manager_id is not None and manager_id not in self.known["staff"]:
                self._problem("staff.csv", line, "line_manager_id", _unknown("staff", manager_id))
        self._check_loops()
        for staff_id, periods in self.periods.items():
            periods.sort()
            for (_, end, _), (start, _, line) in itertools.pairwise(periods):
                if end is None or end >= start:
                    self._problem(
                        "line_management.csv",
                        line,
                        "start_date",
                        f"{staff_id} already has a line manager on {start}: periods of line "
                        "management for one person must not overlap",
                    )
            named = self.line_manager.get(staff_id)
            if named is None:
                continue
            open_manager = self.open_period.get(staff_id, (None, 0))[0]
            if named[0] != open_manager:
                self._problem(
                    "staff.csv",
                    named[1],
                    "line_manager_id",
                    f"'{named[0] or ''}' is not the manager of {staff_id}'s open period in "
                    f"line_management.csv ('{open_manager or ''}'): make them agree",
                )

        self._check_dated_periods("team_membership.csv", self.team_periods, "in a team")
        self._check_dated_periods("staff_roles.csv", self.role_periods, "in a job role")
        self._check_current_teams()

    def _check_dated_periods(
        self,
        file: str,
        by_staff: dict[str, list[tuple[dt.date, dt.date | None, int, str]]],
        what: str,
    ) -> None:
        """One person's periods in a file of dated periods may not overlap: they are in one team
        (one role) at a time."""
        for staff_id, periods in by_staff.items():
            periods.sort(key=lambda p: (p[0], p[2]))
            for (_, end, earlier_line, name), (start, _, line, _) in itertools.pairwise(periods):
                if end is None or end >= start:
                    until = "with no end date" if end is None else f"until {end}"
                    self._problem(
                        file,
                        line,
                        "start_date",
                        f"{staff_id} is already {what} on {start} ('{shown(name)}' on line "
                        f"{earlier_line}, {until}): one person's periods must not overlap; end "
                        "the earlier one the day before",
                    )

    def _check_current_teams(self) -> None:
        """team_membership.csv's latest period of each person is their team in staff.csv: open
        and in that team, or ended when staff.csv gives them no team."""
        for staff_id, periods in self.team_periods.items():
            named = self.team.get(staff_id)
            if named is None:
                continue  # not in staff.csv: their team now is taken from the file
            start, end, line, team = max(periods, key=lambda p: (p[0], p[2]))
            if named[0] is None and end is None:
                self._problem(
                    "team_membership.csv",
                    line,
                    "end_date",
                    f"is empty, but staff.csv gives {staff_id} no team: end their period in "
                    f"'{shown(team)}', or give them that team in staff.csv",
                )
            elif named[0] is not None and (team != named[0] or end is not None):
                self._problem(
                    "staff.csv",
                    named[1],
                    "team",
                    f"'{shown(named[0])}' is not the team of {staff_id}'s open period in "
                    f"team_membership.csv (their latest is '{shown(team)}' from {start}"
                    + (f" to {end}" if end else "")
                    + "): make them agree",
                )

    def _check_loops(self) -> None:
        managers = {s: m for s, (m, _) in self.line_manager.items() if m}
        reported: set[str] = set()
        for start in managers:
            chain = [start]
            on_chain = {start}
            current = managers.get(start)
            while current is not None and current not in on_chain and current not in reported:
                chain.append(current)
                on_chain.add(current)
                current = managers.get(current)
            if current is None or current in reported or current not in on_chain:
                reported.update(chain)
                continue
            loop = chain[chain.index(current) :]
            reported.update(chain)
            first = min(loop)
            self._problem(
                "staff.csv",
                self.line_manager[first][1],
                "line_manager_id",
                "line managers go round in a loop ("
                + " manages ".join(shown(s, 20) for s in [*loop[::-1], loop[-1]][:12])
                + "): give one of them a line manager outside the loop",
            )


def _key_text(key: Any) -> str:
    return ", ".join(shown(str(k)) for k in (key if isinstance(key, tuple) else (key,)))


def _unknown(kind: str, value: str) -> str:
    where = {
        "staff": "staff.csv",
        "case": "cases.csv",
        "session": "sessions.csv",
        "team": "the team column of staff.csv",
    }[kind]
    return f"unknown {kind} id '{shown(value)}': add it to {where} or correct the id"


def to_facts(dataset: DataSet) -> facts.Facts:
    """The data set as the engine's facts. A staff member's line management is their periods in
    line_management.csv if it has any, else their line manager in staff.csv from their start."""
    cases_by_session: dict[str, list[str]] = {}
    for row in dataset["session_cases.csv"]:
        cases_by_session.setdefault(row["session_id"], []).append(row["case_id"])
    staff = dataset["staff.csv"]
    return facts.Facts(
        staff=tuple(
            facts.Staff(
                staff_id=r["staff_id"],
                category=r["category"],
                start_date=r["start_date"],
                end_date=r["end_date"],
                team=r["team"],
                asye_start=r["asye_start"],
                name=r["name"],
            )
            for r in staff
        ),
        line_management=(
            *(
                facts.LineManagement(r["staff_id"], r["manager_id"], r["start_date"], r["end_date"])
                for r in dataset["line_management.csv"]
            ),
            *(
                facts.LineManagement(r["staff_id"], r["line_manager_id"], r["start_date"])
                for r in staff
                if r["line_manager_id"] and r["staff_id"] not in dataset.staff_with_history
            ),
        ),
        cases=tuple(
            facts.Case(r["case_id"], r["open_date"], r["close_date"]) for r in dataset["cases.csv"]
        ),
        allocations=tuple(
            facts.Allocation(r["case_id"], r["worker_id"], r["start_date"], r["end_date"])
            for r in dataset["allocations.csv"]
        ),
        case_statuses=tuple(
            facts.CaseStatus(r["case_id"], r["status"], r["start_date"], r["end_date"])
            for r in dataset["case_statuses.csv"]
        ),
        case_events=tuple(
            facts.CaseEvent(r["case_id"], r["event"], r["date"]) for r in dataset["case_events.csv"]
        ),
        sessions=tuple(
            facts.Session(
                session_id=r["session_id"],
                type=r["type"],
                date=r["date"],
                supervisor_id=r["supervisor_id"],
                supervisee_id=r["supervisee_id"],
                team=r["team"],
                duration_minutes=r["duration_minutes"],
                recorded_date=r["recorded_date"],
                case_ids=tuple(cases_by_session.get(r["session_id"], ())),
            )
            for r in dataset["sessions.csv"]
        ),
        agreements=tuple(
            facts.Agreement(r["staff_id"], r["supervisor_id"], r["signed_date"], r["frequency"])
            for r in dataset["agreements.csv"]
        ),
        team_memberships=tuple(
            facts.TeamMembership(r["staff_id"], r["team"], r["start_date"], r["end_date"])
            for r in dataset["team_membership.csv"]
        ),
    )
