"""Reading and refreshing the obligations store (see models.py and ADR 0007).

``ensure_current(today)`` is called before every read: a new day or policy recomputes everything
(statuses move with the date); otherwise only the subjects marked stale since the last read are
recomputed, from the facts those subjects need and nothing more. ``differences`` compares the
store with a fresh whole-council computation.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Iterable
from typing import NamedTuple

from django.db import connection, transaction
from django.utils import timezone

from oversight.cases.models import Allocation, Case
from oversight.engine import facts as engine_facts
from oversight.engine.engine import Obligation, compute_obligations
from oversight.engine.indicators import belongings
from oversight.engine.owners import Owners
from oversight.facts.from_database import load_facts
from oversight.facts.live import council_policy
from oversight.facts.planner import reclaim_space, refresh_planner_statistics
from oversight.obligations.models import (
    ObligationOwner,
    StaleSubject,
    StoredObligation,
    StoreState,
)
from oversight.organisation.models import Staff
from oversight.supervision.models import Session

Subject = tuple[str, str]


def invalidate() -> None:
    """After writes that send no signals (an import, the demo): recompute all on the next read."""
    StoreState.objects.all().delete()


def ensure_current(today: dt.date) -> None:
    if not _is_current(today):
        refresh_all(today, unless_current=True)
    elif StaleSubject.objects.exists():
        _catch_up(today)


def _is_current(today: dt.date) -> bool:
    state = StoreState.objects.first()
    return state is not None and state.valid_on == today and state.policy == council_policy().name


@transaction.atomic
def _catch_up(today: dt.date) -> None:
    """Recompute the stale subjects, one reader at a time: the list is read again under the lock,
    so a second reader finds it empty rather than storing the same rows again."""
    _only_one_writer()
    stale = list(StaleSubject.objects.values_list("pk", "subject_type", "subject_id"))
    if stale:
        refresh_subjects({(kind, ident) for _, kind, ident in stale}, today)
        StaleSubject.objects.filter(pk__in=[pk for pk, _, _ in stale]).delete()


def refresh_all(today: dt.date, *, unless_current: bool = False) -> int:
    """Recompute every obligation for `today` (unless another process has just done it, with
    `unless_current`); the number of rows stored."""
    return _refresh_all(today, unless_current)


def reclaim() -> None:
    """Reclaim the space the day before's rows took (cron's daily refresh, after committing): not
    in a page's request, which recomputes the store only if that run did not happen."""
    reclaim_space([StoredObligation, ObligationOwner, StaleSubject])


# Any constant: the key of PostgreSQL's lock on writing the store.
_STORE_LOCK = 7_010_015


