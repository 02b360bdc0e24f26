"""What a standard return changes, as rows of the supervision data set, and applying them.

A return is turned into the same facts `oversight import` loads (cases.csv, allocations.csv,
case_statuses.csv), compared with the database to say what is new, changed or ended, and then
written to a data set folder and loaded by `import_folder`: the one all-or-nothing, audited path.
Rows the return does not mention are left alone, as with any data set. The mapping decisions are
in docs/standard-returns.md.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from oversight.audit.actor import Actor
from oversight.cases.models import STATUS_LABELS, Allocation, Case, CaseStatus
from oversight.import_export.exporter import staff_row, write_data_set_file
from oversight.import_export.importer import ImportSummary, import_folder
from oversight.import_export.reader import SPECS, DataSetError, Problem, shown
from oversight.organisation.models import LineManagement, Staff, StaffRole
from oversight.returns.annex_a import WORKER, AnnexA, Episode
from oversight.returns.cin_census import XmlReturn
from oversight.returns.ssda903 import SW_EPISODES, Ssda903, WorkerPeriod
from oversight.returns.workers import WorkerName, match_workers, name_key
from oversight.returns.workforce import CensusWorker, WorkforceCensus

CARE_LEAVER_AGE = 18
NEW, CHANGED, ENDED = "new", "changed", "ended"
# A worker's name still to be matched: the child's allocation is not planned until it is.
AWAITING = "awaiting"


@dataclass(frozen=True)
class PlannedRow:
    """One data set row the return writes, and what it does to the database."""

    kind: str  # "cases", "allocations" or "case statuses"
    action: str  # NEW, CHANGED or ENDED
    values: tuple[Any, ...]  # in the data set file's column order
    description: str
    source: str  # where in the return it comes from


@dataclass
class Plan:
    name: str
    changed_on: dt.date
    problems: list[Problem] = field(default_factory=list)
    more_problems: int = 0
    rows: list[PlannedRow] = field(default_factory=list)
    workers: dict[str, WorkerName] = field(default_factory=dict)
    children: int = 0
    unallocated_children: int = 0
    awaiting_worker: int = 0  # children whose worker's name is still to be matched
    # staff_roles.csv is each named person's whole history of roles: every row of theirs, by
    # staff id, for the people whose roles the return changes (the workforce census)
    role_histories: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)

    @property
    def unresolved(self) -> list[WorkerName]:
        return [w for w in self.workers.values() if not w.resolved]

    @property
    def to_review(self) -> list[WorkerName]:
        return [w for w in self.workers.values() if w.needs_decision]

    @property
    def can_apply(self) -> bool:
        return not self.problems and not self.unresolved

    def counts(self) -> list[dict[str, Any]]:
        kinds: tuple[str, ...] = ("cases", "allocations", "case statuses")
        if any(r.kind == "staff" for r in self.rows):
            kinds = ("staff", *kinds)
        if any(r.kind == "job roles" for r in self.rows):
            kinds = (*kinds, "job roles")
        return [
            {
                "kind": kind,
                **{
                    action: sum(1 for r in self.rows if r.kind == kind and r.action == action)
                    for action in (NEW, CHANGED, ENDED)
                },
            }
            for kind in kinds
        ]

    def rows_of(self, kind: str) -> list[PlannedRow]:
        return [r for r in self.rows if r.kind == kind]

    def blocking_problems(self) -> list[Problem]:
        """Everything that stops the apply: the return's problems, then each unresolved name."""
        return [
            *self.problems,
            *(
                Problem(
                    w.where(),
                    None,
                    WORKER,
                    f"'{w.name}': {w.why.lower()}: choose who it is, or leave the children "
                    "unallocated",
                )
                for w in self.unresolved
            ),
        ]


def plan_annex_a(
    found: AnnexA, *, name: str, changed_on: dt.date, decisions: Mapping[str, str]
) -> Plan:
    plan = Plan(name=name, changed_on=changed_on, problems=list(found.problems))
    plan.more_problems = found.more_problems
    plan.workers = match_workers(found.episodes, changed_on, decisions)
    known_staff = set(Staff.objects.values_list("staff_id", flat=True))
    for worker in plan.workers.values():
        if worker.decided and worker.decided not in known_staff:
            plan.problems.append(
                Problem(
                    worker.where(),
                    None,
                    WORKER,
                    f"'{worker.name}' was matched to staff id '{worker.decided}', which is not "
                    "a member of staff: choose someone else",
                )
            )
            worker.decided = None
    if plan.problems:
        return plan
    by_child = _by_child(found.episodes)
    plan.children = len(by_child)
    _plan_children(plan, by_child)
    return plan


