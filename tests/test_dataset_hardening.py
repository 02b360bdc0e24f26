"""Importing a data set that is hostile or absurd: every bad cell is a clear problem
(`file:line: column: what + fix`, exit 2), never a traceback, a silent truncation or a stored value;
files are read a row at a time; a round trip keeps every obligation; formula cells are escaped
and read back exactly."""

from __future__ import annotations

import csv
import subprocess
import sys
import tracemalloc
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oversight.import_export.exporter import export_folder
from oversight.import_export.importer import import_folder
from oversight.import_export.reader import DataSetError, read_dataset
from oversight.organisation.models import LineManagement, Staff
from oversight.spreadsheet_safety import spreadsheet_safe
from tests.fresh_database import fresh_database_url
from tests.test_dataset_import import CHANGED_ON, edit_csv, problems_for, table_counts

pytestmark = pytest.mark.django_db

OVERSIGHT = Path(sys.executable).parent / "oversight"
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run(*args: object, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([OVERSIGHT, *args], env=env, capture_output=True, text=True)


@pytest.mark.parametrize(
    ("file", "line", "column", "value", "problem"),
    [
        (
            "staff.csv",
            3,
            "name",
            "x" * 200_000,
            "staff.csv:3: cannot be read as CSV (field larger than field limit (131072)): a cell "
            "may hold at most 131072 characters",
        ),
        (
            "staff.csv",
            3,
            "name",
            "y" * 10_000,
            "staff.csv:3: name: is 10000 characters long: shorten it to 200 characters or fewer",
        ),
        (
            "staff.csv",
            3,
            "name",
            "Team\x00Manager",
            "staff.csv:3: name: holds a control character (such as NUL): remove it",
        ),
        (
            "cases.csv",
            2,
            "case_id",
            "C" * 300,
            "cases.csv:2: case_id: is 300 characters long: shorten it to 50 characters or fewer",
        ),
        (
            "sessions.csv",
            2,
            "duration_minutes",
            "9" * 30,
            "sessions.csv:2: duration_minutes: '999999999999999999999999999999' is not a number "
            "of minutes a session lasts: write a whole number of minutes from 1 to 1440",
        ),
        (
            "cases.csv",
            2,
            "open_date",
            "9999-01-01",
            "cases.csv:2: open_date: 9999-01-01 is not a date this data set can hold: dates run "
            "from 1900-01-01 to 2099-12-31",
        ),
        (
            "cases.csv",
            2,
            "open_date",
            "2024W011",
            "cases.csv:2: open_date: '2024W011' is not a date: write it as YYYY-MM-DD",
        ),
        (
            "cases.csv",
            2,
            "open_date",
            "20240101",
            "cases.csv:2: open_date: '20240101' is not a date: write it as YYYY-MM-DD",
        ),
    ],
    ids=[
        "200KB-cell",
        "10000-character-name",
        "NUL",
        "300-character-id",
        "30-digit-minutes",
        "year-9999",
        "iso-week",
        "basic-iso",
    ],
)
def test_it_refuses_an_absurd_cell_naming_it_and_the_fix(
    dataset_copy, file, line, column, value, problem
) -> None:
    folder = dataset_copy()
    edit_csv(folder / file, line, column, value)
    before = table_counts()

    found = problems_for(folder)

    assert any(p.startswith(problem) for p in found), found
    assert all(len(p) < 400 for p in found)
    assert table_counts() == before


def test_it_refuses_an_agreement_frequency_of_a_billion_days(dataset_copy) -> None:
    folder = dataset_copy("04-newham-asye-and-agreements")
    edit_csv(folder / "agreements.csv", 2, "frequency", "999999999d")

    assert problems_for(folder) == [
        "agreements.csv:2: frequency: '999999999d' is too long: a period can be at most about "
        "10 years (3660d, 520w, 120m or 2600wd)"
    ]


def test_it_refuses_line_managers_who_manage_each_other(dataset_copy) -> None:
    folder = dataset_copy()
    # H01 (line 2) heads the service; M01 (line 3) reports to H01. Make H01 report to M01.
    edit_csv(folder / "staff.csv", 2, "line_manager_id", "M01")

    assert problems_for(folder) == [
        "staff.csv:2: line_manager_id: line managers go round in a loop (M01 manages H01 manages "
        "M01): give one of them a line manager outside the loop"
    ]


def test_the_command_exits_2_naming_each_absurd_cell_without_a_traceback(
    dataset_copy, tmp_path: Path
) -> None:
    folder = dataset_copy()
    edit_csv(folder / "staff.csv", 3, "name", "x" * 200_000)
    edit_csv(folder / "cases.csv", 2, "case_id", "\x00")
    edit_csv(folder / "sessions.csv", 2, "duration_minutes", "9" * 30)
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}", "PATH": ""}
    env["OVERSIGHT_DATA_DIR"] = str(tmp_path)
    run("migrate", "-v0", env=env).check_returncode()

    result = run("import", folder, env=env)

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "staff.csv:3: cannot be read as CSV (field larger than field limit" in result.stderr
    assert "cases.csv:2: case_id: holds a control character" in result.stderr
    assert "sessions.csv:2: duration_minutes: '999999999999999999999999999999'" in result.stderr
    assert len(result.stderr) < 5000