def _only_one_writer() -> None:
    """Wait until no other transaction is writing the store, and hold it until this one ends.

    Two readers finding the store behind at once (the day's first pages, if cron's refresh did
    not run) both recomputed it, and the second's rows were stored beside the first's: each
    deletes only what it can see. On PostgreSQL an advisory lock; SQLite lets one writer in at a
    time already (transactions start IMMEDIATE, settings.py).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_STORE_LOCK])


@transaction.atomic
def _refresh_all(today: dt.date, unless_current: bool = False) -> int:
    _only_one_writer()
    if unless_current and _is_current(today):
        # Another reader recomputed it while this one waited for the lock.
        return StoreState.objects.values_list("rows", flat=True).get()
    policy = council_policy()
    StaleSubject.objects.all().delete()
    facts = load_facts(as_of=today)
    found = compute_obligations(policy, facts, today)
    StoredObligation.objects.all().delete()  # and their owners (DB_CASCADE)
    count = _store(found, facts, today)
    StoreState.objects.all().delete()
    StoreState.objects.create(
        valid_on=today, policy=policy.name, computed_at=timezone.now(), rows=count
    )
    # Every row is new: without fresh statistics PostgreSQL planned a manager's owned rows as a
    # scan of every outstanding row (12 ms) rather than by primary key (2 ms).
    refresh_planner_statistics([StoredObligation, ObligationOwner])
    return count


@transaction.atomic
def refresh_subjects(subjects: Collection[Subject], today: dt.date) -> None:
    """Recompute the obligations of `subjects` alone, from the facts they need."""
    facts = facts_for(subjects, today)
    found = compute_obligations(council_policy(), facts, today, subjects=subjects)
    for kind in {kind for kind, _ in subjects}:
        ids = [ident for k, ident in subjects if k == kind]
        StoredObligation.objects.filter(subject_type=kind, subject_id__in=ids).delete()
    _store(found, facts, today)


def facts_for(subjects: Collection[Subject], as_of: dt.date) -> engine_facts.Facts:
    """The facts the engine and ``Owners`` need for `subjects`: each person with their line
    management; each child with the worker holding them (whose supervisor owns the child's work)
    and the council's conference chairs (whose manager owns the chair reviews); each team with
    all its members; each session with its supervisee."""
    staff_ids = {ident for kind, ident in subjects if kind == "staff"}
    case_ids = {ident for kind, ident in subjects if kind == "case"}
    teams = {ident for kind, ident in subjects if kind == "team"}
    session_ids = {ident for kind, ident in subjects if kind == "session"}
    staff = Staff.objects.filter(staff_id__in=staff_ids)
    if case_ids:
        holders = Allocation.objects.active_on(as_of).filter(case__case_id__in=case_ids)
        staff |= Staff.objects.filter(pk__in=holders.values("worker"))
        staff |= Staff.objects.filter(category="conference_chair")
    if teams:
        staff |= Staff.objects.filter(team__name__in=teams)
    if session_ids:
        # Whose the record is, and so which team's figures it counts in.
        supervisees = Session.objects.filter(session_id__in=session_ids).values("supervisee")
        staff |= Staff.objects.filter(pk__in=supervisees)
    return load_facts(
        staff=staff,
        cases=Case.objects.filter(case_id__in=case_ids),
        as_of=as_of,
        sessions=list(
            Session.objects.filter(session_id__in=session_ids).values_list("pk", flat=True)
        ),
    )


class Placed(NamedTuple):
    """An obligation with where it is shown: the team whose figures it counts in (`belongings`,
    the figures' own rule), the worker it is with, and who owns it."""

    obligation: Obligation
    team: str | None
    worker: str | None
    owners: tuple[str, ...]


def placed(found: Iterable[Obligation], facts: engine_facts.Facts, today: dt.date) -> list[Placed]:
    owners = Owners(council_policy(), facts, today)
    belongs_to = belongings(facts, today)
    supervisee_of = {s.session_id: s.supervisee_id for s in facts.sessions}
    rows = []
    for o in found:
        worker: str | None = None
        if o.subject_type == "case":
            worker = owners.holder.get(o.subject_id)
        elif o.subject_type == "session":
            worker = supervisee_of.get(o.subject_id)
        subject = (o.subject_type, o.subject_id)
        team = o.subject_id if o.subject_type == "team" else belongs_to.get(subject)
        rows.append(Placed(o, team, worker, tuple(sorted(owners.of(o)))))
    return rows


def _store(found: Iterable[Obligation], facts: engine_facts.Facts, today: dt.date) -> int:
    rows: list[StoredObligation] = []
    owned: list[tuple[int, str]] = []
    for o, team, worker, owners in placed(found, facts, today):
        owned.extend((len(rows), owner) for owner in owners)
        rows.append(
            StoredObligation(
                subject_type=o.subject_type,
                subject_id=o.subject_id,
                obligation=o.obligation,
                due_date=o.due_date,
                status=o.status,
                last_met=o.last_met,
                rule=o.rule,
                explanation=o.explanation,
                team=team,
                worker=worker,
            )
        )
    created = StoredObligation.objects.bulk_create(rows, batch_size=2000)
    ObligationOwner.objects.bulk_create(
        [ObligationOwner(obligation_id=created[i].pk, owner=owner) for i, owner in owned],
        batch_size=2000,
    )
    return len(rows)


# The stored columns an engine `Obligation` is made of, in its order: read with `values_list`
# where many rows are read, so that no model instance is made for each.
OBLIGATION_COLUMNS = (
    "subject_type",
    "subject_id",
    "obligation",
    "due_date",
    "status",
    "last_met",
    "rule",
    "explanation",
)


def as_obligation(row: StoredObligation) -> Obligation:
    return Obligation(*(getattr(row, column) for column in OBLIGATION_COLUMNS))


def differences(today: dt.date) -> list[str]:
    """Every way the store differs from a fresh computation for `today`, as lines of text: an
    obligation, its team, its worker or its owners."""
    ensure_current(today)
    facts = load_facts(as_of=today)
    fresh = Counter(placed(compute_obligations(council_policy(), facts, today), facts, today))
    by_pk: dict[int, list[str]] = {}
    for pk, owner in ObligationOwner.objects.values_list("obligation_id", "owner"):
        by_pk.setdefault(pk, []).append(owner)
    stored = Counter(
        Placed(as_obligation(row), row.team, row.worker, tuple(sorted(by_pk.get(row.pk, []))))
        for row in StoredObligation.objects.all()
    )
    return [
        *sorted(f"missing from the store: {_line(row)}" for row in fresh - stored),
        *sorted(f"in the store, not computed: {_line(row)}" for row in stored - fresh),
    ]


def _line(row: Placed) -> str:
    o = row.obligation
    return (
        f"{o.subject_type} {o.subject_id} {o.obligation} due {o.due_date} {o.status}"
        f" in team {row.team or 'none'} with {row.worker or 'nobody'}"
        f" owned by {', '.join(row.owners) or 'nobody'}"
    )