def plan_ssda903(found: Ssda903, *, name: str, changed_on: dt.date) -> Plan:
    plan = Plan(name=name, changed_on=changed_on, problems=list(found.problems))
    plan.more_problems = found.more_problems
    by_number = dict(Staff.objects.exclude(swe_number="").values_list("swe_number", "staff_id"))
    for period in found.workers:
        if period.swe_number not in by_number:
            plan.problems.append(
                Problem(
                    SW_EPISODES,
                    period.line,
                    "SW_ID",
                    f"no member of staff has the Social Work England number "
                    f"'{shown(period.swe_number)}': add it to their staff record (swe_number "
                    "in staff.csv) or correct it",
                )
            )
    if plan.problems:
        return plan
    by_child = _by_child(found.episodes)
    for period in found.workers:
        # A child known only from sw_episodes.csv: their case opens with their first worker.
        if period.case_id not in by_child:
            by_child[period.case_id] = [
                Episode(
                    sheet=SW_EPISODES,
                    row=period.line,
                    list_number=0,
                    case_id=period.case_id,
                    status=None,
                    start_date=min(
                        p.start_date for p in found.workers if p.case_id == period.case_id
                    ),
                    end_date=None,
                    date_of_birth=None,
                    team="",
                    worker="",
                )
            ]
    plan.children = len(by_child)
    _plan_children(plan, by_child, allocate=False)
    _plan_allocation_history(plan, found.workers, by_number)
    return plan


def _plan_allocation_history(
    plan: Plan, periods: list[WorkerPeriod], staff_by_number: dict[str, str]
) -> None:
    """Allocations with their own dates (SSDA903's social worker episodes): each is a row of
    allocations.csv, new or with its end date changed."""
    existing = {
        (a.case.case_id, a.worker.staff_id, a.start_date): a
        for a in Allocation.objects.filter(
            case__case_id__in={p.case_id for p in periods}
        ).select_related("case", "worker")
    }
    names = dict(Staff.objects.values_list("staff_id", "name"))
    for period in periods:
        staff_id = staff_by_number[period.swe_number]
        row = (period.case_id, staff_id, period.start_date, period.end_date)
        where = f"{SW_EPISODES} line {period.line}"
        before = existing.get(row[:3])
        what = f"{period.case_id}: allocated to {names[staff_id]} from {period.start_date}"
        if before is None:
            plan.rows.append(PlannedRow("allocations", NEW, row, what, where))
        elif before.end_date != period.end_date:
            action = ENDED if period.end_date and before.end_date is None else CHANGED
            plan.rows.append(PlannedRow("allocations", action, row, what, where))


def plan_workforce(found: WorkforceCensus, *, name: str, changed_on: dt.date) -> Plan:
    """The census dates each worker's role: an earlier role start moves their start date back,
    a role end date is their last day. Staff are matched on their Social Work England number and
    never created (the census has no names)."""
    plan = Plan(name=name, changed_on=changed_on, problems=list(found.problems))
    plan.more_problems = found.more_problems
    staff = {s.swe_number: s for s in Staff.objects.exclude(swe_number="").select_related("team")}
    for worker in found.workers:
        if worker.swe_number not in staff:
            plan.problems.append(
                Problem(
                    name,
                    None,
                    f"{worker.where}/SWENo",
                    f"no member of staff has the Social Work England number "
                    f"'{shown(worker.swe_number)}': add them to the staff data set with their "
                    "swe_number, or correct it",
                )
            )
    if plan.problems:
        return plan
    managers = dict(LineManagement.objects.current().values_list("staff_id", "manager__staff_id"))
    roles: dict[int, list[StaffRole]] = {}
    for held in StaffRole.objects.filter(staff__in=staff.values()).order_by("start_date"):
        roles.setdefault(held.staff_id, []).append(held)
    for worker in found.workers:
        person = staff[worker.swe_number]
        start = min(person.start_date, worker.role_start or person.start_date)
        end = worker.role_end or person.end_date
        if end is not None and end < start:
            plan.problems.append(
                Problem(
                    name,
                    None,
                    f"{worker.where}/RoleEndDate",
                    f"{end} is before {person.name}'s start date {start}: correct one of them",
                )
            )
            continue
        _plan_role(plan, worker, person, roles.get(person.pk, []), start, end)
        if (start, end) == (person.start_date, person.end_date):
            continue
        action = ENDED if end is not None and person.end_date is None else CHANGED
        plan.rows.append(
            PlannedRow(
                "staff",
                action,
                staff_row(person, managers.get(person.pk), start_date=start, end_date=end),
                f"{person.name} ({person.staff_id}): in post from {start}"
                + (f" to {end}" if end else ""),
                worker.where,
            )
        )
    return plan


