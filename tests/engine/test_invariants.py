"""Properties that hold for any data: checked on many small random councils with hypothesis."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oversight.engine.due_dates import Window, next_due
from oversight.engine.engine import Obligation, compute_obligations
from oversight.engine.facts import (
    CASE_EVENTS,
    CASE_STATUSES,
    SESSION_TYPES,
    STAFF_CATEGORIES,
    Agreement,
    Allocation,
    Case,
    CaseEvent,
    CaseStatus,
    Facts,
    LineManagement,
    Session,
    Staff,
)
from oversight.engine.loader import load_policy, load_policy_text
from oversight.engine.periods import Period
from oversight.engine.rules import Policy

AS_OF = dt.date(2025, 6, 30)
FIRST = dt.date(2024, 1, 1)
POLICIES = {name: load_policy(name) for name in ("bedford", "newham")}
CHECKS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

STAFF_IDS = ("M1", "S1", "S2", "S3")
CASE_IDS = ("C1", "C2", "C3")
TEAMS = ("Team A", "Team B")
RECURRING = {
    "professional_supervision",
    "case_supervision",
    "case_oversight",
    "group_supervision",
    "agreement_review",
}
RANK = {"overdue": 0, "due_soon": 1, "ok": 2, "met_late": 3, "met": 4}


def days(low: dt.date, high: dt.date) -> st.SearchStrategy[dt.date]:
    return st.dates(min_value=low, max_value=high)


def known_dates() -> st.SearchStrategy[dt.date]:
    return days(FIRST, AS_OF)


def later_dates() -> st.SearchStrategy[dt.date]:
    return days(AS_OF + dt.timedelta(days=1), dt.date(2026, 12, 31))


periods = st.builds(
    Period,
    st.integers(min_value=1, max_value=90),
    st.sampled_from(["d", "w", "m", "wd"]),
)


@st.composite
def councils(draw: st.DrawFn) -> Facts:
    staff = [Staff("M1", "manager", draw(known_dates()), team="Team A")]
    line_management = []
    for staff_id in STAFF_IDS[1:]:
        start = draw(known_dates())
        staff.append(
            Staff(
                staff_id,
                draw(st.sampled_from(STAFF_CATEGORIES)),
                start,
                draw(st.none() | days(start, dt.date(2026, 12, 31))),
                draw(st.sampled_from(TEAMS)),
                draw(st.none() | st.just(start)),
            )
        )
        line_management.append(LineManagement(staff_id, "M1", start))
    cases, allocations, statuses, events = [], [], [], []
    for case_id in CASE_IDS:
        opened = draw(known_dates())
        cases.append(Case(case_id, opened, draw(st.none() | later_dates())))
        allocations.append(Allocation(case_id, draw(st.sampled_from(STAFF_IDS)), opened))
        for status in draw(st.lists(st.sampled_from(CASE_STATUSES), max_size=2, unique=True)):
            start = draw(days(opened, AS_OF))
            statuses.append(
                CaseStatus(case_id, status, start, draw(st.none() | days(start, AS_OF)))
            )
        for event in draw(st.lists(st.sampled_from(CASE_EVENTS), max_size=2, unique=True)):
            events.append(CaseEvent(case_id, event, draw(days(opened, AS_OF))))
    sessions = [
        draw(sessions_on(known_dates(), f"X{i}"))
        for i in range(draw(st.integers(min_value=0, max_value=8)))
    ]
    agreements = [
        Agreement(
            draw(st.sampled_from(STAFF_IDS[1:])),
            "M1",
            draw(known_dates()),
            draw(st.sampled_from([None, "14d", "1m", "84d"])),
        )
        for _ in range(draw(st.integers(min_value=0, max_value=3)))
    ]
    return Facts(
        staff=tuple(staff),
        line_management=tuple(line_management),
        cases=tuple(cases),
        allocations=tuple(allocations),
        case_statuses=tuple(statuses),
        case_events=tuple(events),
        sessions=tuple(sessions),
        agreements=tuple(agreements),
    )


def sessions_on(
    dates: st.SearchStrategy[dt.date], session_id: str, types: tuple[str, ...] = SESSION_TYPES
) -> st.SearchStrategy[Session]:
    @st.composite
    def build(draw: st.DrawFn) -> Session:
        date = draw(dates)
        kind = draw(st.sampled_from(types))
        return Session(
            session_id,
            kind,
            date,
            "M1",
            None if kind == "group" else draw(st.sampled_from(STAFF_IDS)),
            draw(st.sampled_from(TEAMS)) if kind == "group" else None,
            60,
            draw(st.none() | days(date, date + dt.timedelta(days=10))),
            tuple(draw(st.lists(st.sampled_from(CASE_IDS), max_size=2, unique=True))),
        )

    return build()


def run(policy: Policy, facts: Facts) -> list[Obligation]:
    return compute_obligations(policy, facts, AS_OF)


def grouped(rows: list[Obligation]) -> dict[tuple[str, str, str], list[Obligation]]:
    out: dict[tuple[str, str, str], list[Obligation]] = defaultdict(list)
    for row in rows:
        out[row.subject_type, row.subject_id, row.obligation].append(row)
    return out


@CHECKS
@given(councils(), st.sampled_from(sorted(POLICIES)))
def test_it_puts_a_recurring_due_date_after_its_anchor(facts: Facts, name: str) -> None:
    for row in run(POLICIES[name], facts):
        if row.obligation in RECURRING and row.last_met is not None:
            assert row.due_date > row.last_met, row


@CHECKS
@given(
    anchor=known_dates(),
    shape=st.lists(
        st.tuples(periods, st.none() | known_dates(), st.integers(min_value=0, max_value=400)),
        min_size=1,
        max_size=4,
    ),
)
def test_it_puts_the_rule_due_date_after_the_anchor(
    anchor: dt.date, shape: list[tuple[Period, dt.date | None, int]]
) -> None:
    windows = [
        Window(p, start, None if start is None else start + dt.timedelta(days=length), None)
        for p, start, length in shape
    ]
    found = next_due(anchor, windows)
    if found is not None:
        due, window = found
        assert due > anchor
        assert window.start is None or window.start <= due
        assert window.end is None or due <= window.end


@CHECKS
@given(councils(), st.sampled_from(sorted(POLICIES)), st.data())
def test_it_never_makes_a_status_worse_for_a_qualifying_session(
    facts: Facts, name: str, data: st.DataObject
) -> None:
    extra = data.draw(sessions_on(known_dates(), "NEW"))
    before = grouped(run(POLICIES[name], facts))
    after = grouped(run(POLICIES[name], replace(facts, sessions=(*facts.sessions, extra))))
    for key, rows in before.items():
        assert len(after[key]) == len(rows), key
        for old, new in zip(rows, after[key], strict=True):
            assert RANK[new.status] >= RANK[old.status], (old, new)


@CHECKS
@given(councils(), st.sampled_from(sorted(POLICIES)), st.data())
def test_it_ignores_anything_dated_after_as_of(
    facts: Facts, name: str, data: st.DataObject
) -> None:
    later = later_dates()
    new_staff = Staff(
        "S9", data.draw(st.sampled_from(STAFF_CATEGORIES)), data.draw(later), team="Team A"
    )
    future = replace(
        facts,
        staff=(*facts.staff, new_staff),
        line_management=(
            *facts.line_management,
            LineManagement("S1", "S2", data.draw(later)),
            LineManagement("S9", "M1", new_staff.start_date),
        ),
        cases=(*facts.cases, Case("C9", data.draw(later))),
        allocations=(
            *facts.allocations,
            Allocation("C9", "S1", data.draw(later)),
            Allocation(data.draw(st.sampled_from(CASE_IDS)), "S2", data.draw(later)),
        ),
        case_statuses=(
            *facts.case_statuses,
            CaseStatus(
                data.draw(st.sampled_from(CASE_IDS)),
                data.draw(st.sampled_from(CASE_STATUSES)),
                data.draw(later),
            ),
        ),
        case_events=(
            *facts.case_events,
            CaseEvent(
                data.draw(st.sampled_from(CASE_IDS)),
                data.draw(st.sampled_from(CASE_EVENTS)),
                data.draw(later),
            ),
        ),
        sessions=(*facts.sessions, data.draw(sessions_on(later, "LATER"))),
        agreements=(
            *facts.agreements,
            Agreement(data.draw(st.sampled_from(STAFF_IDS[1:])), "M1", data.draw(later), "7d"),
        ),
    )
    assert run(POLICIES[name], future) == run(POLICIES[name], facts)


@CHECKS
@given(councils(), st.sampled_from(sorted(POLICIES)), st.data())
def test_it_treats_an_end_date_after_as_of_as_no_end(
    facts: Facts, name: str, data: st.DataObject
) -> None:
    def end_later(end: dt.date | None) -> dt.date:
        return end if end is not None and end > AS_OF else data.draw(later_dates())

    open_ended = replace(
        facts,
        staff=tuple(
            s if s.end_date is None or s.end_date <= AS_OF else replace(s, end_date=None)
            for s in facts.staff
        ),
        cases=tuple(
            replace(c, close_date=None) if c.close_date and c.close_date > AS_OF else c
            for c in facts.cases
        ),
    )
    ending_later = replace(
        open_ended,
        allocations=tuple(
            replace(a, end_date=end_later(a.end_date)) for a in open_ended.allocations
        ),
        cases=tuple(
            replace(c, close_date=end_later(c.close_date)) if c.close_date is None else c
            for c in open_ended.cases
        ),
    )
    assert run(POLICIES[name], ending_later) == run(POLICIES[name], open_ended)


@CHECKS
@given(
    anchor=known_dates(),
    shape=st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=120),
            st.none() | known_dates(),
            st.integers(min_value=0, max_value=400),
        ),
        min_size=1,
        max_size=4,
    ),
    which=st.integers(min_value=0, max_value=3),
    shorter_by=st.integers(min_value=0, max_value=119),
    extra=st.tuples(periods, st.none() | known_dates()),
)
def test_it_never_makes_a_due_date_later_for_a_stricter_period(
    anchor: dt.date,
    shape: list[tuple[int, dt.date | None, int]],
    which: int,
    shorter_by: int,
    extra: tuple[Period, dt.date | None],
) -> None:
    def windows_of(lengths: list[int]) -> list[Window[None]]:
        return [
            Window(
                Period(n, "d"),
                start,
                None if start is None else start + dt.timedelta(days=length),
                None,
            )
            for n, (_, start, length) in zip(lengths, shape, strict=True)
        ]

    lengths = [n for n, _, _ in shape]
    base = next_due(anchor, windows_of(lengths))
    stricter = list(lengths)
    index = which % len(stricter)
    stricter[index] = max(1, stricter[index] - shorter_by)
    tightened = next_due(anchor, windows_of(stricter))
    added = next_due(anchor, [*windows_of(lengths), Window(extra[0], extra[1], None, None)])
    if base is not None:
        assert tightened is not None
        assert tightened[0] <= base[0]
        assert added is not None
        assert added[0] <= base[0]


@CHECKS
@given(councils(), st.data())
def test_it_never_makes_case_supervision_later_under_a_stricter_policy(
    facts: Facts, data: st.DataObject
) -> None:
    source = Path(POLICIES["bedford"].path or "").read_text(encoding="utf-8")
    stricter_days = data.draw(st.integers(min_value=1, max_value=56))
    stricter = load_policy_text(
        source.replace(
            'default = { period = "56d", source = "B 3.1" }',
            f'default = {{ period = "{stricter_days}d", source = "B 3.1" }}',
        ),
        "stricter.toml",
    )
    before = {
        (o.subject_id, o.obligation): o.due_date
        for o in run(POLICIES["bedford"], facts)
        if o.obligation == "case_supervision"
    }
    after = {
        (o.subject_id, o.obligation): o.due_date
        for o in run(stricter, facts)
        if o.obligation == "case_supervision"
    }
    assert after.keys() == before.keys()
    for key, due in before.items():
        assert after[key] <= due
