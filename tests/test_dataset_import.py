"""Importing a supervision data set folder (DATA.md): all or nothing, every problem named."""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from oversight.audit.actor import Actor
from oversight.facts.planner import FACT_MODELS
from oversight.import_export.exporter import export_folder
from oversight.import_export.importer import import_folder
from oversight.import_export.reader import SPECS, DataSetError
from oversight.organisation.models import Staff, StaffRole, Team
from oversight.organisation.transfers import move_to_team
from oversight.supervision.models import Session
from tests.paths import conformance_folders

pytestmark = pytest.mark.django_db
CHANGED_ON = dt.date(2026, 1, 5)
MODELS = FACT_MODELS  # every table a data set fills


def table_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def read_rows(path: Path) -> set[tuple[tuple[str, str], ...]]:
    with path.open(encoding="utf-8-sig") as f:
        return {tuple(sorted(row.items())) for row in csv.DictReader(f)}


def edit_csv(path: Path, line: int, column: str, value: str) -> None:
    """Set one cell; `line` counts like an editor, the header being line 1."""
    with path.open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    rows[line - 1][rows[0].index(column)] = value
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def problems_for(folder: Path) -> list[str]:
    with pytest.raises(DataSetError) as raised:
        import_folder(folder, changed_on=CHANGED_ON)
    return [str(p) for p in raised.value.problems]


@pytest.mark.parametrize("folder", conformance_folders(), ids=lambda p: p.name)
def test_it_imports_every_conformance_data_set(folder: Path) -> None:
    import_folder(folder, changed_on=CHANGED_ON)

    assert Staff.objects.count() == len(read_rows(folder / "staff.csv"))
    if (folder / "sessions.csv").exists():
        assert Session.objects.count() == len(read_rows(folder / "sessions.csv"))


@pytest.mark.parametrize("folder", conformance_folders(), ids=lambda p: p.name)
def test_it_changes_nothing_when_the_same_folder_is_imported_again(folder: Path) -> None:
    import_folder(folder, changed_on=CHANGED_ON)
    before = table_counts()

    summary = import_folder(folder, changed_on=CHANGED_ON)

    assert table_counts() == before
    assert all(n == 0 for n in summary.created.values())
    assert all(n == 0 for n in summary.updated.values())


@pytest.mark.parametrize("folder", conformance_folders(), ids=lambda p: p.name)
def test_it_exports_the_same_rows_it_imported(folder: Path, tmp_path: Path) -> None:
    import_folder(folder, changed_on=CHANGED_ON)

    export_folder(tmp_path)

    for name in SPECS:
        if not (folder / name).exists():
            continue
        exported = {
            tuple((k, v) for k, v in row if k in dict(next(iter(read_rows(folder / name)), ())))
            for row in read_rows(tmp_path / name)
        }
        assert exported == read_rows(folder / name), name


def test_it_round_trips_an_export_through_a_second_import(tmp_path: Path) -> None:
    for folder in conformance_folders():
        import_folder(folder, changed_on=CHANGED_ON)
    # With some history in it: someone who moved team, and job roles.
    mover = Staff.objects.exclude(team=None).order_by("staff_id").first()
    assert mover is not None
    other_team = Team.objects.exclude(pk=mover.team_id).order_by("name").first()
    move_to_team(mover, other_team, CHANGED_ON, by=Actor(None))
    StaffRole.objects.create(staff=mover, role="Social worker", start_date=mover.start_date)
    export_folder(tmp_path / "first")
    before = table_counts()

    import_folder(tmp_path / "first", changed_on=CHANGED_ON)
    export_folder(tmp_path / "second")

    assert table_counts() == before
    for name in SPECS:
        assert (tmp_path / "first" / name).read_text() == (tmp_path / "second" / name).read_text()
    assert len((tmp_path / "second" / "team_membership.csv").read_text().splitlines()) > 2
    assert "Social worker" in (tmp_path / "second" / "staff_roles.csv").read_text()


def test_it_refuses_an_unknown_staff_id(dataset_copy) -> None:
    folder = dataset_copy()
    edit_csv(folder / "allocations.csv", 3, "worker_id", "S99")

    assert problems_for(folder) == [
        "allocations.csv:3: worker_id: unknown staff id 'S99': "
        "add it to staff.csv or correct the id"
    ]
    assert Staff.objects.count() == 0