def _plan_role(
    plan: Plan,
    worker: CensusWorker,
    person: Staff,
    held: list[StaffRole],
    start: dt.date,
    end: dt.date | None,
) -> None:
    """The census's role for the person (OrgRole), dated from RoleStartDate (else their start)
    to RoleEndDate (else their end date). A role of theirs already running then ends the day
    before; one Oversight holds from a later date is a problem (the census cannot say which is
    right). The person's whole role history goes to staff_roles.csv."""
    if worker.role is None:
        return
    role_start = max(worker.role_start or start, start)
    history = {(r.role, r.start_date): r.end_date for r in held}
    label = f"{person.name} ({person.staff_id}): {worker.role} from {role_start}" + (
        f" to {end}" if end else ""
    )
    rows_before = len(plan.rows)
    if (worker.role, role_start) in history:
        before = history[(worker.role, role_start)]
        if before == end:
            return
        action = ENDED if end is not None and before is None else CHANGED
        plan.rows.append(
            PlannedRow(
                "job roles",
                action,
                (person.staff_id, worker.role, role_start, end),
                label,
                worker.where,
            )
        )
        history[(worker.role, role_start)] = end
    else:
        for (role, held_from), held_to in sorted(history.items(), key=lambda kv: kv[0][1]):
            if held_from >= role_start and (end is None or held_from <= end):
                plan.problems.append(
                    Problem(
                        plan.name,
                        None,
                        f"{worker.where}/OrgRole",
                        f"{person.name} ({person.staff_id}) holds the role '{shown(role)}' "
                        f"from {held_from}, on or after the census's role ({worker.role}) "
                        f"starts on {role_start}: correct their roles (staff_roles.csv) or the "
                        "census",
                    )
                )
                del plan.rows[rows_before:]
                return
            if held_from < role_start and (held_to is None or held_to >= role_start):
                day_before = role_start - dt.timedelta(days=1)
                history[(role, held_from)] = day_before
                plan.rows.append(
                    PlannedRow(
                        "job roles",
                        ENDED,
                        (person.staff_id, role, held_from, day_before),
                        f"{person.name} ({person.staff_id}): {role} from {held_from} to "
                        f"{day_before}",
                        worker.where,
                    )
                )
        history[(worker.role, role_start)] = end
        plan.rows.append(
            PlannedRow(
                "job roles",
                NEW,
                (person.staff_id, worker.role, role_start, end),
                label,
                worker.where,
            )
        )
    plan.role_histories[person.staff_id] = [
        (person.staff_id, role, held_from, held_to)
        for (role, held_from), held_to in sorted(history.items(), key=lambda kv: kv[0][1])
    ]


def _by_child(episodes: list[Episode]) -> dict[str, list[Episode]]:
    by_child: dict[str, list[Episode]] = {}
    for episode in episodes:
        by_child.setdefault(episode.case_id, []).append(episode)
    return by_child


def _source(episodes: list[Episode]) -> str:
    return "; ".join(
        dict.fromkeys(f"{e.sheet} row {e.row}" if e.row else e.sheet for e in episodes)
    )