def test_it_lists_at_most_a_thousand_problems_and_counts_the_rest(tmp_path: Path) -> None:
    rows = ["staff_id,name,email,category,team,line_manager_id,start_date,end_date,asye_start"]
    rows += [f"S{i},Name,,case_holder,Team,,not-a-date,," for i in range(1500)]
    (tmp_path / "staff.csv").write_text("\n".join(rows) + "\n")

    with pytest.raises(DataSetError) as raised:
        read_dataset(tmp_path)

    problems = [str(p) for p in raised.value.problems]
    assert len(problems) == 1001
    assert problems[-1] == (
        ": and 500 more problem(s) not listed: correct those above and import again to see the rest"
    )


def data_set_of_children(folder: Path, name_length: int, children: int = 20_000) -> int:
    folder.mkdir()
    with (folder / "staff.csv").open("w") as f:
        f.write(
            "staff_id,name,email,category,team,line_manager_id,start_date,end_date,asye_start\n"
        )
        f.write("S1,Sam Worker,,case_holder,Team A,,2020-01-01,,\n")
    with (folder / "cases.csv").open("w") as f:
        f.write("case_id,open_date,close_date,display_name\n")
        for i in range(children):
            f.write(f"C{i:06},2024-01-01,,{str(i).rjust(name_length, 'x')}\n")
    return (folder / "cases.csv").stat().st_size


def peak_memory_to_check(folder: Path) -> int:
    tracemalloc.start()
    try:
        dataset = read_dataset(folder)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(dataset["cases.csv"]) == sum(1 for _ in dataset["cases.csv"]) == 20_000
    return peak


def test_it_reads_a_file_a_row_at_a_time(tmp_path: Path) -> None:
    # The same 20,000 children with 10- and 190-character names: checking keeps their ids, never
    # the file, so the longer file (about 4 MB) needs no more memory than the shorter one.
    short = data_set_of_children(tmp_path / "short", 10)
    long = data_set_of_children(tmp_path / "long", 190)
    assert long > 3 * short

    assert peak_memory_to_check(tmp_path / "long") < 1.2 * peak_memory_to_check(tmp_path / "short")


def test_it_keeps_line_management_history_through_an_export(dataset_copy, tmp_path) -> None:
    folder = dataset_copy()
    import_folder(folder, changed_on=CHANGED_ON)
    edit_csv(folder / "staff.csv", 4, "line_manager_id", "H01")
    import_folder(folder, changed_on=CHANGED_ON)
    history = set(
        LineManagement.objects.values_list(
            "staff__staff_id", "manager__staff_id", "start_date", "end_date"
        )
    )
    export_folder(tmp_path / "export")
    LineManagement.objects.all().delete()

    import_folder(tmp_path / "export", changed_on=CHANGED_ON)

    assert (
        set(
            LineManagement.objects.values_list(
                "staff__staff_id", "manager__staff_id", "start_date", "end_date"
            )
        )
        == history
    )
    assert len(history) > Staff.objects.filter(line_management__isnull=False).distinct().count()