def test_it_refuses_a_bad_date(dataset_copy) -> None:
    folder = dataset_copy()
    edit_csv(folder / "sessions.csv", 2, "date", "10/04/2025")

    assert problems_for(folder) == [
        "sessions.csv:2: date: '10/04/2025' is not a date: write it as YYYY-MM-DD, e.g. 2025-04-01"
    ]


def test_it_refuses_an_end_before_the_start(dataset_copy) -> None:
    folder = dataset_copy()
    edit_csv(folder / "allocations.csv", 2, "end_date", "2024-01-01")

    assert problems_for(folder) == [
        "allocations.csv:2: end_date: 2024-01-01 is before start_date 2024-06-03: "
        "correct one of the dates"
    ]


def test_it_refuses_an_unknown_category(dataset_copy) -> None:
    folder = dataset_copy()
    edit_csv(folder / "staff.csv", 4, "category", "social_worker")

    assert problems_for(folder) == [
        "staff.csv:4: category: unknown category 'social_worker': use one of case_holder, "
        "conference_chair, non_case_holder, support_staff, manager"
    ]


def test_it_refuses_an_unknown_status_session_type_and_event(dataset_copy) -> None:
    folder = dataset_copy()
    edit_csv(folder / "case_statuses.csv", 2, "status", "cin")
    edit_csv(folder / "sessions.csv", 3, "type", "one_to_one")
    edit_csv(folder / "case_events.csv", 2, "event", "court")

    problems = problems_for(folder)

    assert [p.split(": use one of")[0] for p in problems] == [
        "case_statuses.csv:2: status: unknown status 'cin'",
        "sessions.csv:3: type: unknown session type 'one_to_one'",
        "case_events.csv:2: event: unknown event 'court'",
    ]


def test_it_refuses_a_duplicate_id(dataset_copy) -> None:
    folder = dataset_copy()
    with (folder / "staff.csv").open("a") as f:
        f.write("S01,Someone Else,se@example.org,case_holder,Team A,M01,2024-01-01,,\n")

    assert problems_for(folder) == [
        "staff.csv:7: staff_id: duplicate staff_id S01: already on line 4"
    ]


def test_it_refuses_a_duplicate_key_of_a_row_without_an_id(dataset_copy) -> None:
    folder = dataset_copy()
    with (folder / "case_statuses.csv").open("a") as f:
        f.write("C01,child_in_need,2024-06-03,2025-01-01\n")

    assert problems_for(folder) == [
        "case_statuses.csv:7: duplicate case_id, status, start_date C01, child_in_need, "
        "2024-06-03: already on line 2"
    ]


def test_it_refuses_an_unknown_column(dataset_copy) -> None:
    folder = dataset_copy()
    text = (folder / "cases.csv").read_text().replace("close_date", "closed", 1)
    (folder / "cases.csv").write_text(text)

    problems = problems_for(folder)

    assert problems[:2] == [
        "cases.csv:1: closed: unknown column: the columns are case_id, open_date, close_date, "
        "display_name, date_of_birth",
        "cases.csv:1: close_date: missing column: add it to the header",
    ]


def test_it_lists_every_problem_at_once_and_writes_nothing(dataset_copy) -> None:
    call_command(
        "import", dataset_copy("01-bedford-professional-supervision"), "--changed-on", "2026-01-05"
    )
    before = table_counts()
    names_before = dict(Staff.objects.values_list("staff_id", "name"))
    folder = dataset_copy()
    edit_csv(folder / "staff.csv", 2, "name", "Renamed Head of Service")
    edit_csv(folder / "staff.csv", 3, "start_date", "2020-13-01")
    edit_csv(folder / "allocations.csv", 2, "case_id", "C404")
    edit_csv(folder / "sessions.csv", 4, "recorded_date", "2025-01-01")

    problems = problems_for(folder)

    assert len(problems) == 3
    assert problems[0].startswith("staff.csv:3: start_date: '2020-13-01' is not a date")
    assert problems[1].startswith("allocations.csv:2: case_id: unknown case id 'C404'")
    assert problems[2].startswith("sessions.csv:4: recorded_date: 2025-01-01 is before date")
    assert table_counts() == before
    assert dict(Staff.objects.values_list("staff_id", "name")) == names_before


