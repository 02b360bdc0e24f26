"""Importing a children's social work workforce census (docs/standard-returns.md): staff matched
on their Social Work England number, their role's dates taken from it; all or nothing."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.core.management import call_command

from oversight.organisation.models import Staff, StaffRole
from tests.factories import StaffFactory
from tests.paths import DATA

pytestmark = pytest.mark.django_db
CENSUS = DATA / "workforce" / "social_work_workforce_2022.xml"
FIRST_HIRED = dt.date(2015, 1, 5)


def census_numbers() -> list[str]:
    return [w.findtext("SWENo") or "" for w in ET.parse(CENSUS).getroot().iter("CSWWWorker")]


def staff_the_census_names() -> None:
    for i, number in enumerate(census_numbers()):
        StaffFactory(staff_id=f"W{i:02d}", swe_number=number, start_date=FIRST_HIRED)


def import_census(path: Path = CENSUS) -> None:
    call_command("import", str(path), changed_on=dt.date(2022, 9, 30), worker=[], format=None)


def refused(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as stopped:
        import_census(path)
    assert stopped.value.code == 2
    return capsys.readouterr().err


def dates(number: str) -> tuple[dt.date, dt.date | None]:
    person = Staff.objects.get(swe_number=number)
    return person.start_date, person.end_date


def test_it_dates_each_workers_role_from_the_fake_census() -> None:
    staff_the_census_names()

    import_census()

    # The first worker: in the role since 07/04/1988, still in it.
    assert dates("Oz2054309383") == (dt.date(1988, 4, 7), None)
    # The third: in the role from 26/01/2014 to 28/03/2023, when they left.
    assert dates("iP8098309864") == (dt.date(2014, 1, 26), dt.date(2023, 3, 28))
    # The fourth started in the role on 28/03/2023, after Oversight's start date, which stays.
    assert dates("oP8178849586") == (FIRST_HIRED, None)
    before = list(Staff.objects.order_by("pk").values_list("start_date", "end_date"))
    import_census()
    assert list(Staff.objects.order_by("pk").values_list("start_date", "end_date")) == before


def roles(number: str) -> list[tuple[str, dt.date, dt.date | None]]:
    return list(
        StaffRole.objects.filter(staff__swe_number=number)
        .order_by("start_date")
        .values_list("role", "start_date", "end_date")
    )


def test_it_records_each_workers_role_with_its_dates_from_the_fake_census() -> None:
    staff_the_census_names()

    import_census()

    # Worker 3: OrgRole 5 from 26/01/2014 to 28/03/2023.
    assert roles("iP8098309864") == [("Case holder", dt.date(2014, 1, 26), dt.date(2023, 3, 28))]
    # Worker 2: OrgRole 2 with no start date: from their start, to 23/09/2019.
    assert roles("Yk7226043359") == [("Middle manager", FIRST_HIRED, dt.date(2019, 9, 23))]
    # Worker 19: OrgRole 3 since 12/12/1985, still held.
    assert roles("cD9282390165") == [("First line manager", dt.date(1985, 12, 12), None)]
    # Worker 1 gives no OrgRole: no role is recorded.
    assert roles("Oz2054309383") == []
    assert StaffRole.objects.count() == 17
    before = set(StaffRole.objects.values_list("staff", "role", "start_date", "end_date"))
    import_census()
    assert set(StaffRole.objects.values_list("staff", "role", "start_date", "end_date")) == before


def test_a_new_role_in_the_census_ends_the_role_held_before_it() -> None:
    staff_the_census_names()
    worker = Staff.objects.get(swe_number="oP8178849586")  # OrgRole 6 from 28/03/2023
    StaffRole.objects.create(staff=worker, role="Case holder", start_date=FIRST_HIRED)

    import_census()

    assert roles("oP8178849586") == [
        ("Case holder", FIRST_HIRED, dt.date(2023, 3, 27)),
        ("Qualified without cases", dt.date(2023, 3, 28), None),
    ]


def test_a_role_held_from_after_the_census_role_started_is_a_problem(
    capsys: pytest.CaptureFixture[str],
) -> None:
    staff_the_census_names()
    worker = Staff.objects.get(swe_number="oP8178849586")
    StaffRole.objects.create(staff=worker, role="Team manager", start_date=dt.date(2024, 1, 1))

    error = refused(CENSUS, capsys)

    assert (
        "(W03) holds the role 'Team manager' from 2024-01-01, on or after the census's role "
        "(Qualified without cases) starts on 2023-03-28: correct their roles (staff_roles.csv) "
        "or the census" in error
    )
    assert StaffRole.objects.count() == 1


def test_an_unknown_org_role_is_a_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    staff_the_census_names()
    path = tmp_path / "census.xml"
    path.write_text(
        CENSUS.read_text(encoding="utf-8").replace("<OrgRole>2", "<OrgRole>7", 1),
        encoding="utf-8",
    )

    error = refused(path, capsys)

    assert "/Message/CSWWWorker[2]/OrgRole: '7' is not a census role: use one of 1 (senior" in error
    assert not StaffRole.objects.exists()


def test_a_role_that_ended_before_the_person_started_is_a_problem(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for i, number in enumerate(census_numbers()):
        StaffFactory(staff_id=f"W{i:02d}", swe_number=number, start_date=dt.date(2020, 1, 1))

    error = refused(CENSUS, capsys)

    assert "/Message/CSWWWorker[2]/RoleEndDate: 2019-09-23 is before" in error
    assert Staff.objects.filter(end_date__isnull=False).count() == 0


def test_an_unknown_swe_number_is_a_problem_and_nothing_changes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    StaffFactory(swe_number="Oz2054309383", start_date=FIRST_HIRED)

    error = refused(CENSUS, capsys)

    assert (
        "/Message/CSWWWorker[2]/SWENo: no member of staff has the Social Work England number "
        "'Yk7226043359'" in error
    )
    assert dates("Oz2054309383") == (FIRST_HIRED, None)


def test_a_bad_date_or_agency_flag_is_a_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    staff_the_census_names()
    text = CENSUS.read_text(encoding="utf-8")
    path = tmp_path / "census.xml"
    path.write_text(
        text.replace("<RoleStartDate>2014-01-26", "<RoleStartDate>26/01/2014", 1).replace(
            "<AgencyWorker>1", "<AgencyWorker>Y", 1
        ),
        encoding="utf-8",
    )

    error = refused(path, capsys)

    assert "/Message/CSWWWorker[1]/AgencyWorker: must be 0 (employed) or 1 (agency)" in error
    assert "/Message/CSWWWorker[3]/RoleStartDate: '26/01/2014' is not a date" in error
    assert Staff.objects.filter(start_date__lt=FIRST_HIRED).count() == 0
