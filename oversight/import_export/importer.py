"""Write a checked data set into the database, all or nothing.

Rows are matched on their keys (DATA.md), so importing the same folder again changes nothing and a
corrected export updates rows in place. Rows the folder does not mention are left alone: a partial
export (only this month's sessions, say) never deletes history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction

from oversight.audit.actor import Actor
from oversight.audit.trail import audit, changes
from oversight.cases.models import Allocation, Case, CaseEvent, CaseStatus
from oversight.facts.planner import refresh_planner_statistics
from oversight.import_export.reader import DataSet, Row, Rows, read_dataset
from oversight.obligations.store import invalidate as invalidate_obligations
from oversight.organisation.models import LineManagement, Staff, StaffRole, Team, TeamMembership
from oversight.records.models import RecordTransition
from oversight.supervision.models import Agreement, Session, SessionCase

BATCH = 2000


@dataclass(frozen=True)
class AccessChange:
    action: str  # "create", "change" or "delete"
    period: LineManagement
    before: dict[str, Any] | None = None

    def detail(self) -> dict[str, Any]:
        now = {
            "staff_id": self.period.staff.staff_id,
            "manager": self.period.manager.staff_id,
            "start_date": self.period.start_date,
            "end_date": self.period.end_date,
        }
        if self.before is None:
            return {**now, "reason": "import"}
        return {**now, **changes(self.before, _dates(self.period)), "reason": "import"}


def _dates(period: LineManagement) -> dict[str, Any]:
    return {"manager": period.manager_id, "end_date": period.end_date}


@dataclass
class ImportSummary:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    # Each change of line management, which is a change of who may read whose supervision:
    # (action, period as it now stands, what it was), audited one by one after the import.
    access_changes: list[AccessChange] = field(default_factory=list)
    # Told each kind as its rows are written (a return's progress bar), when given.
    on_count: Callable[[str], None] | None = field(default=None, repr=False, compare=False)

    def count(self, label: str, created: int, updated: int) -> None:
        self.created[label] = self.created.get(label, 0) + created
        self.updated[label] = self.updated.get(label, 0) + updated
        if self.on_count is not None:
            self.on_count(label)

    def lines(self) -> list[str]:
        return [
            f"{label}: {self.created[label]} added, {self.updated.get(label, 0)} updated"
            for label in self.created
        ]


def existing_ids() -> dict[str, set[str]]:
    return {
        "staff": set(Staff.objects.values_list("staff_id", flat=True)),
        "case": set(Case.objects.values_list("case_id", flat=True)),
        "session": set(Session.objects.values_list("session_id", flat=True)),
        "team": set(Team.objects.values_list("name", flat=True)),
    }


def import_folder(
    folder: Path,
    *,
    changed_on: dt.date,
    actor: Actor | None = None,
    source: Mapping[str, Any] | None = None,
    progress: Callable[[str], None] | None = None,
) -> ImportSummary:
    """Check and load `folder`; raise DataSetError (nothing written) if anything is wrong.

    `changed_on` dates a change of line manager the folder reveals: the old period ends the day
    before and the new one starts on it. A standard return (`oversight.returns`) comes here too,
    translated into a data set: `source` says which return it was (added to the audit entry, and
    the folder then need not hold staff.csv) and `actor` who applied it (None: the command line).
    `progress`, if given, is told "checked" once every row is checked, then each kind (the
    labels of the summary) as its rows are written.
    """
    dataset = read_dataset(folder, existing=existing_ids(), staff_required=source is None)
    if progress is not None:
        progress("checked")
    with transaction.atomic():
        summary = _write(dataset, changed_on, ImportSummary(on_count=progress))
        # A whole data set loaded at once is a change to many records: one entry says so.
        detail = {
            "folder": str(folder),
            "changed_on": changed_on,
            "added": summary.created,
            "updated": summary.updated,
            "changes_of_access": len(summary.access_changes),
            **({"return": dict(source)} if source is not None else {}),
        }
        label = str(source["name"]) if source is not None else folder.name
        audit(
            actor.user if actor is not None else None,
            "import",
            object_type="import_export.dataset",
            object_label=label,
            detail=detail,
            address=actor.address if actor is not None else None,
        )
        _audit_access_changes(summary.access_changes)
        # Loaded in bulk, without the signals that mark stale obligations: recompute them all.
        invalidate_obligations()
    refresh_planner_statistics()
    return summary


def _audit_access_changes(found: list[AccessChange]) -> None:
    """One entry per change of line management, as the reassignment page writes: who may read
    whose supervision changed, so each change is on the trail with what it was."""
    periods = LineManagement.objects.select_related("staff", "manager").in_bulk(
        [c.period.pk for c in found if c.action != "delete"]
    )
    for change in found:
        period = periods.get(change.period.pk, change.period)
        audit(
            None,
            change.action,
            period,
            detail=AccessChange(change.action, period, change.before).detail(),
            object_id=change.period.pk,
        )


def _write(dataset: DataSet, changed_on: dt.date, summary: ImportSummary) -> ImportSummary:
    staff_rows = dataset["staff.csv"]

    teams = {t.name: t for t in Team.objects.all()}
    new_teams = sorted(dataset.team_names - teams.keys())
    Team.objects.bulk_create([Team(name=name) for name in new_teams])
    teams = {t.name: t for t in Team.objects.all()}
    summary.count("teams", len(new_teams), 0)

    _upsert(
        summary,
        "staff",
        Staff,
        staff_rows,
        key=lambda r: r["staff_id"],
        existing_key=lambda s: s.staff_id,
        values=lambda r: {
            "staff_id": r["staff_id"],
            "name": r["name"],
            "email": r["email"] or "",
            "category": r["category"],
            "team_id": teams[r["team"]].pk if r["team"] else None,
            "start_date": r["start_date"],
            "end_date": r["end_date"],
            "asye_start": r["asye_start"],
            **({"swe_number": r["swe_number"] or ""} if "swe_number" in r else {}),
        },
    )
    staff = dict(Staff.objects.values_list("staff_id", "pk"))
    _write_line_management(summary, staff_rows, staff, changed_on, dataset.staff_with_history)
    _write_line_management_history(summary, dataset, staff)
    _write_team_membership(
        summary, staff_rows, staff, teams, changed_on, dataset.staff_with_team_history
    )
    _write_team_membership_history(summary, dataset, staff, teams)
    if dataset.has("staff_roles.csv"):
        _replace_histories(
            summary,
            "job role periods",
            StaffRole,
            dataset["staff_roles.csv"],
            {staff[staff_id] for staff_id in dataset.staff_with_roles},
            key=lambda v: (v["staff_id"], v["role"], v["start_date"]),
            existing_key=lambda r: (r.staff_id, r.role, r.start_date),
            values=lambda r: {
                "staff_id": staff[r["staff_id"]],
                "role": r["role"],
                "start_date": r["start_date"],
                "end_date": r["end_date"],
            },
        )

    _upsert(
        summary,
        "cases",
        Case,
        dataset["cases.csv"],
        key=lambda r: r["case_id"],
        existing_key=lambda c: c.case_id,
        values=lambda r: {
            "case_id": r["case_id"],
            "open_date": r["open_date"],
            "close_date": r["close_date"],
            **({"display_name": r["display_name"] or ""} if "display_name" in r else {}),
            **({"date_of_birth": r["date_of_birth"]} if "date_of_birth" in r else {}),
        },
    )
    cases = dict(Case.objects.values_list("case_id", "pk"))

    _upsert(
        summary,
        "allocations",
        Allocation,
        dataset["allocations.csv"],
        key=lambda r: (cases[r["case_id"]], staff[r["worker_id"]], r["start_date"]),
        existing_key=lambda a: (a.case_id, a.worker_id, a.start_date),
        values=lambda r: {
            "case_id": cases[r["case_id"]],
            "worker_id": staff[r["worker_id"]],
            "start_date": r["start_date"],
            "end_date": r["end_date"],
        },
    )
    _upsert(
        summary,
        "case statuses",
        CaseStatus,
        dataset["case_statuses.csv"],
        key=lambda r: (cases[r["case_id"]], r["status"], r["start_date"]),
        existing_key=lambda s: (s.case_id, s.status, s.start_date),
        values=lambda r: {
            "case_id": cases[r["case_id"]],
            "status": r["status"],
            "start_date": r["start_date"],
            "end_date": r["end_date"],
        },
    )
    _upsert(
        summary,
        "case events",
        CaseEvent,
        dataset["case_events.csv"],
        key=lambda r: (cases[r["case_id"]], r["event"], r["date"]),
        existing_key=lambda e: (e.case_id, e.event, e.date),
        values=lambda r: {"case_id": cases[r["case_id"]], "event": r["event"], "date": r["date"]},
    )
    # A record written in Oversight has its own completed date (set when it was sent); an export
    # from another system must not overwrite it.
    recorded_here = set(
        RecordTransition.objects.values_list("session__session_id", flat=True).distinct()
    )
    _upsert(
        summary,
        "sessions",
        Session,
        dataset["sessions.csv"],
        key=lambda r: r["session_id"],
        existing_key=lambda s: s.session_id,
        values=lambda r: {
            "session_id": r["session_id"],
            "type": r["type"],
            "date": r["date"],
            "supervisor_id": staff[r["supervisor_id"]] if r["supervisor_id"] else None,
            "supervisee_id": staff[r["supervisee_id"]] if r["supervisee_id"] else None,
            "team_id": teams[r["team"]].pk if r["team"] else None,
            "duration_minutes": r["duration_minutes"],
            **({} if r["session_id"] in recorded_here else {"recorded_date": r["recorded_date"]}),
        },
    )
    sessions = dict(Session.objects.values_list("session_id", "pk"))
    _upsert(
        summary,
        "cases discussed",
        SessionCase,
        dataset["session_cases.csv"],
        key=lambda r: (sessions[r["session_id"]], cases[r["case_id"]]),
        existing_key=lambda sc: (sc.session_id, sc.case_id),
        values=lambda r: {"session_id": sessions[r["session_id"]], "case_id": cases[r["case_id"]]},
    )
    _upsert(
        summary,
        "agreements",
        Agreement,
        dataset["agreements.csv"],
        key=lambda r: (staff[r["staff_id"]], staff[r["supervisor_id"]], r["signed_date"]),
        existing_key=lambda a: (a.staff_id, a.supervisor_id, a.signed_date),
        values=lambda r: {
            "staff_id": staff[r["staff_id"]],
            "supervisor_id": staff[r["supervisor_id"]],
            "signed_date": r["signed_date"],
            "frequency": r["frequency"] or "",
        },
    )
    return summary


def _upsert(
    summary: ImportSummary,
    label: str,
    model: type[models.Model],
    rows: Rows,
    *,
    key: Any,
    existing_key: Any,
    values: Any,
) -> None:
    """Create the rows whose key is new and update those whose values changed, in bulk.

    The rows are read from the file as they are written, BATCH at a time, so memory does not
    grow with the file."""
    if not rows:
        return
    manager = model._default_manager
    existing = {existing_key(obj): obj for obj in manager.all()}
    to_create: list[models.Model] = []
    created = updated = 0
    for row in rows:
        wanted = values(row)
        obj = existing.get(key(row))
        if obj is None:
            to_create.append(model(**wanted))
            if len(to_create) >= BATCH:
                manager.bulk_create(to_create)
                created += len(to_create)
                to_create.clear()
            continue
        changes = {name: v for name, v in wanted.items() if getattr(obj, name) != v}
        if changes:
            for name, v in changes.items():
                setattr(obj, name, v)
            obj.save(update_fields=sorted(changes))
            updated += 1
    manager.bulk_create(to_create)
    created += len(to_create)
    summary.count(label, created, updated)


def _write_line_management(
    summary: ImportSummary,
    staff_rows: Iterable[Row],
    staff: dict[str, int],
    changed_on: dt.date,
    staff_with_history: set[str],
) -> None:
    """Line management from staff.csv's line_manager_id, for staff line_management.csv does not
    give a history of: a change of manager closes the old period the day before `changed_on`."""
    current = {
        lm.staff_id: lm
        for lm in LineManagement.objects.current().select_related("staff", "manager")
    }
    has_history = set(LineManagement.objects.values_list("staff_id", flat=True).distinct())
    created = updated = 0
    for row in staff_rows:
        if row["staff_id"] in staff_with_history:
            continue
        staff_pk = staff[row["staff_id"]]
        manager_pk = staff[row["line_manager_id"]] if row["line_manager_id"] else None
        period = current.get(staff_pk)
        if period is not None and period.manager_id == manager_pk:
            continue
        if period is not None:
            before = _dates(period)
            if period.start_date >= changed_on:
                # The period only just began: correct it rather than leave a zero-length period.
                if manager_pk is None:
                    summary.access_changes.append(AccessChange("delete", period, before))
                    # Deleted by query, so the row in hand keeps its id for the trail.
                    LineManagement.objects.filter(pk=period.pk).delete()
                else:
                    period.manager_id = manager_pk
                    period.save(update_fields=["manager"])
                    summary.access_changes.append(AccessChange("change", period, before))
                updated += 1
                continue
            period.end_date = changed_on - dt.timedelta(days=1)
            period.save(update_fields=["end_date"])
            summary.access_changes.append(AccessChange("change", period, before))
            updated += 1
        if manager_pk is not None:
            start = (
                max(changed_on, row["start_date"]) if staff_pk in has_history else row["start_date"]
            )
            new = LineManagement.objects.create(
                staff_id=staff_pk, manager_id=manager_pk, start_date=start
            )
            summary.access_changes.append(AccessChange("create", new))
            created += 1
    summary.count("line management periods", created, updated)


def _write_line_management_history(
    summary: ImportSummary, dataset: DataSet, staff: dict[str, int]
) -> None:
    """line_management.csv is the whole history of each person it names: their periods become
    exactly those rows (matched on staff, manager and start; other periods of theirs removed)."""
    if not dataset.has("line_management.csv"):
        return
    named = {staff[staff_id] for staff_id in dataset.staff_with_history}
    existing = {
        (lm.staff_id, lm.manager_id, lm.start_date): lm
        for lm in LineManagement.objects.filter(staff_id__in=named).select_related(
            "staff", "manager"
        )
    }
    kept: set[int] = set()
    to_create: list[LineManagement] = []
    updated = 0
    for row in dataset["line_management.csv"]:
        key = (staff[row["staff_id"]], staff[row["manager_id"]], row["start_date"])
        period = existing.get(key)
        if period is None:
            to_create.append(
                LineManagement(
                    staff_id=key[0], manager_id=key[1], start_date=key[2], end_date=row["end_date"]
                )
            )
            continue
        kept.add(period.pk)
        if period.end_date != row["end_date"]:
            before = _dates(period)
            period.end_date = row["end_date"]
            period.save(update_fields=["end_date"])
            summary.access_changes.append(AccessChange("change", period, before))
            updated += 1
    removed = [lm for lm in existing.values() if lm.pk not in kept]
    summary.access_changes.extend(AccessChange("delete", lm, _dates(lm)) for lm in removed)
    LineManagement.objects.filter(pk__in=[lm.pk for lm in removed]).delete()
    for new in LineManagement.objects.bulk_create(to_create, batch_size=BATCH):
        summary.access_changes.append(AccessChange("create", new))
    summary.count("line management periods", len(to_create), updated + len(removed))


def _write_team_membership(
    summary: ImportSummary,
    staff_rows: Iterable[Row],
    staff: dict[str, int],
    teams: dict[str, Team],
    changed_on: dt.date,
    named: set[str],
) -> None:
    """Team membership from staff.csv's team, for staff team_membership.csv does not give a
    history of: someone new is in their team from their start date; a change of team found on a
    later import ends the old period the day before `changed_on` and starts the new one on it."""
    current = {m.staff_id: m for m in TeamMembership.objects.current()}
    has_history = set(TeamMembership.objects.values_list("staff_id", flat=True).distinct())
    to_create: list[TeamMembership] = []
    updated = 0
    for row in staff_rows:
        if row["staff_id"] in named:
            continue
        staff_pk = staff[row["staff_id"]]
        team_pk = teams[row["team"]].pk if row["team"] else None
        period = current.get(staff_pk)
        if period is not None and period.team_id == team_pk:
            continue
        if period is not None:
            updated += 1
            if period.start_date >= changed_on:
                # The period only just began: correct it rather than leave a zero-length period.
                if team_pk is None:
                    period.delete()
                else:
                    period.team_id = team_pk
                    period.save(update_fields=["team"])
                continue
            period.end_date = changed_on - dt.timedelta(days=1)
            period.save(update_fields=["end_date"])
        if team_pk is not None:
            start = (
                max(changed_on, row["start_date"]) if staff_pk in has_history else row["start_date"]
            )
            to_create.append(TeamMembership(staff_id=staff_pk, team_id=team_pk, start_date=start))
    TeamMembership.objects.bulk_create(to_create, batch_size=BATCH)
    summary.count("team membership periods", len(to_create), updated)


def _write_team_membership_history(
    summary: ImportSummary, dataset: DataSet, staff: dict[str, int], teams: dict[str, Team]
) -> None:
    """team_membership.csv is the whole history of each person it names: their periods become
    exactly its rows, and their team now (`Staff.team`) the team of their open period."""
    if not dataset.has("team_membership.csv"):
        return
    named = {staff[staff_id] for staff_id in dataset.staff_with_team_history}
    _replace_histories(
        summary,
        "team membership periods",
        TeamMembership,
        dataset["team_membership.csv"],
        named,
        key=lambda v: (v["staff_id"], v["team_id"], v["start_date"]),
        existing_key=lambda m: (m.staff_id, m.team_id, m.start_date),
        values=lambda r: {
            "staff_id": staff[r["staff_id"]],
            "team_id": teams[r["team"]].pk,
            "start_date": r["start_date"],
            "end_date": r["end_date"],
        },
    )
    now = dict(
        TeamMembership.objects.current()
        .filter(staff_id__in=named)
        .values_list("staff_id", "team_id")
    )
    for person in Staff.objects.filter(pk__in=named):
        if person.team_id != now.get(person.pk):
            person.team_id = now.get(person.pk)
            person.save(update_fields=["team"])


def _replace_histories(
    summary: ImportSummary,
    label: str,
    model: type[TeamMembership] | type[StaffRole],
    rows: Rows,
    named: set[int],
    *,
    key: Any,
    existing_key: Any,
    values: Any,
) -> None:
    """The dated periods of each person in `named` become exactly `rows` (matched on `key`;
    an end date changed in place; periods of theirs not in the rows removed)."""
    manager = model._default_manager
    existing = {existing_key(obj): obj for obj in manager.filter(staff_id__in=named)}
    kept: set[int] = set()
    to_create: list[Any] = []
    updated = 0
    for row in rows:
        wanted = values(row)
        period = existing.get(key(wanted))
        if period is None:
            to_create.append(model(**wanted))
            continue
        kept.add(period.pk)
        if period.end_date != wanted["end_date"]:
            period.end_date = wanted["end_date"]
            period.save(update_fields=["end_date"])
            updated += 1
    removed = [obj.pk for obj in existing.values() if obj.pk not in kept]
    manager.filter(pk__in=removed).delete()
    manager.bulk_create(to_create, batch_size=BATCH)
    summary.count(label, len(to_create), updated + len(removed))
