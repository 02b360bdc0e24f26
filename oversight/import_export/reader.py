"""Read and check a supervision data set folder (DATA.md) without touching the database.

Plain Python on purpose: the importer writes what this returns, and the conformance tests hand the
same rows straight to the obligations engine, so both paths read the data set one way.

Every problem is collected, not just the first, as `file:line: column: what is wrong`, so a council
can mend a whole export in one pass.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from oversight.engine import facts
from oversight.engine.periods import parse_period

Row = dict[str, Any]


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
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# --- cell parsers: each returns the typed value or raises ValueError with a message for people.


def _text(value: str) -> str:
    return value


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"'{value}' is not a date: write it as YYYY-MM-DD, e.g. 2025-04-01"
        ) from None


def _minutes(value: str) -> int:
    if not value.isdigit() or int(value) == 0:
        raise ValueError(f"'{value}' is not a number of minutes: write a whole number such as 60")
    return int(value)


def _period(value: str) -> str:
    period = parse_period(value)
    if period.count == 0:
        raise ValueError(f"'{value}' is not a frequency: supervision cannot be every 0 days")
    return str(period)


def _choice(options: Iterable[str], what: str) -> Callable[[str], str]:
    allowed = tuple(options)

    def parse(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"unknown {what} '{value}': use one of {', '.join(allowed)}")
        return value

    return parse


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[str], Any] = _text
    required: bool = False  # a value must be given
    refers_to: str | None = None  # "staff", "case", "session" or "team"
    optional_column: bool = False  # the column itself may be absent from the header


@dataclass(frozen=True)
class FileSpec:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    defines: str | None = None  # the kind of id this file introduces
    # (start, end) column pairs where the end may not come before the start
    ordered: tuple[tuple[str, str], ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


FILES: tuple[FileSpec, ...] = (
    FileSpec(
        "staff.csv",
        (
            Column("staff_id", required=True),
            Column("name", required=True),
            Column("email"),
            Column("category", _choice(facts.STAFF_CATEGORIES, "category"), required=True),
            Column("team"),
            Column("line_manager_id", refers_to="staff"),
            Column("start_date", _date, required=True),
            Column("end_date", _date),
            Column("asye_start", _date),
            Column("swe_number", optional_column=True),
        ),
        key=("staff_id",),
        defines="staff",
        ordered=(("start_date", "end_date"),),
    ),
    FileSpec(
        "cases.csv",
        (
            Column("case_id", required=True),
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
            Column("session_id", required=True),
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


@dataclass
class DataSet:
    """The checked rows of each file, in file order, with the line each came from."""

    rows: dict[str, list[Row]] = field(default_factory=dict)
    lines: dict[str, list[int]] = field(default_factory=dict)
    # ids and team names named by rows refused for another reason: other files may still refer to
    # them without adding a second, misleading problem
    named_in_refused_rows: dict[str, set[str]] = field(default_factory=dict)

    def __getitem__(self, file_name: str) -> list[Row]:
        return self.rows.get(file_name, [])

    def team_names(self) -> set[str]:
        return {r["team"] for r in self["staff.csv"] if r["team"]}


def read_dataset(folder: Path, existing: Mapping[str, set[str]] | None = None) -> DataSet:
    """Read every data set file in `folder`; raise DataSetError listing every problem found.

    `existing` names ids already known elsewhere (the database), by kind, so a folder may refer to
    staff or cases loaded before.
    """
    folder = Path(folder)
    problems: list[Problem] = []
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
    if not (folder / "staff.csv").exists():
        problems.append(Problem("staff.csv", None, None, "missing: every data set needs staff.csv"))

    dataset = DataSet()
    for spec in FILES:
        path = folder / spec.name
        if path.exists():
            rows, lines = _read_file(path, spec, problems, dataset.named_in_refused_rows)
            dataset.rows[spec.name] = rows
            dataset.lines[spec.name] = lines

    _check_references(dataset, existing or {}, problems)
    _check_rows_together(dataset, problems)
    if problems:
        order = {name: i for i, name in enumerate(SPECS)}
        problems.sort(key=lambda p: (order.get(p.file, -1), p.line or 0))
        raise DataSetError(problems)
    return dataset


def _read_file(
    path: Path, spec: FileSpec, problems: list[Problem], named_in_refused_rows: dict[str, set[str]]
) -> tuple[list[Row], list[int]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        problems.append(Problem(spec.name, None, None, "is not UTF-8 text: save it as CSV UTF-8"))
        return [], []
    reader = csv.reader(text.splitlines())
    header = next(reader, None)
    if header is None:
        problems.append(Problem(spec.name, 1, None, "is empty: it needs a header row"))
        return [], []
    header = [h.strip() for h in header]
    unknown = [h for h in header if h not in spec.column_names]
    for name in unknown:
        problems.append(
            Problem(
                spec.name,
                1,
                name,
                f"unknown column: the columns are {', '.join(spec.column_names)}",
            )
        )
    for column in spec.columns:
        if column.name not in header and not column.optional_column:
            problems.append(
                Problem(spec.name, 1, column.name, "missing column: add it to the header")
            )
    if unknown or len(set(header)) != len(header):
        if len(set(header)) != len(header):
            problems.append(Problem(spec.name, 1, None, "a column is named twice in the header"))
        return [], []

    columns = {c.name: c for c in spec.columns}
    rows: list[Row] = []
    lines: list[int] = []
    seen_keys: dict[tuple[Any, ...], int] = {}
    for line_number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            problems.append(
                Problem(
                    spec.name,
                    line_number,
                    None,
                    f"has {len(cells)} cells but the header has {len(header)}: "
                    "check for a stray comma",
                )
            )
            continue
        row: Row = {}
        row_ok = True
        for name, raw in zip(header, cells, strict=True):
            column = columns[name]
            value = raw.strip()
            if not value:
                if column.required:
                    problems.append(
                        Problem(spec.name, line_number, name, "is empty: a value is required")
                    )
                    row_ok = False
                row[name] = None
                continue
            try:
                row[name] = column.parse(value)
            except ValueError as error:
                problems.append(Problem(spec.name, line_number, name, str(error)))
                row_ok = False
        for name in spec.column_names:
            row.setdefault(name, None)
        for start, end in spec.ordered:
            if row_ok and row[start] and row[end] and row[end] < row[start]:
                problems.append(
                    Problem(
                        spec.name,
                        line_number,
                        end,
                        f"{row[end]} is before {start} {row[start]}: correct one of the dates",
                    )
                )
                row_ok = False
        if not row_ok:
            if spec.defines and row.get(spec.key[0]):
                named_in_refused_rows.setdefault(spec.defines, set()).add(row[spec.key[0]])
            if spec.name == "staff.csv" and row.get("team"):
                named_in_refused_rows.setdefault("team", set()).add(row["team"])
            continue
        key = tuple(row[k] for k in spec.key)
        if key in seen_keys:
            problems.append(
                Problem(
                    spec.name,
                    line_number,
                    spec.key[0] if len(spec.key) == 1 else None,
                    f"duplicate {', '.join(spec.key)} {', '.join(str(k) for k in key)}: "
                    f"already on line {seen_keys[key]}",
                )
            )
            continue
        seen_keys[key] = line_number
        rows.append(row)
        lines.append(line_number)
    return rows, lines


def _check_references(
    dataset: DataSet, existing: Mapping[str, set[str]], problems: list[Problem]
) -> None:
    known: dict[str, set[str]] = {kind: set(ids) for kind, ids in existing.items()}
    for kind, ids in dataset.named_in_refused_rows.items():
        known.setdefault(kind, set()).update(ids)
    for spec in FILES:
        if spec.defines:
            known.setdefault(spec.defines, set()).update(r[spec.key[0]] for r in dataset[spec.name])
    known.setdefault("team", set()).update(dataset.team_names())
    for spec in FILES:
        for row, line in zip(dataset[spec.name], dataset.lines.get(spec.name, []), strict=True):
            for column in spec.columns:
                value = row[column.name]
                if column.refers_to and value is not None and value not in known[column.refers_to]:
                    problems.append(
                        Problem(spec.name, line, column.name, _unknown(column.refers_to, value))
                    )


def _unknown(kind: str, value: str) -> str:
    where = {
        "staff": "staff.csv",
        "case": "cases.csv",
        "session": "sessions.csv",
        "team": "the team column of staff.csv",
    }[kind]
    return f"unknown {kind} id '{value}': add it to {where} or correct the id"


def _check_rows_together(dataset: DataSet, problems: list[Problem]) -> None:
    for row, line in zip(dataset["staff.csv"], dataset.lines.get("staff.csv", []), strict=True):
        if row["line_manager_id"] == row["staff_id"]:
            problems.append(
                Problem(
                    "staff.csv",
                    line,
                    "line_manager_id",
                    "a member of staff cannot be their own line manager",
                )
            )
    for row, line in zip(
        dataset["sessions.csv"], dataset.lines.get("sessions.csv", []), strict=True
    ):
        if row["type"] == "group":
            if not row["team"]:
                problems.append(
                    Problem("sessions.csv", line, "team", "a group session must name its team")
                )
            if row["supervisee_id"]:
                problems.append(
                    Problem(
                        "sessions.csv",
                        line,
                        "supervisee_id",
                        "a group session has no single supervisee: leave it empty",
                    )
                )
        elif not row["supervisee_id"]:
            problems.append(
                Problem(
                    "sessions.csv",
                    line,
                    "supervisee_id",
                    f"is empty: a {row['type']} session needs the supervisee's staff id",
                )
            )
    for row, line in zip(
        dataset["agreements.csv"], dataset.lines.get("agreements.csv", []), strict=True
    ):
        if row["staff_id"] == row["supervisor_id"]:
            problems.append(
                Problem(
                    "agreements.csv",
                    line,
                    "supervisor_id",
                    "a supervisor cannot supervise themselves",
                )
            )


def to_facts(dataset: DataSet) -> facts.Facts:
    """The data set as the engine's facts; a staff member's line manager runs from their start."""
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
        line_management=tuple(
            facts.LineManagement(r["staff_id"], r["line_manager_id"], r["start_date"])
            for r in staff
            if r["line_manager_id"]
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
    )