def test_it_requires_staff_csv(tmp_path: Path) -> None:
    (tmp_path / "cases.csv").write_text("case_id,open_date,close_date\nC1,2025-01-01,\n")

    assert problems_for(tmp_path) == ["staff.csv: missing: every data set needs staff.csv"]


def test_it_refuses_a_file_it_does_not_know(dataset_copy) -> None:
    folder = dataset_copy()
    (folder / "sesions.csv").write_text("session_id\n")

    assert problems_for(folder)[0].startswith(
        "sesions.csv: unknown file: a data set holds only staff.csv"
    )


def test_it_refuses_an_agreement_frequency_that_is_not_a_period(dataset_copy) -> None:
    folder = dataset_copy("01-bedford-professional-supervision")
    edit_csv(folder / "agreements.csv", 7, "frequency", "fortnightly")

    [problem] = problems_for(folder)

    assert problem.startswith("agreements.csv:7: frequency: 'fortnightly' is not a period")


def test_it_accepts_references_to_staff_already_in_the_database(
    tmp_path: Path, dataset_copy
) -> None:
    import_folder(dataset_copy(), changed_on=CHANGED_ON)
    (tmp_path / "staff.csv").write_text(
        "staff_id,name,email,category,team,line_manager_id,start_date,end_date,asye_start\n"
        "S50,New Worker,nw@example.org,case_holder,Team A,M01,2025-09-01,,2025-09-01\n"
    )

    import_folder(tmp_path, changed_on=CHANGED_ON)

    assert Staff.objects.get(staff_id="S50").line_manager_on(dt.date(2025, 9, 1)).staff_id == "M01"


def test_it_keeps_line_management_history_when_the_supervisor_changes(dataset_copy) -> None:
    folder = dataset_copy()
    import_folder(folder, changed_on=CHANGED_ON)
    edit_csv(folder / "staff.csv", 4, "line_manager_id", "H01")

    import_folder(folder, changed_on=dt.date(2025, 5, 1))

    s01 = Staff.objects.get(staff_id="S01")
    assert s01.line_manager_on(dt.date(2025, 4, 30)).staff_id == "M01"
    assert s01.line_manager_on(dt.date(2025, 5, 1)).staff_id == "H01"
    assert s01.line_management.count() == 2


def test_the_command_exits_2_with_every_problem_and_no_traceback(
    dataset_copy, tmp_path: Path
) -> None:
    folder = dataset_copy()
    edit_csv(folder / "allocations.csv", 3, "worker_id", "S99")
    edit_csv(folder / "cases.csv", 2, "open_date", "yesterday")
    database = tmp_path / "cli.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{database}", "OVERSIGHT_DATA_DIR": str(tmp_path), "PATH": ""}
    oversight = Path(sys.executable).parent / "oversight"
    subprocess.run([oversight, "migrate", "-v0"], env=env, check=True)

    result = subprocess.run([oversight, "import", folder], env=env, capture_output=True, text=True)

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "cases.csv:2: open_date: 'yesterday' is not a date" in result.stderr
    assert "allocations.csv:3: worker_id: unknown staff id 'S99'" in result.stderr
    assert "2 problem(s)" in result.stderr


def test_it_keeps_the_completed_date_of_a_record_written_in_oversight(dataset_copy) -> None:
    from oversight.records.models import Record
    from tests.factories import ProfessionalRecordFactory, UserFactory

    folder = dataset_copy()
    edit_csv(folder / "sessions.csv", 11, "recorded_date", "")  # X10: not yet recorded
    import_folder(folder, changed_on=CHANGED_ON)
    session = Session.objects.get(session_id="X10")
    session.supervisor.user = UserFactory()
    session.supervisor.save()
    ProfessionalRecordFactory(session=session)
    Record.objects.get(pk=session.pk).send_to_worker(
        by=session.supervisor.user, on=dt.date(2025, 4, 20)
    )
    edit_csv(folder / "sessions.csv", 11, "recorded_date", "2025-04-30")

    import_folder(folder, changed_on=CHANGED_ON)

    assert Session.objects.get(session_id="X10").recorded_date == dt.date(2025, 4, 20)