def plan_child_episodes(found: XmlReturn, *, name: str, changed_on: dt.date) -> Plan:
    """A return that gives children's episodes and no workers (the CIN census)."""
    plan = Plan(name=name, changed_on=changed_on, problems=list(found.problems))
    plan.more_problems = found.more_problems
    if plan.problems:
        return plan
    by_child = _by_child(found.episodes)
    plan.children = len(by_child)
    _plan_children(plan, by_child, allocate=False)
    return plan


def _plan_children(
    plan: Plan, by_child: dict[str, list[Episode]], *, allocate: bool = True
) -> None:
    day = plan.changed_on
    cases = {c.case_id: c for c in Case.objects.filter(case_id__in=by_child)}
    allocations: dict[int, list[Allocation]] = {}
    for allocation in Allocation.objects.filter(case__in=cases.values()).select_related("worker"):
        allocations.setdefault(allocation.case_id, []).append(allocation)
    statuses = {
        (s.case_id, s.status, s.start_date): s
        for s in CaseStatus.objects.filter(case__in=cases.values())
    }
    staff_names = dict(Staff.objects.values_list("staff_id", "name"))

    for case_id, episodes in sorted(by_child.items()):
        source = _source(episodes)
        existing = cases.get(case_id)
        periods = [(e, *_period(e, day)) for e in episodes]
        starts = [start for _, start, _ in periods if start is not None]
        open_date = min([*starts, *([existing.open_date] if existing else [])], default=day)
        # A return that closes the case closes it when nothing it gives is still open, on the
        # last day anything it gives ran.
        closes = any(e.closes_case and e.end_date for e in episodes)
        ends = [end for _, _, end in periods if end is not None]
        close_date = max(ends) if closes and len(ends) == len(periods) else None
        birth = next((e.date_of_birth for e in episodes if e.date_of_birth), None)
        if existing is not None and birth is None:
            birth = existing.date_of_birth
        case_row = (case_id, open_date, close_date, birth)
        if existing is None:
            plan.rows.append(
                PlannedRow(
                    "cases", NEW, case_row, f"Child {case_id}, open from {open_date}", source
                )
            )
        elif (existing.open_date, existing.close_date, existing.date_of_birth) != case_row[1:]:
            action = ENDED if close_date and not existing.close_date else CHANGED
            plan.rows.append(
                PlannedRow(
                    "cases",
                    action,
                    case_row,
                    f"Child {case_id}: "
                    + (f"closed on {close_date}" if action == ENDED else "dates changed"),
                    source,
                )
            )

        for episode, start, end in periods:
            if episode.status is None or start is None:
                continue
            label = STATUS_LABELS[episode.status]
            row = (case_id, episode.status, start, end)
            before = statuses.get((existing.pk, episode.status, start)) if existing else None
            where = _source([episode])
            if before is None:
                plan.rows.append(
                    PlannedRow("case statuses", NEW, row, f"{case_id}: {label} from {start}", where)
                )
            elif before.end_date != end:
                action = ENDED if end and before.end_date is None else CHANGED
                plan.rows.append(
                    PlannedRow(
                        "case statuses",
                        action,
                        row,
                        f"{case_id}: {label} from {start}, "
                        + (f"ended {end}" if end else "open again"),
                        where,
                    )
                )

        if not allocate:
            continue
        worker = _worker_for(plan, episodes, periods)
        if worker is AWAITING:
            plan.awaiting_worker += 1
            continue
        if worker is None:
            plan.unallocated_children += 1
            continue
        held = allocations.get(existing.pk, []) if existing else []
        _plan_allocation(plan, case_id, worker, held, open_date, close_date, source, staff_names)


