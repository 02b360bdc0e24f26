"""Importing an Ofsted Annex A workbook (docs/standard-returns.md): lists 6 to 9 become children,
case statuses and allocations through the data set importer, all or nothing."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command

from oversight.audit.models import AuditEvent
from oversight.cases.models import Allocation, Case, CaseStatus
from oversight.organisation.models import Staff
from oversight.returns.annex_a import read_annex_a
from oversight.returns.formats import ANNEX_A, plan_return
from oversight.returns.plan import ReturnNotReady, apply_plan
from tests.factories import AllocationFactory, CaseFactory, StaffFactory, TeamFactory
from tests.paths import DATA

pytestmark = pytest.mark.django_db
ANNEX_A_FOLDER = DATA / "annex-a"
JAN_2024 = ANNEX_A_FOLDER / "Annex_A_2024_Jan.xlsx"
OLDER = ANNEX_A_FOLDER / "Annex_A_older_layout.xlsx"
TEMPLATE = ANNEX_A_FOLDER / "ofsted_template_with_rows.xlsx"
RETURN_DATE = dt.date(2021, 3, 31)
# The allocated workers the fake workbooks name, with the teams they name.
WORKERS = {
    "Ezra Leigh": "Locality 4 Unit 1",
    "Petra Wills": "Locality 4 Unit 1",
    "Stevie Greenwood": "Locality 4 Unit 1",
    "Rose Cunningham": "Locality 4 Unit 1",
    "Eugene Swift": "Children in Care Team 1",
    "Wyatt Hammond": "Children in Care Team 1",
    "Fatimah Davison": "Children in Care Team 2",
    "Isis Chandler": "Children in Care Team 3",
    "Jae Vang": "Care Leavers Team",
    "Emir Dyer": "Care Leavers Team",
    "Stefan Rees": "Care Leavers Team",
    "Brandon-Lee Hampton": "Care Leavers Team",
    "Aayan Wormald": "Care Leavers Team",
    "Cassius McCarthy": "Care Leavers Team",  # the workbook writes "Mccarthy"
}


def staff_the_workbooks_name(leave_out: tuple[str, ...] = ()) -> dict[str, Staff]:
    teams = {name: TeamFactory(name=name) for name in set(WORKERS.values())}
    return {
        name: StaffFactory(
            staff_id=f"S{i:02d}", name=name, team=teams[team], start_date=dt.date(2015, 1, 5)
        )
        for i, (name, team) in enumerate(WORKERS.items())
        if name not in leave_out
    }


def import_workbook(path: Path, *workers: str) -> None:
    call_command(
        "import",
        str(path),
        changed_on=RETURN_DATE,
        worker=list(workers),
        format=None,
    )


def refused(path: Path, capsys: pytest.CaptureFixture[str], *workers: str) -> str:
    with pytest.raises(SystemExit) as stopped:
        import_workbook(path, *workers)
    assert stopped.value.code == 2
    return capsys.readouterr().err


def fact_counts() -> tuple[int, int, int]:
    return Case.objects.count(), Allocation.objects.count(), CaseStatus.objects.count()


def edited(tmp_path: Path, source: Path = JAN_2024, **changes: object) -> Path:
    """A copy of a workbook with cells changed: `changes` maps "List 7!A2" style names
    (written List_7__A2) to their new values; a value of None for "List_7" drops the sheet."""
    workbook = openpyxl.load_workbook(source)
    for where, value in changes.items():
        sheet_name, _, cell = where.partition("__")
        sheet_name = sheet_name.replace("_", " ")
        if not cell:
            del workbook[sheet_name]
            continue
        workbook[sheet_name][cell] = value
    path = tmp_path / source.name
    workbook.save(path)
    return path


@pytest.mark.parametrize("workbook", [JAN_2024, OLDER], ids=lambda p: p.name)
def test_it_imports_each_layout_of_the_fake_annex_a(workbook: Path) -> None:
    staff_the_workbooks_name()

    import_workbook(workbook)

    assert fact_counts() == (23, 18, 23)


def test_it_reads_the_ofsted_template_whose_first_row_is_a_title() -> None:
    found = read_annex_a(TEMPLATE)

    assert found.problems == []
    assert found.episodes == []  # the template's lists 6 to 9 hold headers only
    import_workbook(TEMPLATE)
    assert fact_counts() == (0, 0, 0)


def test_it_gives_each_child_the_status_and_worker_the_source_rows_say() -> None:
    staff = staff_the_workbooks_name()

    import_workbook(JAN_2024)

    def status(case_id: str) -> list[tuple[str, dt.date, dt.date | None]]:
        return list(
            CaseStatus.objects.filter(case__case_id=case_id).values_list(
                "status", "start_date", "end_date"
            )
        )

    def allocation(case_id: str) -> list[tuple[str, dt.date, dt.date | None]]:
        return list(
            Allocation.objects.filter(case__case_id=case_id).values_list(
                "worker__name", "start_date", "end_date"
            )
        )

    # List 7 row 3: plan from 08/02/2021, no end date, Petra Wills.
    assert status("5358472") == [("child_protection", dt.date(2021, 2, 8), None)]
    assert allocation("5358472") == [("Petra Wills", dt.date(2021, 2, 8), None)]
    # List 7 row 2: a plan that ended on 16/02/2021; the case stays open with Ezra Leigh.
    assert status("10721552") == [("child_protection", dt.date(2020, 11, 23), dt.date(2021, 2, 16))]
    assert allocation("10721552") == [("Ezra Leigh", dt.date(2020, 11, 23), None)]
    assert Case.objects.get(case_id="10721552").close_date is None
    # List 8 row 6: looked after 22/10/2008 to 22/09/2020, Isis Chandler.
    assert status("3623204") == [("looked_after", dt.date(2008, 10, 22), dt.date(2020, 9, 22))]
    assert allocation("3623204") == [("Isis Chandler", dt.date(2008, 10, 22), None)]
    # List 9 row 2: born 07/08/2002, so a care leaver from the eighteenth birthday.
    assert status("7961370") == [("care_leaver", dt.date(2020, 8, 7), None)]
    assert allocation("7961370") == [("Jae Vang", dt.date(2020, 8, 7), None)]
    assert Case.objects.get(case_id="7961370").date_of_birth == dt.date(2002, 8, 7)
    # List 9 row 7 writes "Cassius Mccarthy": matched whatever the case of the letters.
    assert allocation("2295089")[0][0] == staff["Cassius McCarthy"].name
    # List 6 row 2: a child in need plan from 09/06/2010; the worker is #N/A, so no allocation.
    assert status("12598894") == [("child_in_need", dt.date(2010, 6, 9), None)]
    assert allocation("12598894") == []


def test_importing_the_same_workbook_again_changes_nothing() -> None:
    staff_the_workbooks_name()
    import_workbook(JAN_2024)
    before = fact_counts()

    plan = plan_return(ANNEX_A, JAN_2024, changed_on=RETURN_DATE, decisions={})

    assert plan.rows == []
    import_workbook(JAN_2024)
    assert fact_counts() == before


def test_a_new_worker_takes_over_from_the_returns_date_and_the_old_allocation_ends() -> None:
    staff = staff_the_workbooks_name()
    child = CaseFactory(case_id="5358472", open_date=dt.date(2021, 2, 8))
    AllocationFactory(case=child, worker=staff["Ezra Leigh"], start_date=dt.date(2021, 2, 8))

    import_workbook(JAN_2024)

    assert list(
        Allocation.objects.filter(case=child)
        .order_by("start_date")
        .values_list("worker__name", "start_date", "end_date")
    ) == [
        ("Ezra Leigh", dt.date(2021, 2, 8), dt.date(2021, 3, 30)),
        ("Petra Wills", RETURN_DATE, None),
    ]


def test_the_import_is_audited_as_one_import_naming_the_return() -> None:
    staff_the_workbooks_name()

    import_workbook(JAN_2024)

    entry = AuditEvent.objects.get(action="import")
    assert entry.object_label == JAN_2024.name
    assert entry.detail["return"]["format"] == "annex-a"
    assert entry.detail["added"]["cases"] == 23


def test_an_unknown_worker_is_listed_with_where_it_is_and_nothing_changes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    staff_the_workbooks_name(leave_out=("Petra Wills",))

    error = refused(JAN_2024, capsys)

    assert "List 7 rows 3, 4: Allocated Worker: 'Petra Wills': no member of staff" in error
    assert fact_counts() == (0, 0, 0)


def test_a_worker_named_on_the_command_line_settles_an_unknown_name() -> None:
    staff = staff_the_workbooks_name(leave_out=("Petra Wills",))
    cover = StaffFactory(staff_id="P-W", name="Petra Wills-Smith")

    import_workbook(JAN_2024, "Petra Wills=P-W")

    assert Allocation.objects.get(case__case_id="5358472").worker == cover
    assert "Petra Wills" not in {s.name for s in staff.values()}


def test_leaving_a_name_unallocated_imports_those_children_without_a_worker() -> None:
    staff_the_workbooks_name(leave_out=("Petra Wills",))

    import_workbook(JAN_2024, "Petra Wills=")

    assert Case.objects.filter(case_id="5358472").exists()
    assert not Allocation.objects.filter(case__case_id="5358472").exists()


def test_two_staff_of_one_name_are_told_apart_by_team_or_else_asked_about(
    capsys: pytest.CaptureFixture[str],
) -> None:
    staff = staff_the_workbooks_name()
    other_team = TeamFactory(name="Fostering")
    StaffFactory(staff_id="EL2", name="Ezra Leigh", team=other_team)

    import_workbook(JAN_2024)  # the return's team settles it
    assert Allocation.objects.get(case__case_id="10721552").worker == staff["Ezra Leigh"]

    Case.objects.all().delete()
    StaffFactory(
        staff_id="EL3",
        name="Ezra  Leigh",
        team=staff["Ezra Leigh"].team,
        start_date=dt.date(2015, 1, 5),
    )
    error = refused(JAN_2024, capsys)
    assert "'Ezra Leigh': 2 members of staff have this name" in error


def test_headers_are_found_by_the_schemas_patterns_in_any_order(tmp_path: Path) -> None:
    staff_the_workbooks_name()
    workbook = openpyxl.load_workbook(JAN_2024)
    sheet = workbook["List 7"]
    sheet.insert_rows(1)  # a title row above the headers, as the Ofsted template has
    sheet["A1"] = "List 7: Child protection"
    sheet["A2"] = "Child identifier"  # not the name, but the schema's pattern for it
    sheet.move_range("P2:Q9", cols=3)  # team and worker moved right, away from their places
    path = tmp_path / "moved.xlsx"
    workbook.save(path)

    import_workbook(path)

    assert fact_counts() == (23, 18, 23)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"List_7": None}, "List 7: missing: the workbook has no sheet for List 7"),
        (
            {"List_7__Q1": "Key worker"},
            "List 7:1: Allocated Worker: missing column: no heading reads 'Allocated Worker'",
        ),
        (
            {"List_7__G3": "31/02/2021"},
            "List 7:3: Child Protection Plan Start Date: '31/02/2021' is not a date",
        ),
        (
            {"List_8__H2": "sometime in 2009"},
            "List 8:2: Date Started to be Looked After: 'sometime in 2009' is not a date",
        ),
        (
            {"List_6__L2": "Looked at"},
            "List 6:2: Case Status: unknown case status 'Looked at'",
        ),
        (
            {"List_7__M3": dt.datetime(2020, 1, 1)},
            "List 7:3: Child Protection Plan End Date: 01/01/2020 is before the start 08/02/2021",
        ),
        ({"List_9__A3": None}, "List 9:3: Child Unique ID: is empty"),
    ],
    ids=[
        "missing sheet",
        "header beyond the synonyms",
        "impossible date",
        "text for a date",
        "unknown status",
        "end before start",
        "no child id",
    ],
)
def test_a_broken_workbook_lists_its_problems_and_changes_nothing(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    changes: dict[str, object],
    expected: str,
) -> None:
    staff_the_workbooks_name()

    error = refused(edited(tmp_path, **changes), capsys)

    assert expected in error
    assert "nothing was imported" in error
    assert fact_counts() == (0, 0, 0)


def test_a_file_that_is_not_a_workbook_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "annex-a.xlsx"
    path.write_text("Child Unique ID,Allocated Worker\n1,Ezra Leigh\n")

    error = refused(path, capsys)

    assert "cannot be read as an Excel workbook" in error


def test_applying_a_plan_with_an_unsettled_name_is_refused() -> None:
    staff_the_workbooks_name(leave_out=("Jae Vang",))
    plan = plan_return(ANNEX_A, JAN_2024, changed_on=RETURN_DATE, decisions={})

    with pytest.raises(ReturnNotReady):
        apply_plan(plan, actor=None, source={"format": ANNEX_A})

    assert fact_counts() == (0, 0, 0)
    assert [w.name for w in plan.unresolved] == ["Jae Vang"]


def test_a_copy_of_the_fake_workbook_imports_under_any_file_name(tmp_path: Path) -> None:
    staff_the_workbooks_name()
    copy = tmp_path / "council return.XLSX"
    shutil.copy(JAN_2024, copy)

    import_workbook(copy)

    assert Case.objects.count() == 23


def test_the_imported_children_carry_their_obligations(
    capsys: pytest.CaptureFixture[str],
) -> None:
    staff_the_workbooks_name()
    import_workbook(JAN_2024)
    capsys.readouterr()

    call_command("obligations", policy="bedford", as_of=RETURN_DATE.isoformat(), format="csv")

    rows = capsys.readouterr().out.splitlines()
    # List 7 row 3: on a protection plan since 08/02/2021, so supervised every four weeks.
    assert any(
        row.startswith("case,5358472,case_supervision,2021-03-08,overdue,,bedford 3.1.2")
        for row in rows
    )
    assert any("Allocated to Petra Wills on 8 Feb 2021" in row for row in rows)
