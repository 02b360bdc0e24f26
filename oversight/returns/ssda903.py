"""Read an SSDA903 return (looked-after children): header.csv, episodes.csv and sw_episodes.csv,
from a folder (the command line) or a zip of them (the browser). docs/standard-returns.md gives
every mapping decision. Dates are dd/mm/yyyy; every problem is collected with its file, line and
column."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

from oversight.files.uploads import AbsurdArchive, check_archive_sizes
from oversight.import_export.reader import ID_LENGTH, MAX_PROBLEMS, Problem, shown
from oversight.returns.annex_a import Episode, parse_return_date

HEADER, EPISODES, SW_EPISODES = "header.csv", "episodes.csv", "sw_episodes.csv"
COLUMNS = {
    HEADER: ("CHILD", "DOB"),
    EPISODES: ("CHILD", "DECOM", "LS", "DEC"),
    SW_EPISODES: ("CHILD", "SW_ID", "SW_DECOM", "SW_DEC"),
}
SHORT_BREAKS = {"V3", "V4"}
# Legal statuses that say more than "looked after": an interim care order is made during care
# proceedings; a placement order means adoption is the agreed plan for permanence.
ALSO = {"C1": "care_proceedings", "E1": "permanence_plan"}


@dataclass(frozen=True)
class WorkerPeriod:
    line: int
    case_id: str
    swe_number: str
    start_date: dt.date
    end_date: dt.date | None


@dataclass
class Ssda903:
    episodes: list[Episode] = field(default_factory=list)
    workers: list[WorkerPeriod] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    more_problems: int = 0

    def problem(self, file: str, line: int | None, column: str | None, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(file, line, column, message))
        else:
            self.more_problems += 1


@dataclass(frozen=True)
class _Row:
    line: int
    cells: dict[str, str]


def is_ssda903(folder: Path) -> bool:
    return folder.is_dir() and (folder / EPISODES).exists() and (folder / HEADER).exists()


def ssda903_names(names: list[str]) -> list[str]:
    """The files of an SSDA903 return Oversight reads, among `names` (paths in a zip, or the
    names of files uploaded together), by their file name in any letter case."""
    return [n for n in names if PurePosixPath(n.replace("\\", "/")).name.lower() in COLUMNS]


def read_ssda903_archive(stream: IO[bytes], label: str) -> Ssda903:
    """The return from a zip of its CSV files (in a folder inside it or not); the files Oversight
    does not read are passed over. A zip that cannot be read is one problem naming it."""
    found = Ssda903()
    with tempfile.TemporaryDirectory(prefix="oversight-ssda903-") as folder:
        try:
            stream.seek(0)
            with zipfile.ZipFile(stream) as archive:
                infos = archive.infolist()
                check_archive_sizes(infos)
                taken: dict[str, str] = {}
                for info in infos:
                    if info.is_dir() or not ssda903_names([info.filename]):
                        continue
                    name = PurePosixPath(info.filename.replace("\\", "/")).name.lower()
                    if name in taken:
                        found.problem(
                            name,
                            None,
                            None,
                            f"is in the zip twice ({taken[name]} and {info.filename}): keep one",
                        )
                        continue
                    taken[name] = info.filename
                    with archive.open(info) as part, (Path(folder) / name).open("wb") as copy:
                        shutil.copyfileobj(part, copy)
        except AbsurdArchive:
            found.problem(
                label,
                None,
                None,
                "expands to far more than a return would: zip the CSV files again and upload that",
            )
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError) as error:
            found.problem(
                label, None, None, f"cannot be read as a zip of CSV files ({error}): zip them again"
            )
        if found.problems:
            return found
        return read_ssda903(Path(folder))


def read_ssda903(folder: Path) -> Ssda903:
    found = Ssda903()
    for name in COLUMNS:
        if not (folder / name).exists():
            found.problem(name, None, None, f"missing: an SSDA903 return needs {name}")
    if found.problems:
        return found
    births: dict[str, dt.date | None] = {}
    for row in _rows(found, folder, HEADER):
        births[row.cells["CHILD"]] = _date(found, HEADER, row, "DOB", required=False)
    _read_episodes(found, folder, births)
    for row in _rows(found, folder, SW_EPISODES):
        start = _date(found, SW_EPISODES, row, "SW_DECOM", required=True)
        end = _date(found, SW_EPISODES, row, "SW_DEC", required=False)
        if not row.cells["SW_ID"]:
            found.problem(SW_EPISODES, row.line, "SW_ID", "is empty: give the worker's number")
        if start and end and end < start:
            found.problem(SW_EPISODES, row.line, "SW_DEC", f"{end:%d/%m/%Y} is before SW_DECOM")
        elif start and row.cells["SW_ID"]:
            found.workers.append(
                WorkerPeriod(row.line, row.cells["CHILD"], row.cells["SW_ID"], start, end)
            )
    return found


def _read_episodes(found: Ssda903, folder: Path, births: dict[str, dt.date | None]) -> None:
    by_child: dict[str, list[tuple[int, str, dt.date, dt.date | None]]] = {}
    for row in _rows(found, folder, EPISODES):
        start = _date(found, EPISODES, row, "DECOM", required=True)
        end = _date(found, EPISODES, row, "DEC", required=False)
        legal_status = row.cells["LS"].upper()
        if not legal_status:
            found.problem(EPISODES, row.line, "LS", "is empty: give the legal status")
            continue
        if start and end and end < start:
            found.problem(EPISODES, row.line, "DEC", f"{end:%d/%m/%Y} is before DECOM")
            continue
        if start:
            by_child.setdefault(row.cells["CHILD"], []).append((row.line, legal_status, start, end))
    for case_id, rows in by_child.items():
        statuses: dict[str, list[tuple[int, dt.date, dt.date | None]]] = {}
        for line, legal_status, start, end in sorted(rows, key=lambda r: r[2]):
            main = "short_breaks" if legal_status in SHORT_BREAKS else "looked_after"
            for status in (main, ALSO.get(legal_status)):
                if status:
                    statuses.setdefault(status, []).append((line, start, end))
        for status, periods in statuses.items():
            for line, start, end in _joined(periods):
                found.episodes.append(
                    Episode(
                        sheet=EPISODES,
                        row=line,
                        list_number=0,
                        case_id=case_id,
                        status=status,
                        start_date=start,
                        end_date=end,
                        date_of_birth=births.get(case_id),
                        team="",
                        worker="",
                    )
                )


def _joined(
    periods: list[tuple[int, dt.date, dt.date | None]],
) -> Iterator[tuple[int, dt.date, dt.date | None]]:
    """Episodes where one ends the day the next starts (a change of placement or legal status
    within one period of care) as one period, dated from the first."""
    current: tuple[int, dt.date, dt.date | None] | None = None
    for line, start, end in periods:
        if current is not None and current[2] is not None and current[2] >= start:
            current = (current[0], current[1], end if end is None else max(end, current[2]))
            continue
        if current is not None:
            yield current
        current = (line, start, end)
    if current is not None:
        yield current


def _rows(found: Ssda903, folder: Path, name: str) -> Iterator[_Row]:
    wanted = COLUMNS[name]
    try:
        with (folder / name).open(encoding="utf-8-sig", newline="") as stream:
            reader = csv.reader(stream)
            header = [h.strip().upper() for h in next(reader, [])]
            missing = [c for c in wanted if c not in header]
            for column in missing:
                found.problem(name, 1, column, "missing column: add it to the header")
            if missing:
                return
            for line, cells in zip(itertools.count(2), reader, strict=False):
                if not any(c.strip() for c in cells):
                    continue
                values = {
                    h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)
                }
                child = values["CHILD"]
                if not child:
                    found.problem(name, line, "CHILD", "is empty: give the child's id")
                    continue
                if len(child) > ID_LENGTH:
                    found.problem(name, line, "CHILD", f"'{shown(child)}' is too long")
                    continue
                yield _Row(line, values)
    except (UnicodeDecodeError, csv.Error) as error:
        found.problem(name, None, None, f"cannot be read as CSV UTF-8 ({error})")


def _date(found: Ssda903, name: str, row: _Row, column: str, *, required: bool) -> dt.date | None:
    value = row.cells.get(column, "")
    if not value:
        if required:
            found.problem(name, row.line, column, "is empty: a date is required")
        return None
    try:
        return parse_return_date(value)
    except ValueError as error:
        found.problem(name, row.line, column, str(error))
        return None