def _period(episode: Episode, day: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """The episode's start and end. A care leaver (list 9 gives no dates) is one from their
    eighteenth birthday; a relevant child still under 18, or one without a date of birth, from
    the return's date."""
    if episode.status != "care_leaver":
        return episode.start_date, episode.end_date
    birth = episode.date_of_birth
    if birth is not None:
        try:
            adult = birth.replace(year=birth.year + CARE_LEAVER_AGE)
        except ValueError:  # born on 29 February
            adult = dt.date(birth.year + CARE_LEAVER_AGE, 3, 1)
        if adult <= day:
            return adult, None
    return day, None


def _worker_for(
    plan: Plan,
    episodes: list[Episode],
    periods: list[tuple[Episode, dt.date | None, dt.date | None]],
) -> str | None:
    """The staff id holding the child (None: nobody; AWAITING: a name still to match): the
    worker of the latest list (9, then 8, 7, 6) whose episode is still open, else of the latest
    list naming one."""
    named = [(e, end) for e, _, end in periods if e.worker]
    if not named:
        return None
    named.sort(key=lambda pair: (pair[1] is None, pair[0].list_number), reverse=True)
    worker = plan.workers[name_key(named[0][0].worker)]
    return worker.staff_id if worker.resolved else AWAITING


def _plan_allocation(
    plan: Plan,
    case_id: str,
    worker: str,
    held: list[Allocation],
    open_date: dt.date,
    close_date: dt.date | None,
    source: str,
    staff_names: dict[str, str],
) -> None:
    day = plan.changed_on
    open_now = [a for a in held if a.end_date is None]
    same = [a for a in open_now if a.worker.staff_id == worker]
    for allocation in open_now:
        if allocation.worker.staff_id == worker:
            if close_date is not None:
                plan.rows.append(
                    PlannedRow(
                        "allocations",
                        ENDED,
                        (
                            case_id,
                            worker,
                            allocation.start_date,
                            max(close_date, allocation.start_date),
                        ),
                        f"{case_id}: {allocation.worker.name}'s allocation ends {close_date} "
                        "(the case closed)",
                        source,
                    )
                )
            continue
        # The return names someone else: the earlier allocation ends the day before the return.
        end = max(allocation.start_date, day - dt.timedelta(days=1))
        if close_date is not None:
            end = max(allocation.start_date, min(end, close_date))
        plan.rows.append(
            PlannedRow(
                "allocations",
                ENDED,
                (case_id, allocation.worker.staff_id, allocation.start_date, end),
                f"{case_id}: {allocation.worker.name}'s allocation ends {end}",
                source,
            )
        )
    if same:
        return
    # First allocation Oversight knows of: held since the child's case opened, as far as the
    # return tells. A change of worker: from the return's date.
    start = open_date if not held else day
    if close_date is not None:
        start = min(start, close_date)
    name = staff_names.get(worker, worker)
    plan.rows.append(
        PlannedRow(
            "allocations",
            NEW,
            (case_id, worker, start, close_date),
            f"{case_id}: allocated to {name} from {start}",
            source,
        )
    )


FILES = {
    "staff": "staff.csv",
    "cases": "cases.csv",
    "allocations": "allocations.csv",
    "case statuses": "case_statuses.csv",
    "job roles": "staff_roles.csv",
}
CASE_COLUMNS = ("case_id", "open_date", "close_date", "date_of_birth")


class ReturnNotReady(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def apply_plan(
    plan: Plan,
    *,
    actor: Actor | None,
    source: Mapping[str, Any],
    progress: Callable[[str], None] | None = None,
) -> ImportSummary:
    """Write the plan's rows as a data set and load it: all or nothing, audited.

    Raises ReturnNotReady (nothing written) while the return has problems or unresolved workers,
    and DataSetError if the data set reader refuses the rows. `progress` is told as the importer
    goes (`import_folder`'s: "checked", then each kind as it is written)."""
    if not plan.can_apply:
        raise ReturnNotReady(plan.blocking_problems())
    with tempfile.TemporaryDirectory(prefix="oversight-return-") as folder:
        path = Path(folder)
        for kind, file_name in FILES.items():
            rows = [r.values for r in plan.rows_of(kind)]
            if kind == "job roles":  # each person's whole history, not only what changes
                rows = [row for history in plan.role_histories.values() for row in history]
            if not rows:
                continue
            header = CASE_COLUMNS if kind == "cases" else SPECS[file_name].column_names
            write_data_set_file(path / file_name, header, rows)
        return import_folder(
            path,
            changed_on=plan.changed_on,
            actor=actor,
            source={**source, "name": plan.name, "children": plan.children},
            progress=progress,
        )


__all__ = [
    "DataSetError",
    "Plan",
    "ReturnNotReady",
    "apply_plan",
    "plan_annex_a",
    "plan_child_episodes",
    "plan_ssda903",
]
