"""`oversight obligations`: the engine's answers from the database, for a team, a person or all."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from oversight.import_export.importer import import_folder
from tests.paths import CONFORMANCE

pytestmark = pytest.mark.django_db
SCENARIO = CONFORMANCE / "03-bedford-allocation-and-legal-planning"
AS_OF = "2025-04-25"


@pytest.fixture(autouse=True)
def council() -> None:
    import_folder(SCENARIO, changed_on=dt.date(2026, 1, 5))


def obligations(*args: str) -> str:
    out = io.StringIO()
    call_command("obligations", *args, stdout=out)
    return out.getvalue()


def subjects(report: str) -> set[tuple[str, str]]:
    return {(r["subject_type"], r["subject_id"]) for r in csv.DictReader(io.StringIO(report))}


def test_it_writes_csv_with_the_rule_and_explanation_after_the_six_columns() -> None:
    report = obligations("--policy", "bedford", "--as-of", AS_OF)

    rows = list(csv.DictReader(io.StringIO(report)))
    assert list(rows[0]) == [
        "subject_type",
        "subject_id",
        "obligation",
        "due_date",
        "status",
        "last_met",
        "rule",
        "explanation",
    ]
    c04 = next(
        r for r in rows if r["subject_id"] == "C04" and r["obligation"] == "case_supervision"
    )
    assert c04["rule"] == "bedford 3.1.2"
    assert c04["status"] == "overdue"
    assert "Child protection plan" in c04["explanation"]


def test_it_narrows_to_one_member_of_staff_and_their_caseload() -> None:
    report = obligations("--policy", "bedford", "--as-of", AS_OF, "--staff", "S02")

    assert {s for s in subjects(report) if s[0] in {"staff", "case"}} == {
        ("staff", "S02"),
        ("case", "C01"),
        ("case", "C02"),
        ("case", "C05"),
    }


def test_it_narrows_to_a_team() -> None:
    report = obligations("--policy", "bedford", "--as-of", AS_OF, "--team", "Safeguarding Unit")

    assert ("team", "Safeguarding Unit") in subjects(report)
    assert ("staff", "R01") in subjects(report)
    assert ("staff", "S01") not in subjects(report)


def test_it_prints_a_table_for_people() -> None:
    report = obligations("--policy", "bedford", "--as-of", AS_OF, "--format", "table")

    assert "overdue" in report
    assert "," not in report.splitlines()[0]


def test_it_uses_the_councils_policy_setting_when_no_policy_is_given(settings) -> None:
    settings.OVERSIGHT_POLICY = "newham"

    report = obligations("--as-of", AS_OF)

    assert "newham" in report
    assert "bedford" not in report


def test_it_refuses_a_policy_file_with_mistakes_naming_each(tmp_path: Path) -> None:
    policy = tmp_path / "ours.toml"
    policy.write_text('[policy]\nname = "ours"\ndue_soon = "4x"\n')

    with pytest.raises(CommandError) as raised:
        obligations("--policy", str(policy), "--as-of", AS_OF)

    assert raised.value.returncode == 2
    assert "ours.toml" in str(raised.value)
    assert "'4x' is not a period" in str(raised.value)


def test_it_refuses_an_unknown_team_staff_or_date() -> None:
    for args, message in [
        (("--team", "Team Z"), "there is no team called 'Team Z'"),
        (("--staff", "S404"), "there is no member of staff with ID 'S404'"),
        (("--as-of", "25/04/2025"), "is not a date"),
    ]:
        with pytest.raises(CommandError, match=message) as raised:
            obligations("--policy", "bedford", "--as-of", AS_OF, *args)
        assert raised.value.returncode == 2


def test_it_asks_for_migrate_first_on_a_database_that_is_not_set_up(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'new.sqlite3'}"}
    oversight = Path(sys.executable).parent / "oversight"

    result = subprocess.run(
        [oversight, "obligations", "--policy", "bedford", "--as-of", AS_OF],
        env=env,
        capture_output=True,
        text=True,
    )

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "run `oversight migrate` first" in result.stderr


def test_it_leaves_out_obligations_met_before_met_since() -> None:
    every = list(csv.DictReader(io.StringIO(obligations("--policy", "bedford", "--as-of", AS_OF))))
    recent = list(
        csv.DictReader(
            io.StringIO(
                obligations("--policy", "bedford", "--as-of", AS_OF, "--met-since", "2025-04-01")
            )
        )
    )

    def met_before(row: dict[str, str]) -> bool:
        return row["status"] in ("met", "met_late") and row["last_met"] < "2025-04-01"

    assert any(met_before(row) for row in every)
    assert recent == [row for row in every if not met_before(row)]


def test_it_says_what_is_wrong_with_a_met_since_that_is_not_a_date() -> None:
    with pytest.raises(CommandError, match="--met-since '1 April' is not a date: write it as"):
        obligations("--met-since", "1 April")