def test_it_reads_back_exactly_a_name_that_looks_like_a_formula(dataset_copy, tmp_path) -> None:
    folder = dataset_copy()
    names = ['=HYPERLINK("http://evil")', "+44 20 7946 0000", "-", "@SUM(1)", "'=quoted"]
    for line, name in enumerate(names, start=2):
        edit_csv(folder / "staff.csv", line, "name", spreadsheet_safe(name))
    import_folder(folder, changed_on=CHANGED_ON)
    assert set(names) <= set(Staff.objects.values_list("name", flat=True))

    export_folder(tmp_path / "export")

    with (tmp_path / "export" / "staff.csv").open() as f:
        written = [row["name"] for row in csv.DictReader(f)]
    assert not [n for n in written if n.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert '\'=HYPERLINK("http://evil")' in written
    assert "''=quoted" in written
    Staff.objects.update(name="changed")
    import_folder(tmp_path / "export", changed_on=CHANGED_ON)
    assert set(names) <= set(Staff.objects.values_list("name", flat=True))


def obligations_csv(stdout: str) -> set[tuple[str, ...]]:
    return {tuple(row) for row in csv.reader(StringIO(stdout))}


def test_the_demo_council_keeps_every_obligation_through_export_and_a_fresh_import(
    tmp_path: Path,
) -> None:
    as_of = "2026-06-30"
    with override_settings(PASSWORD_HASHERS=FAST_HASHER):
        call_command("demo", "--seed", "1", "--as-of", as_of, stdout=StringIO())
    export_folder(tmp_path / "export")
    before = StringIO()
    call_command("obligations", "--policy", "bedford", "--as-of", as_of, stdout=before)

    with fresh_database_url(tmp_path) as url:
        env = {"DATABASE_URL": url, "OVERSIGHT_DATA_DIR": str(tmp_path), "PATH": ""}
        run("migrate", "-v0", env=env).check_returncode()
        imported = run("import", tmp_path / "export", "--changed-on", as_of, env=env)
        assert imported.returncode == 0, imported.stderr
        after = run("obligations", "--policy", "bedford", "--as-of", as_of, env=env)

    assert after.returncode == 0, after.stderr
    assert len(obligations_csv(before.getvalue())) > 1000
    assert obligations_csv(after.stdout) == obligations_csv(before.getvalue())


# Random bad cells --------------------------------------------------------------------------

FILES_NAMED = ("staff.csv", "allocations.csv", "sessions.csv", "agreements.csv")
STAFF_COLUMNS = ("name", "category", "start_date", "end_date", "line_manager_id", "staff_id")
bad_cell = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(max_codepoint=0x20), max_size=5),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.sampled_from(
        [
            "9999-12-31",
            "0001-01-01",
            "2024W011",
            "20240101",
            "=1+1",
            "999999999d",
            "'",
            '"',
            "x" * 150_000,
            "\ufeff",
            "\u202e",
        ]
    ),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(column=st.sampled_from(STAFF_COLUMNS), line=st.integers(2, 6), value=bad_cell)
def test_any_cell_gives_a_clean_import_or_problems_never_a_traceback(
    dataset_copy, column, line, value
) -> None:
    import shutil

    folder = dataset_copy()
    try:
        edit_csv(folder / "staff.csv", line, column, value)
        problems: list[str] = []
        try:
            import_folder(folder, changed_on=CHANGED_ON)
        except DataSetError as error:
            problems = [str(p) for p in error.problems] or ["(a DataSetError with no problem)"]
        for problem in problems:
            assert problem.startswith(FILES_NAMED), problem
            assert ": " in problem
            assert len(problem) < 500
    finally:
        shutil.rmtree(folder)
