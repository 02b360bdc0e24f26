"""Write the database out as a supervision data set folder (DATA.md): the importer's inverse."""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from oversight.cases.models import Allocation, Case, CaseEvent, CaseStatus
from oversight.import_export.reader import SPECS
from oversight.organisation.models import LineManagement, Staff, StaffRole, TeamMembership
from oversight.spreadsheet_safety import spreadsheet_safe
from oversight.supervision.models import (
    SESSION_DATA_SET_FIELDS,
    Agreement,
    Session,
    SessionCase,
)


def staff_row(
    s: Staff,
    line_manager_id: str | None,
    *,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
) -> tuple[Any, ...]:
    """One row of staff.csv, in its columns' order; the dates as given, else as held."""
    return (
        s.staff_id,
        s.name,
        s.email,
        s.category,
        s.team.name if s.team else None,
        line_manager_id,
        start_date or s.start_date,
        end_date or s.end_date,
        s.asye_start,
        s.swe_number,
    )


def export_folder(folder: Path) -> dict[str, int]:
    folder.mkdir(parents=True, exist_ok=True)
    managers = dict(
        LineManagement.objects.current()
        .order_by("start_date")
        .values_list("staff_id", "manager__staff_id")
    )
    tables: dict[str, Iterable[tuple[Any, ...]]] = {
        "staff.csv": (
            staff_row(s, managers.get(s.pk))
            for s in Staff.objects.select_related("team").order_by("staff_id")
        ),
        "line_management.csv": LineManagement.objects.order_by(
            "staff__staff_id", "start_date", "manager__staff_id"
        ).values_list("staff__staff_id", "manager__staff_id", "start_date", "end_date"),
        "team_membership.csv": TeamMembership.objects.order_by(
            "staff__staff_id", "start_date", "team__name"
        ).values_list("staff__staff_id", "team__name", "start_date", "end_date"),
        "staff_roles.csv": StaffRole.objects.order_by(
            "staff__staff_id", "start_date", "role"
        ).values_list("staff__staff_id", "role", "start_date", "end_date"),
        "cases.csv": Case.objects.order_by("case_id").values_list(
            "case_id", "open_date", "close_date", "display_name", "date_of_birth"
        ),
        "allocations.csv": Allocation.objects.order_by(
            "case__case_id", "start_date", "worker__staff_id"
        ).values_list("case__case_id", "worker__staff_id", "start_date", "end_date"),
        "case_statuses.csv": CaseStatus.objects.order_by(
            "case__case_id", "start_date", "status"
        ).values_list("case__case_id", "status", "start_date", "end_date"),
        # The data set holds what happened: a session read from sessions.csv counts from its
        # date, so a booking not yet held (or cancelled) would come back as supervision given.
        "sessions.csv": Session.objects.took_place()
        .order_by("session_id")
        .values_list(*SESSION_DATA_SET_FIELDS),
        "session_cases.csv": SessionCase.objects.filter(session__in=Session.objects.took_place())
        .order_by("session__session_id", "case__case_id")
        .values_list("session__session_id", "case__case_id"),
        "agreements.csv": Agreement.objects.signed()
        .order_by("staff__staff_id", "signed_date", "supervisor__staff_id")
        .values_list("staff__staff_id", "supervisor__staff_id", "signed_date", "frequency"),
        "case_events.csv": CaseEvent.objects.order_by("case__case_id", "date", "event").values_list(
            "case__case_id", "event", "date"
        ),
    }
    counts = {}
    for name, rows in tables.items():
        counts[name] = write_data_set_file(folder / name, SPECS[name].column_names, rows)
    return counts


def export_zip(target: IO[bytes]) -> dict[str, int]:
    """The data set as one zip file (the browser's download): `export_folder` writes the folder
    exactly as `oversight export` does, and each file it wrote goes into the zip as it is."""
    with tempfile.TemporaryDirectory(prefix="oversight-export-") as temporary:
        folder = Path(temporary)
        counts = export_folder(folder)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.iterdir()):
                archive.write(path, arcname=path.name)
    return counts


def _cell(value: Any) -> str:
    """The cell as written: dates ISO, none empty, text safe to open in a spreadsheet (the reader
    undoes that exactly, see oversight/spreadsheet_safety.py)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return spreadsheet_safe(value)


def write_data_set_file(
    path: Path, header: tuple[str, ...], rows: Iterable[tuple[Any, ...]]
) -> int:
    """One data set file as the reader reads it (also used for standard returns translated into
    a data set, oversight/returns/)."""
    count = 0
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([_cell(v) for v in row])
            count += 1
    return count
