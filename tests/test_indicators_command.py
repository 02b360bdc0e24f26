"""`oversight indicators`: the compliance figures (INDICATORS.md) from the database."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from oversight.engine.indicators import COLUMNS
from oversight.import_export.importer import import_folder
from oversight.organisation.models import Team
from tests.council import Council
from tests.engine.test_conformance import read_scenario
from tests.paths import CONFORMANCE, indicator_examples

pytestmark = pytest.mark.django_db
SCENARIO = CONFORMANCE / "03-bedford-allocation-and-legal-planning"
AS_OF = "2025-04-25"
IMPORTED_ON = dt.date(2026, 1, 5)
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def indicators(*args: str) -> str:
    out = io.StringIO()
    call_command("indicators", *args, stdout=out)
    return out.getvalue()


def rows(report: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(report)))


def as_set(report: str) -> set[tuple[str, ...]]:
    return {tuple(row[c] for c in COLUMNS) for row in rows(report)}


@pytest.mark.parametrize("example", indicator_examples(), ids=lambda p: p.stem)
def test_it_gives_each_worked_example_from_the_imported_scenario(example: Path) -> None:
    folder = CONFORMANCE / example.stem
    policy, as_of = read_scenario(folder)
    import_folder(folder, changed_on=IMPORTED_ON)

    report = indicators("--policy", policy, "--as-of", as_of.isoformat())

    assert report.splitlines()[0] == ",".join(COLUMNS)
    assert as_set(report) == as_set(example.read_text(encoding="utf-8"))


def test_it_adds_the_test_councils_teams_into_its_service(org: Council) -> None:
    # Eight staff, never supervised since 2024: all overdue. Hari Head is in no team, so counts
    # for the organisation only; the three teams (3, 2 and 2 staff) make up the service.
    report = indicators("--policy", "bedford", "--as-of", "2025-06-11")

    professional = {
        (r["scope_type"], r["scope_id"]): (r["counted"], r["in_time"], r["overdue"], r["percent"])
        for r in rows(report)
        if r["obligation"] == "professional_supervision"
    }
    assert professional == {
        ("organisation", ""): ("8", "0", "8", "0.0"),
        ("service", "Children's social care"): ("7", "0", "7", "0.0"),
        ("team", "Court Team 1"): ("3", "0", "3", "0.0"),
        ("team", "Assessment Team 1"): ("2", "0", "2", "0.0"),
        ("team", "Safeguarding and Reviewing Unit"): ("2", "0", "2", "0.0"),
    }


def test_it_gives_the_demo_councils_services_the_sum_of_their_teams() -> None:
    with override_settings(PASSWORD_HASHERS=FAST_HASHER):
        call_command("demo", "--seed", "1", "--as-of", "2025-06-30", stdout=io.StringIO())
    service_of = dict(Team.objects.exclude(service=None).values_list("name", "service__name"))

    found = rows(indicators("--policy", "bedford", "--as-of", "2025-06-30"))

    summed: Counter[tuple[str, str, str]] = Counter()
    services: dict[tuple[str, str, str], int] = {}
    organisation: dict[tuple[str, str], int] = {}
    team_total: Counter[tuple[str, str]] = Counter()
    for r in found:
        for column in ("counted", "in_time", "met_late", "overdue"):
            if r["scope_type"] == "team" and r["scope_id"] in service_of:
                summed[service_of[r["scope_id"]], r["obligation"], column] += int(r[column])
            if r["scope_type"] == "team":
                team_total[r["obligation"], column] += int(r[column])
            if r["scope_type"] == "service":
                services[r["scope_id"], r["obligation"], column] = int(r[column])
            if r["scope_type"] == "organisation":
                organisation[r["obligation"], column] = int(r[column])
    assert len(set(service_of.values())) > 1
    assert services == dict(summed)
    assert all(organisation[key] >= total for key, total in team_total.items())


def test_it_gives_one_block_per_month_end_oldest_first() -> None:
    import_folder(SCENARIO, changed_on=IMPORTED_ON)

    report = indicators("--policy", "bedford", "--as-of", AS_OF, "--months", "3")

    days = [r["as_of"] for r in rows(report)]
    assert list(dict.fromkeys(days)) == ["2025-02-28", "2025-03-31", "2025-04-25"]
    assert days == sorted(days)
    for day in ("2025-03-31", AS_OF):
        alone = as_set(indicators("--policy", "bedford", "--as-of", day))
        assert {row for row in as_set(report) if row[0] == day} == alone


def test_it_keeps_only_the_scope_type_asked_for(org: Council) -> None:
    for by in ("team", "service", "organisation"):
        report = indicators("--policy", "bedford", "--as-of", "2025-06-11", "--by", by)

        assert {r["scope_type"] for r in rows(report)} == {by}


def test_it_prints_a_table_for_people() -> None:
    import_folder(SCENARIO, changed_on=IMPORTED_ON)

    table = indicators("--policy", "bedford", "--as-of", AS_OF, "--format", "table")

    heading, rule, *body = table.splitlines()
    assert heading.startswith("As of")
    assert "," not in heading
    assert "2025-04-25  team" in table
    assert any(
        line.split()[-6:] == ["case_supervision", "5", "4", "0", "1", "80.0"] for line in body
    )
    assert set(rule) <= {"-", " "}


def test_it_neutralises_formula_cells_in_team_names(org: Council) -> None:
    org.team.name = "=HYPERLINK(1)"
    org.team.save()

    report = indicators("--policy", "bedford", "--as-of", "2025-06-11", "--by", "team")

    assert ",'=HYPERLINK(1)," in report


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--as-of", "25/04/2025"), "'25/04/2025' is not a date: write it as YYYY-MM-DD"),
        (("--months", "0"), "--months '0' is not a number of months"),
        (("--months", "twelve"), "--months 'twelve' is not a number of months"),
        (("--months", "121"), "write a whole number from 1 to 120"),
        (("--policy", "nowhere"), "nowhere"),
    ],
)
def test_it_refuses_bad_input_with_the_fix(args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError, match=message) as raised:
        indicators("--policy", "bedford", "--as-of", AS_OF, *args)

    assert raised.value.returncode == 2


def test_it_refuses_an_unknown_scope_type_or_format_on_the_command_line(tmp_path: Path) -> None:
    for args in (("--by", "region"), ("--format", "pdf")):
        result = oversight_command(tmp_path, "indicators", "--as-of", AS_OF, *args)

        assert result.returncode == 2
        assert "invalid choice" in result.stderr
        assert "Traceback" not in result.stderr


def test_it_asks_for_migrate_first_on_a_database_that_is_not_set_up(tmp_path: Path) -> None:
    result = oversight_command(tmp_path, "indicators", "--policy", "bedford", "--as-of", AS_OF)

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "run `oversight migrate` first" in result.stderr


def oversight_command(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'new.sqlite3'}"}
    return subprocess.run(
        [Path(sys.executable).parent / "oversight", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
