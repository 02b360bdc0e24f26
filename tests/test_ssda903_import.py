"""Importing an SSDA903 return (docs/standard-returns.md): episodes give looked-after statuses,
sw_episodes.csv gives allocations by Social Work England number; all or nothing."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from oversight.cases.models import Allocation, Case, CaseStatus
from tests.factories import StaffFactory
from tests.paths import DATA

pytestmark = pytest.mark.django_db
SSDA903 = DATA / "ssda903"
RETURN_DATE = dt.date(2021, 3, 31)


def import_return(folder: Path = SSDA903) -> None:
    call_command("import", str(folder), changed_on=RETURN_DATE, worker=[], format=None)


def refused(folder: Path, capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as stopped:
        import_return(folder)
    assert stopped.value.code == 2
    return capsys.readouterr().err


def statuses(case_id: str) -> set[tuple[str, dt.date, dt.date | None]]:
    return set(
        CaseStatus.objects.filter(case__case_id=case_id).values_list(
            "status", "start_date", "end_date"
        )
    )


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    folder = tmp_path / "ssda903"
    shutil.copytree(SSDA903, folder)
    return folder


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8-sig")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_it_imports_the_fake_ssda903_return() -> None:
    worker = StaffFactory(name="Sam Lazy", swe_number="SW999")

    import_return()

    assert Case.objects.count() == 2124  # every child with an episode, and CHILD10
    # sw_episodes.csv: CHILD10, SW999, 01/01/2020 to 03/01/2020.
    assert list(
        Allocation.objects.filter(case__case_id="CHILD10").values_list(
            "worker", "start_date", "end_date"
        )
    ) == [(worker.pk, dt.date(2020, 1, 1), dt.date(2020, 1, 3))]
    counts = (Case.objects.count(), Allocation.objects.count(), CaseStatus.objects.count())
    import_return()
    assert (Case.objects.count(), Allocation.objects.count(), CaseStatus.objects.count()) == counts


def test_it_gives_each_child_the_statuses_their_episodes_say() -> None:
    StaffFactory(swe_number="SW999")

    import_return()

    # 566910: C2 from 15/02/2016, a new episode on 14/08/2017 still open: one period of care.
    assert statuses("566910") == {("looked_after", dt.date(2016, 2, 15), None)}
    # 709901: short breaks (V3) to 22/01/2018, then an interim care order (C1), still open.
    assert statuses("709901") == {
        ("short_breaks", dt.date(2016, 4, 7), dt.date(2018, 1, 22)),
        ("looked_after", dt.date(2018, 1, 22), None),
        ("care_proceedings", dt.date(2018, 1, 22), None),
    }
    # 853884: two C1 episodes joined, then short breaks (V4) to 30/06/2017.
    assert statuses("853884") == {
        ("looked_after", dt.date(2015, 8, 10), dt.date(2017, 5, 21)),
        ("care_proceedings", dt.date(2015, 8, 10), dt.date(2017, 5, 21)),
        ("short_breaks", dt.date(2017, 5, 21), dt.date(2017, 6, 30)),
    }
    child = Case.objects.get(case_id="709901")
    assert (child.open_date, child.close_date, child.date_of_birth) == (
        dt.date(2016, 4, 7),
        None,
        dt.date(2013, 2, 14),
    )


def test_an_unknown_sw_id_is_a_problem_and_nothing_changes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    error = refused(SSDA903, capsys)

    assert (
        "sw_episodes.csv:2: SW_ID: no member of staff has the Social Work England number 'SW999'"
        in error
    )
    assert Case.objects.count() == 0


def test_a_bad_date_is_a_problem_and_nothing_changes(
    copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    StaffFactory(swe_number="SW999")
    replace_in(copy / "episodes.csv", "566910,15/02/2016", "566910,2016-02-15")

    error = refused(copy, capsys)

    assert "episodes.csv:2: DECOM: '2016-02-15' is not a date: write it as dd/mm/yyyy" in error
    assert Case.objects.count() == 0


def test_a_missing_file_is_a_problem(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (copy / "sw_episodes.csv").unlink()

    error = refused(copy, capsys)

    assert "sw_episodes.csv: missing: an SSDA903 return needs sw_episodes.csv" in error
