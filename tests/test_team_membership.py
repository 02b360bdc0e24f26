"""Dated team membership and job roles: who was in which team when, so the indicators of a past
month count each person in the team they were in at its end (INDICATORS.md); the data set's
optional team_membership.csv and staff_roles.csv (docs/data-set.md) checked, loaded and written
back exactly."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from oversight.audit.actor import Actor
from oversight.audit.models import AuditEvent
from oversight.dashboards.behind import rows_behind, tally
from oversight.dashboards.models import SummaryFigure
from oversight.dashboards.summaries import summarise
from oversight.engine import facts
from oversight.engine.indicators import belongings
from oversight.engine.loader import load_policy
from oversight.import_export.exporter import export_folder
from oversight.import_export.importer import import_folder
from oversight.import_export.reader import DataSetError, read_dataset, to_facts
from oversight.organisation.models import Staff, StaffRole, Team, TeamMembership
from oversight.organisation.transfers import move_to_team
from tests.factories import (
    AllocationFactory,
    CaseFactory,
    LineManagementFactory,
    StaffFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
CHANGED_ON = dt.date(2026, 1, 5)
JOINED = dt.date(2024, 1, 1)
MOVED = dt.date(2025, 6, 1)


def history(person: Staff) -> list[tuple[str, dt.date, dt.date | None]]:
    return list(
        TeamMembership.objects.filter(staff=person)
        .order_by("start_date")
        .values_list("team__name", "start_date", "end_date")
    )


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def problems_for(folder: Path) -> list[str]:
    with pytest.raises(DataSetError) as raised:
        import_folder(folder, changed_on=CHANGED_ON)
    return [str(p) for p in raised.value.problems]


@pytest.fixture
def actor() -> Actor:
    return Actor(UserFactory(username="business-support"))


# Moving someone to another team keeps the team they were in --------------------------------------


def test_a_move_ends_the_old_membership_the_day_before_and_starts_the_new_one(
    actor: Actor,
) -> None:
    team_a, team_b = TeamFactory(name="Team A"), TeamFactory(name="Team B")
    worker = StaffFactory(team=team_a, start_date=JOINED)
    TeamMembership.objects.create(staff=worker, team=team_a, start_date=JOINED)

    new = move_to_team(worker, team_b, MOVED, by=actor)

    assert history(worker) == [
        ("Team A", JOINED, dt.date(2025, 5, 31)),
        ("Team B", MOVED, None),
    ]
    assert new is not None
    assert new.team == team_b
    worker.refresh_from_db()
    assert worker.team == team_b
    assert list(Staff.objects.in_team_on(team_a, dt.date(2025, 5, 31))) == [worker]
    assert list(Staff.objects.in_team_on(team_b, MOVED)) == [worker]
    assert not Staff.objects.in_team_on(team_a, MOVED).exists()
    trail = list(AuditEvent.objects.order_by("pk").values_list("action", "object_type"))
    assert trail == [
        ("change", "organisation.teammembership"),
        ("create", "organisation.teammembership"),
        ("change", "organisation.staff"),
    ]


def test_someone_with_no_history_yet_was_in_their_team_since_they_started(actor: Actor) -> None:
    team_a, team_b = TeamFactory(name="Team A"), TeamFactory(name="Team B")
    worker = StaffFactory(team=team_a, start_date=JOINED)
    assert list(Staff.objects.in_team_on(team_a, JOINED)) == [worker]

    move_to_team(worker, team_b, MOVED, by=actor)

    assert history(worker) == [
        ("Team A", JOINED, dt.date(2025, 5, 31)),
        ("Team B", MOVED, None),
    ]


def test_moving_into_no_team_ends_the_membership(actor: Actor) -> None:
    team_a = TeamFactory(name="Team A")
    worker = StaffFactory(team=team_a, start_date=JOINED)

    assert move_to_team(worker, None, MOVED, by=actor) is None

    assert history(worker) == [("Team A", JOINED, dt.date(2025, 5, 31))]
    worker.refresh_from_db()
    assert worker.team is None


def test_a_move_is_refused_into_the_same_team_after_leaving_or_before_a_later_move(
    actor: Actor,
) -> None:
    team_a, team_b = TeamFactory(name="Team A"), TeamFactory(name="Team B")
    worker = StaffFactory(team=team_a, start_date=JOINED, end_date=dt.date(2025, 3, 31))
    with pytest.raises(ValidationError, match="already in Team A"):
        move_to_team(worker, team_a, MOVED, by=actor)
    with pytest.raises(ValidationError, match="left on 31 March 2025"):
        move_to_team(worker, team_b, MOVED, by=actor)

    mover = StaffFactory(team=team_a, start_date=JOINED)
    move_to_team(mover, team_b, MOVED, by=actor)
    with pytest.raises(ValidationError, match="joins Team B on 1 June 2025"):
        move_to_team(mover, team_a, dt.date(2025, 5, 1), by=actor)
    assert history(mover) == [
        ("Team A", JOINED, dt.date(2025, 5, 31)),
        ("Team B", MOVED, None),
    ]


@pytest.mark.usefixtures("frozen_today")
def test_changing_the_team_in_the_admin_is_a_move_from_today(client) -> None:
    support = UserFactory(is_staff=True)
    support.groups.add(Group.objects.get(name="Business support"))
    team_a, team_b = TeamFactory(name="Team A"), TeamFactory(name="Team B")
    worker = StaffFactory(team=team_a, start_date=JOINED)
    client.force_login(support)
    address = f"/admin/organisation/staff/{worker.pk}/change/"
    form = {
        "staff_id": worker.staff_id,
        "name": worker.name,
        "email": "",
        "category": worker.category,
        "team": team_b.pk,
        "start_date": JOINED.isoformat(),
        "end_date": "",
        "asye_start": "",
        "swe_number": "",
        "user": "",
        "line_management-TOTAL_FORMS": "0",
        "line_management-INITIAL_FORMS": "0",
        "team_memberships-TOTAL_FORMS": "0",
        "team_memberships-INITIAL_FORMS": "0",
        "roles-TOTAL_FORMS": "1",
        "roles-INITIAL_FORMS": "0",
        "roles-0-role": "Senior practitioner",
        "roles-0-start_date": "2025-01-06",
        "roles-0-end_date": "",
    }

    response = client.post(address, form)

    assert response.status_code == 302, response.content.decode()[:3000]
    today = dt.date.today()
    assert history(worker) == [
        ("Team A", JOINED, today - dt.timedelta(days=1)),
        ("Team B", today, None),
    ]
    worker.refresh_from_db()
    assert worker.team == team_b
    assert list(worker.roles.values_list("role", "start_date")) == [
        ("Senior practitioner", dt.date(2025, 1, 6))
    ]
    page = client.get(address).content.decode()
    assert "Team membership periods" in page
    assert "Job role periods" in page


def test_the_migration_gives_everyone_in_a_team_one_open_membership_from_their_start(
    transactional_db: None,
) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([("organisation", "0003_line_management_not_in_business_supports_admin")])
    apps = executor.loader.project_state(
        [("organisation", "0003_line_management_not_in_business_supports_admin")]
    ).apps
    OldTeam = apps.get_model("organisation", "Team")
    OldStaff = apps.get_model("organisation", "Staff")
    team = OldTeam.objects.create(name="Team A")
    OldStaff.objects.create(
        staff_id="S1", name="In a team", category="case_holder", team=team, start_date=JOINED
    )
    OldStaff.objects.create(staff_id="S2", name="In no team", category="manager", start_date=JOINED)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([("organisation", "0004_dated_team_membership_and_roles")])

    assert list(
        TeamMembership.objects.values_list(
            "staff__staff_id", "team__name", "start_date", "end_date"
        )
    ) == [("S1", "Team A", JOINED, None)]


# The indicators of a past month count the mover in the team they were in then -----------------


def figures_by_month(report: str) -> dict[tuple[str, str, str], str]:
    return {
        (row["as_of"], row["scope_id"], row["obligation"]): row["counted"]
        for row in csv.DictReader(io.StringIO(report))
        if row["scope_type"] == "team"
    }


def test_a_worker_who_moved_in_june_counts_in_team_a_in_january_and_team_b_in_july(
    actor: Actor,
) -> None:
    team_a, team_b = TeamFactory(name="Team A"), TeamFactory(name="Team B")
    manager = StaffFactory(staff_id="M1", team=None, category="manager", start_date=JOINED)
    worker = StaffFactory(staff_id="W1", team=team_a, start_date=JOINED)
    LineManagementFactory(staff=worker, manager=manager, start_date=JOINED)
    AllocationFactory(
        case=CaseFactory(case_id="C1", open_date=JOINED), worker=worker, start_date=JOINED
    )
    move_to_team(worker, team_b, MOVED, by=actor)
    january, july = dt.date(2025, 1, 31), dt.date(2025, 7, 31)

    out = io.StringIO()
    call_command(
        "indicators", "--policy", "bedford", "--as-of", "2025-07-31", "--months", "7", stdout=out
    )
    command = figures_by_month(out.getvalue())
    summarise(load_policy("bedford"), july, months=7)
    stored = {
        (f.summary.as_of.isoformat(), f.scope_id, f.obligation): str(f.counted)
        for f in SummaryFigure.objects.filter(scope_type="team").select_related("summary")
    }

    for found in (command, stored):
        for kind in ("professional_supervision", "case_supervision"):
            assert found[january.isoformat(), "Team A", kind] == "1"
            assert (january.isoformat(), "Team B", kind) not in found
            assert found[july.isoformat(), "Team B", kind] == "1"
            assert (july.isoformat(), "Team A", kind) not in found
    # The rows behind Team A's January figures are the mover's, and add up to them.
    behind = rows_behind(load_policy("bedford"), team_a, january)
    assert {(r.obligation.subject_type, r.obligation.subject_id) for r in behind} == {
        ("staff", "W1"),
        ("case", "C1"),
    }
    assert {f.cells() for f in tally(behind, january, team_a)} == {
        f.figure(january).cells()
        for f in SummaryFigure.objects.filter(
            summary__as_of=january, scope_type="team", scope_id="Team A"
        )
    }
    assert rows_behind(load_policy("bedford"), team_b, january) == []


def test_the_data_set_and_the_engine_place_a_session_by_the_supervisees_team_on_its_date() -> None:
    on = dt.date(2025, 7, 31)
    found = belongings(
        facts.Facts(
            staff=(
                facts.Staff("W1", "case_holder", JOINED, team="Team B"),
                facts.Staff("W2", "case_holder", JOINED, team="Team A"),
            ),
            team_memberships=(
                facts.TeamMembership("W1", "Team A", JOINED, dt.date(2025, 5, 31)),
                facts.TeamMembership("W1", "Team B", MOVED),
            ),
            sessions=(
                facts.Session("X1", "individual", dt.date(2025, 2, 3), "M1", "W1"),
                facts.Session("X2", "individual", dt.date(2025, 7, 3), "M1", "W1"),
            ),
        ),
        on,
    )

    assert found == {
        ("staff", "W1"): "Team B",
        ("staff", "W2"): "Team A",  # no membership rows: their team now, on every day
        ("team", "Team A"): "Team A",
        ("team", "Team B"): "Team B",
        ("session", "X1"): "Team A",
        ("session", "X2"): "Team B",
    }
    assert belongings(facts.Facts(staff=(facts.Staff("W1", "case_holder", JOINED),)), on) == {}


# The data set's optional files ----------------------------------------------------------------


def with_history(folder: Path) -> Path:
    """Social Worker One was in Team B until the end of 2024; roles for two people."""
    write_csv(
        folder / "team_membership.csv",
        [
            ["staff_id", "team", "start_date", "end_date"],
            ["S01", "Team B", "2023-05-01", "2024-12-31"],
            ["S01", "Team A", "2025-01-01", ""],
        ],
    )
    write_csv(
        folder / "staff_roles.csv",
        [
            ["staff_id", "role", "start_date", "end_date"],
            ["S01", "Social worker", "2023-05-01", "2024-09-30"],
            ["S01", "Senior practitioner", "2024-10-01", ""],
            ["M01", "Team manager", "2020-01-06", ""],
        ],
    )
    return folder


def test_without_the_files_everyone_is_in_their_team_from_their_start(dataset_copy) -> None:
    folder = dataset_copy()
    import_folder(folder, changed_on=CHANGED_ON)

    assert set(
        TeamMembership.objects.values_list(
            "staff__staff_id", "team__name", "start_date", "end_date"
        )
    ) == {
        ("H01", "Service Leadership", dt.date(2019, 4, 1), None),
        ("M01", "Team A", dt.date(2020, 1, 6), None),
        ("S01", "Team A", dt.date(2023, 5, 1), None),
        ("S02", "Team A", dt.date(2024, 2, 5), None),
        ("R01", "Safeguarding Unit", dt.date(2021, 2, 1), None),
    }
    assert not StaffRole.objects.exists()

    # A later import that gives S01 another team moves them on --changed-on.
    rows = read_rows(folder / "staff.csv")
    rows[2]["team"] = "Team B"
    write_csv(folder / "staff.csv", [list(rows[0]), *[list(r.values()) for r in rows]])
    import_folder(folder, changed_on=CHANGED_ON)

    s01 = Staff.objects.get(staff_id="S01")
    assert history(s01) == [
        ("Team A", dt.date(2023, 5, 1), dt.date(2026, 1, 4)),
        ("Team B", CHANGED_ON, None),
    ]
    assert s01.team == Team.objects.get(name="Team B")


def test_it_loads_each_persons_whole_history_from_the_files(dataset_copy) -> None:
    folder = with_history(dataset_copy())

    summary = import_folder(folder, changed_on=CHANGED_ON)

    s01 = Staff.objects.get(staff_id="S01")
    assert history(s01) == [
        ("Team B", dt.date(2023, 5, 1), dt.date(2024, 12, 31)),
        ("Team A", dt.date(2025, 1, 1), None),
    ]
    assert s01.team is not None
    assert s01.team.name == "Team A"
    assert list(s01.roles.values_list("role", "start_date", "end_date")) == [
        ("Social worker", dt.date(2023, 5, 1), dt.date(2024, 9, 30)),
        ("Senior practitioner", dt.date(2024, 10, 1), None),
    ]
    assert summary.created["job role periods"] == 3
    # People the file does not name: in their staff.csv team from their start.
    assert history(Staff.objects.get(staff_id="S02")) == [("Team A", dt.date(2024, 2, 5), None)]
    # The data set read without the database places S01 the same way.
    placed = belongings(to_facts(read_dataset(folder)), dt.date(2024, 12, 31))
    assert placed["staff", "S01"] == "Team B"

    # The file is their whole history: a period left out of it is removed.
    write_csv(
        folder / "team_membership.csv",
        [["staff_id", "team", "start_date", "end_date"], ["S01", "Team A", "2023-05-01", ""]],
    )
    import_folder(folder, changed_on=CHANGED_ON)
    assert history(s01) == [("Team A", dt.date(2023, 5, 1), None)]


def test_it_refuses_overlaps_unknown_staff_bad_dates_and_a_team_that_disagrees(
    dataset_copy,
) -> None:
    folder = dataset_copy()
    write_csv(
        folder / "team_membership.csv",
        [
            ["staff_id", "team", "start_date", "end_date"],
            ["S01", "Team B", "2023-05-01", "2025-01-10"],
            ["S01", "Team A", "2025-01-01", ""],
            ["S99", "Team A", "2024-01-01", ""],
            ["S02", "Team A", "2024-02-05", "2024-01-01"],
            ["R01", "Safeguarding Unit", "01/02/2021", ""],
            ["M01", "Team B", "2020-01-06", ""],
        ],
    )
    write_csv(
        folder / "staff_roles.csv",
        [
            ["staff_id", "role", "start_date", "end_date"],
            ["S01", "Social worker", "2023-05-01", ""],
            ["S01", "Senior practitioner", "2024-10-01", ""],
        ],
    )

    assert problems_for(folder) == [
        "staff.csv:3: team: 'Team A' is not the team of M01's open period in "
        "team_membership.csv (their latest is 'Team B' from 2020-01-06): make them agree",
        "team_membership.csv:3: start_date: S01 is already in a team on 2025-01-01 ('Team B' on "
        "line 2, until 2025-01-10): one person's periods must not overlap; end the earlier one "
        "the day before",
        "team_membership.csv:4: staff_id: unknown staff id 'S99': add it to staff.csv or "
        "correct the id",
        "team_membership.csv:5: end_date: 2024-01-01 is before start_date 2024-02-05: correct "
        "one of the dates",
        "team_membership.csv:6: start_date: '01/02/2021' is not a date: write it as YYYY-MM-DD, "
        "e.g. 2025-04-01",
        "staff_roles.csv:3: start_date: S01 is already in a job role on 2024-10-01 ('Social "
        "worker' on line 2, with no end date): one person's periods must not overlap; end the "
        "earlier one the day before",
    ]
    assert not Staff.objects.exists()
    assert not TeamMembership.objects.exists()
    assert not StaffRole.objects.exists()


def test_an_open_period_for_someone_staff_csv_puts_in_no_team_is_refused(dataset_copy) -> None:
    folder = dataset_copy()
    rows = read_rows(folder / "staff.csv")
    rows[0]["team"] = ""
    write_csv(folder / "staff.csv", [list(rows[0]), *[list(r.values()) for r in rows]])
    write_csv(
        folder / "team_membership.csv",
        [["staff_id", "team", "start_date", "end_date"], ["H01", "Team A", "2019-04-01", ""]],
    )

    assert problems_for(folder) == [
        "team_membership.csv:2: end_date: is empty, but staff.csv gives H01 no team: end their "
        "period in 'Team A', or give them that team in staff.csv"
    ]


def test_history_comes_back_exactly_through_export_and_import(dataset_copy, tmp_path) -> None:
    folder = with_history(dataset_copy())
    import_folder(folder, changed_on=CHANGED_ON)
    export_folder(tmp_path / "first")

    def periods() -> set[tuple[object, ...]]:
        return {
            *TeamMembership.objects.values_list(
                "staff__staff_id", "team__name", "start_date", "end_date"
            ),
            *StaffRole.objects.values_list("staff__staff_id", "role", "start_date", "end_date"),
        }

    before = periods()
    TeamMembership.objects.all().delete()
    StaffRole.objects.all().delete()
    import_folder(tmp_path / "first", changed_on=CHANGED_ON)
    export_folder(tmp_path / "second")

    assert periods() == before
    for name in ("team_membership.csv", "staff_roles.csv", "staff.csv"):
        first = (tmp_path / "first" / name).read_text()
        assert first == (tmp_path / "second" / name).read_text()
    written = {
        name: {tuple(r.values()) for r in read_rows(tmp_path / "first" / name)}
        for name in ("team_membership.csv", "staff_roles.csv")
    }
    assert written["staff_roles.csv"] == {
        tuple(r.values()) for r in read_rows(folder / "staff_roles.csv")
    }
    assert {tuple(r.values()) for r in read_rows(folder / "team_membership.csv")} < written[
        "team_membership.csv"
    ]
