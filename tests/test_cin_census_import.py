"""Importing a Children in Need census (docs/standard-returns.md): checked against the
Department for Education's schema first, then referrals, closures, CIN plans and child
protection plans give the child's case and statuses; all or nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command

from oversight.cases.models import Case, CaseStatus
from tests.paths import DATA

pytestmark = pytest.mark.django_db
CIN = DATA / "cin-census"


def import_census(path: Path) -> None:
    call_command("import", str(path), changed_on=dt.date(2022, 3, 31), worker=[], format=None)


def refused(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as stopped:
        import_census(path)
    assert stopped.value.code == 2
    return capsys.readouterr().err


def edited(tmp_path: Path, old: str, new: str) -> Path:
    text = (CIN / "cin-2022.xml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "cin.xml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["cin-2022.xml", "BAR_cin_2022.xml"])
def test_it_imports_each_fake_census(name: str) -> None:
    import_census(CIN / name)

    assert Case.objects.count() == 1
    assert CaseStatus.objects.count() == 2


def test_plans_give_statuses_and_the_referral_and_closure_date_the_case() -> None:
    import_census(CIN / "cin-2022.xml")

    child = Case.objects.get(case_id="DfEX0000001")
    assert set(child.statuses.values_list("status", "start_date", "end_date")) == {
        ("child_in_need", dt.date(1971, 1, 24), dt.date(1971, 1, 26)),
        ("child_protection", dt.date(1970, 2, 17), dt.date(1971, 3, 14)),
    }
    # Open at the earliest date given (the protection plan began before the referral), closed
    # when the last thing the census gives ended.
    assert (child.open_date, child.close_date, child.date_of_birth) == (
        dt.date(1970, 2, 17),
        dt.date(1971, 3, 14),
        dt.date(1966, 3, 24),
    )


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "<CPPstartDate>1970-02-17</CPPstartDate>",
            "<CPPstartDate>17/02/1970</CPPstartDate>",
            "CPPstartDate: does not follow the return's schema",
        ),
        (
            "<LAchildID>DfEX0000001</LAchildID>",
            "",
            "does not follow the return's schema",
        ),
        ("<Children>", "<Children><Unknown/>", "does not follow the return's schema"),
        ("</Message>", "", "cannot be read as XML"),
    ],
    ids=["date not ISO", "no child id", "unknown element", "not well formed"],
)
def test_a_census_failing_its_schema_lists_the_problems_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, expected: str
) -> None:
    error = refused(edited(tmp_path, old, new), capsys)

    assert expected in error
    assert Case.objects.count() == 0


def test_an_entity_in_the_census_is_refused_not_expanded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (CIN / "cin-2022.xml").read_text(encoding="utf-8")
    path = tmp_path / "bomb.xml"
    path.write_text(
        '<!DOCTYPE Message [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n'
        + text.replace("DfEX0000001", "&b;"),
        encoding="utf-8",
    )

    error = refused(path, capsys)

    assert "cannot be read as XML" in error
    assert Case.objects.count() == 0
