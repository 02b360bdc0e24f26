"""The obligations engine: from a policy, the facts and a date, what is owed and by when.

``compute_obligations`` is pure and deterministic: the same policy, facts and as_of give the same
rows in the same order. Facts are taken as they are stored; the engine itself applies RULES.md §1
("only what was known on as_of counts"): rows dated after as_of are ignored and end dates after
as_of are treated as no end.

Every recurring obligation goes through ``due_dates.next_due`` and every one-off through
``due_dates.one_off_status``; the functions here only work out, for each kind, the anchor, the
periods in force (as windows) or the qualifying event.

Computing for part of a council
-------------------------------
Two ways, both cheap:

- ``subjects``: compute only for these (subject_type, subject_id) pairs, e.g.
  ``{("staff", "S01"), ("case", "C01")}``. The facts are still indexed once (a single pass), so
  this suits a page that wants a few rows out of facts already in memory.
- Pass a smaller ``Facts`` (the web app does this for one worker's caseload). It must hold, for
  each case wanted: the case, all its allocations, statuses and events, and every session listing
  it; for each staff member: the staff row, their line management rows (those in which they are
  the manager too, for ``manager_evidence_review``), agreements, evidence reviews and appraisals,
  and the sessions where they are the supervisee; for a team: all its staff and its group
  sessions. Rows for other subjects may be left out; their obligations are then simply not
  computed. Combine with ``subjects`` to drop rows for subjects whose facts are incomplete (e.g.
  the worker's team).
"""

from __future__ import annotations

import datetime as dt
import gc
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Collection, Iterable
from typing import Final, NamedTuple

from oversight.engine.due_dates import ONE_DAY, Status, Window, next_due, one_off_status
from oversight.engine.explain import (
    CATEGORY_WORDS,
    EVENT_WORDS,
    SESSION_WORDS,
    STATUS_WORDS,
    day,
    every,
    status_phrase,
    status_words,
    within,
)
from oversight.engine.facts import (
    Agreement,
    Allocation,
    Case,
    CaseEvent,
    CaseStatus,
    Facts,
    Session,
    Staff,
    active_on,
    holding_allocations,
)
from oversight.engine.periods import Period, WorkingDayCalendar, parse_period
from oversight.engine.rules import (
    KINDS,
    AgreementReview,
    AnnualAppraisal,
    CaseSupervision,
    ConferenceChairReview,
    DecisionDiscussion,
    GroupSupervision,
    InitialCaseDiscussion,
    ManagerEvidenceReview,
    Policy,
    PracticeObservation,
    ProbationReview,
    ProfessionalSupervision,
    RecordCompletion,
    Sourced,
    StatusPeriod,
    SupervisionAgreement,
)
from oversight.engine.working_days import england_and_wales

SUBJECT_TYPES: Final = ("staff", "case", "team", "session")


class Obligation(NamedTuple):
    subject_type: str  # 'staff' | 'case' | 'team' | 'session'
    subject_id: str
    obligation: str
    due_date: dt.date
    status: Status
    last_met: dt.date | None
    rule: str
    explanation: str


# The fields of an obligation row, in order: the columns of a report.
OBLIGATION_FIELDS: Final = Obligation._fields

# What a window means, for the explanation and the rule column: (context, since, sourced).
Reason = tuple[str, dt.date | None, Sourced]

# A large council has hundreds of thousands of rows. An obligation is a named tuple, not a
# dataclass, because making one is then a single C call: a frozen dataclass's generated __init__
# (one object.__setattr__ per field) was a quarter of the engine's time, and setting its slots
# through their descriptors still half of that.
_new_tuple = tuple.__new__


def _obligation(
    subject_type: str,
    subject_id: str,
    obligation: str,
    due_date: dt.date,
    status: Status,
    last_met: dt.date | None,
    rule: str,
    explanation: str,
) -> Obligation:
    return _new_tuple(
        Obligation,
        (subject_type, subject_id, obligation, due_date, status, last_met, rule, explanation),
    )


def compute_obligations(
    policy: Policy,
    facts: Facts,
    as_of: dt.date,
    *,
    subjects: Collection[tuple[str, str]] | None = None,
    calendar: WorkingDayCalendar | None = None,
) -> list[Obligation]:
    """Every obligation under ``policy`` on ``as_of``; see the module docstring for subsets.

    ``calendar`` counts working days; by default England and Wales bank holidays.
    """
    # The engine creates hundreds of thousands of small objects and no reference cycles, so the
    # cyclic garbage collector would only rescan them again and again (a third of the run time
    # for a large council). It is paused for the run and restored as it was.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _Run(policy, facts, as_of, subjects, calendar or england_and_wales()).run()
    finally:
        if collecting:
            gc.enable()


_KIND_NAMES: Final = {rule_type: kind for kind, rule_type in KINDS.items()}


class _Run:
    def __init__(
        self,
        policy: Policy,
        facts: Facts,
        as_of: dt.date,
        subjects: Collection[tuple[str, str]] | None,
        calendar: WorkingDayCalendar,
    ) -> None:
        self.policy = policy
        self.facts = facts
        self.as_of = as_of
        self.calendar = calendar
        self.out: list[Obligation] = []
        self.wanted: dict[str, set[str]] | None = None
        if subjects is not None:
            self.wanted = {kind: set() for kind in SUBJECT_TYPES}
            for kind, ident in subjects:
                self.wanted.setdefault(kind, set()).add(ident)
        self._soon_cache: dict[dt.date, dt.date] = {}
        self._period_cache: dict[str, Period] = {}
        self._rule_cache: dict[tuple[str, str | None], str] = {}

    # --- shared helpers -------------------------------------------------------------------

    def want(self, kind: str, ident: str) -> bool:
        return self.wanted is None or ident in self.wanted[kind]

    def soon_from(self, due: dt.date) -> dt.date:
        found = self._soon_cache.get(due)
        if found is None:
            found = self.policy.due_soon.period.subtract(due, self.calendar)
            self._soon_cache[due] = found
        return found

    def rule_text(self, sourced: Sourced) -> str:
        key = (sourced.source, sourced.preset_choice)
        text = self._rule_cache.get(key)
        if text is None:
            text = self.policy.rule(sourced.source, sourced.preset_choice)
            self._rule_cache[key] = text
        return text

    def add(
        self,
        subject_type: str,
        subject_id: str,
        name: str,
        due: dt.date,
        status: Status,
        last_met: dt.date | None,
        sourced: Sourced,
        explanation: str,
    ) -> None:
        self.out.append(
            _obligation(
                subject_type,
                subject_id,
                name,
                due,
                status,
                last_met,
                self.rule_text(sourced),
                explanation,
            )
        )

    def recurring(
        self,
        subject_type: str,
        subject_id: str,
        name: str,
        anchor: dt.date,
        last_met: dt.date | None,
        windows: list[Window[Reason]],
        what: str,
        last_words: str,
    ) -> None:
        """Apply the recurring rule and record the row; ``last_words`` says how it was met."""
        found = next_due(anchor, windows, self.calendar)
        if found is None:
            return  # no period is in force on any day after the anchor: nothing falls due
        due, window = found
        status = one_off_status(due, None, self.as_of, self.soon_from(due))
        context, since, sourced = window.reason
        if since is not None:
            context = f"{context} since {day(since)}"
        explanation = (
            f"{context}: {what} {every(window.period)}; {last_words}, "
            f"so due {day(due)} ({status_words(status)})"
        )
        self.add(subject_type, subject_id, name, due, status, last_met, sourced, explanation)

    def one_off(
        self,
        subject_type: str,
        subject_id: str,
        name: str,
        due: dt.date,
        met_on: dt.date | None,
        last_met: dt.date | None,
        sourced: Sourced,
        intro: str,
        done_words: str,
        not_done_words: str,
    ) -> None:
        status = one_off_status(due, met_on, self.as_of, self.soon_from(due))
        outcome = done_words if status in ("met", "met_late") else not_done_words
        explanation = f"{intro}, by {day(due)}; {outcome} ({status_words(status)})"
        self.add(subject_type, subject_id, name, due, status, last_met, sourced, explanation)

    def frequency(self, agreement: Agreement) -> Period | None:
        text = agreement.frequency
        if not text:
            return None
        period = self._period_cache.get(text)
        if period is None:
            try:
                period = parse_period(text)
            except ValueError as exc:
                raise ValueError(
                    f"agreement for {agreement.staff_id} signed {agreement.signed_date}: {exc}"
                ) from exc
            self._period_cache[text] = period
        return period

    # --- indexes --------------------------------------------------------------------------

    def index(self) -> None:
        as_of = self.as_of
        facts = self.facts
        policy_categories = self.policy.staff_categories

        self.staff_by_id: dict[str, Staff] = {s.staff_id: s for s in facts.staff}
        self.staff: list[Staff] = [
            s
            for s in facts.staff
            if s.category in policy_categories and active_on(s.start_date, s.end_date, as_of)
        ]

        # The current line manager: the relationship active on as_of, latest start first.
        self.manager: dict[str, tuple[str, dt.date]] = {}
        for lm in facts.line_management:
            if active_on(lm.start_date, lm.end_date, as_of):
                held = self.manager.get(lm.staff_id)
                if held is None or lm.start_date > held[1]:
                    self.manager[lm.staff_id] = (lm.manager_id, lm.start_date)

        # Agreements count only with the current line manager (N 12.1).
        self.agreements: dict[str, list[Agreement]] = {}
        for ag in facts.agreements:
            if ag.signed_date > as_of:
                continue
            current = self.manager.get(ag.staff_id)
            if current is not None and current[0] == ag.supervisor_id:
                self.agreements.setdefault(ag.staff_id, []).append(ag)
        for signed in self.agreements.values():
            signed.sort(key=lambda a: a.signed_date)

        # Whom each manager manages on as_of (as line manager), and since when: the earliest start
        # among those relationships. Only rows active on as_of are read, so the answer is the same
        # from every row or from the rows of that day alone (load_facts with as_of).
        self.managing: dict[str, tuple[int, dt.date]] = {}
        for manager_id, since in self.manager.values():
            held_m = self.managing.get(manager_id)
            if held_m is None:
                self.managing[manager_id] = (1, since)
            else:
                self.managing[manager_id] = (held_m[0] + 1, min(held_m[1], since))
        self.reviews: dict[str, list[dt.date]] = {}
        for review in facts.evidence_reviews:
            if review.date <= as_of:
                self.reviews.setdefault(review.staff_id, []).append(review.date)
        for dates_reviewed in self.reviews.values():
            dates_reviewed.sort()

        # Appraisals by kind ("annual", "probation") and person, in date order.
        self.appraised: dict[str, dict[str, list[dt.date]]] = {"annual": {}, "probation": {}}
        for appraisal in facts.appraisals:
            if appraisal.date <= as_of and appraisal.kind in self.appraised:
                self.appraised[appraisal.kind].setdefault(appraisal.staff_id, []).append(
                    appraisal.date
                )
        for by_person in self.appraised.values():
            for dates_appraised in by_person.values():
                dates_appraised.sort()

        supervisee_types: set[str] = set()
        team_types: set[str] = set()
        case_types: set[str] = set()
        for rule in self.policy.obligations:
            if isinstance(rule, ProfessionalSupervision | PracticeObservation):
                supervisee_types |= rule.met_by
            elif isinstance(rule, GroupSupervision):
                team_types |= rule.met_by
            elif isinstance(
                rule,
                CaseSupervision
                | InitialCaseDiscussion
                | ConferenceChairReview
                | DecisionDiscussion,
            ):
                case_types |= rule.met_by

        # Session dates by type, then by supervisee / team / case; one pass over the sessions
        # (lists made on first use: a defaultdict's lookup is cheaper than get-then-test).
        self.by_supervisee: dict[str, dict[str, list[dt.date]]] = {
            t: defaultdict(list) for t in supervisee_types
        }
        self.by_team: dict[str, dict[str, list[dt.date]]] = {
            t: defaultdict(list) for t in team_types
        }
        self.by_case: dict[str, dict[str, list[dt.date]]] = {
            t: defaultdict(list) for t in case_types
        }
        self.sessions: list[Session] = []
        by_supervisee, by_team, by_case = self.by_supervisee, self.by_team, self.by_case
        keep = self.sessions.append
        for s in facts.sessions:
            d = s.date
            if d > as_of:
                continue
            keep(s)
            t = s.type
            if t in supervisee_types and s.supervisee_id:
                by_supervisee[t][s.supervisee_id].append(d)
            if t in team_types and s.team:
                by_team[t][s.team].append(d)
            if t in case_types and s.case_ids:
                bucket = by_case[t]
                for c in s.case_ids:
                    bucket[c].append(d)

        # Sorted once so that "latest" is the last item and "earliest from" a bisection. Sessions
        # usually arrive in date order, which makes these sorts nearly free.
        for index in (by_supervisee, by_team, by_case):
            for bucket in index.values():
                for dates in bucket.values():
                    dates.sort()

        # Cases carry obligations only when open and allocated on as_of.
        self.allocation: dict[str, Allocation] = holding_allocations(facts.allocations, as_of)
        self.cases: list[Case] = [
            c
            for c in facts.cases
            if c.case_id in self.allocation and active_on(c.open_date, c.close_date, as_of)
        ]
        self.statuses: dict[str, list[CaseStatus]] = {}
        for st in facts.case_statuses:
            if st.start_date <= as_of:
                if st.end_date is not None and st.end_date > as_of:
                    st = CaseStatus(st.case_id, st.status, st.start_date, None)
                self.statuses.setdefault(st.case_id, []).append(st)
        self.events: dict[str, list[CaseEvent]] = {}
        for ev in facts.case_events:
            if ev.date <= as_of:
                self.events.setdefault(ev.case_id, []).append(ev)

    @staticmethod
    def latest(
        index: dict[str, dict[str, list[dt.date]]], types: Iterable[str], key: str, first: dt.date
    ) -> dt.date | None:
        """The latest date on or after ``first``.

        Sessions before a subject began (a case's open date, a staff member's start) belong to
        an earlier episode, e.g. a re-referred child keeping their identifier: they do not count.
        """
        best: dt.date | None = None
        for t in types:
            dates = index[t].get(key)
            if dates:
                top = dates[-1]
                if top >= first and (best is None or top > best):
                    best = top
        return best

    @staticmethod
    def earliest_from(
        index: dict[str, dict[str, list[dt.date]]], types: Iterable[str], key: str, first: dt.date
    ) -> dt.date | None:
        best: dt.date | None = None
        for t in types:
            dates = index[t].get(key)
            if dates:
                at = bisect_left(dates, first)
                if at < len(dates) and (best is None or dates[at] < best):
                    best = dates[at]
        return best

    def name_of(self, staff_id: str) -> str:
        person = self.staff_by_id.get(staff_id)
        return person.name if person is not None and person.name else staff_id

    # --- the run --------------------------------------------------------------------------

    def run(self) -> list[Obligation]:
        self.index()
        for rule in self.policy.obligations:
            # Each kind is worked out by the method named as the kind is in rules.KINDS.
            getattr(self, _KIND_NAMES[type(rule)])(rule)
        return self.out

    # --- staff ----------------------------------------------------------------------------

    def professional_supervision(self, rule: ProfessionalSupervision) -> None:
        category_windows: dict[str, Window[Reason]] = {
            category: Window(
                s.period, None, None, (CATEGORY_WORDS.get(category, category), None, s)
            )
            for category, s in rule.periods.items()
        }
        # A stage's row cites its period, and is a preset choice if its length or period is.
        stage_rule = [
            Sourced(
                stage.every.period,
                stage.every.source,
                stage.every.preset_choice or stage.until.preset_choice,
            )
            for stage in rule.newly_qualified
        ]
        for person in self.staff:
            base = category_windows.get(person.category)
            if base is None or not self.want("staff", person.staff_id):
                continue
            windows = [base]
            if person.asye_start is not None and rule.newly_qualified:
                start = person.asye_start
                for i, stage in enumerate(rule.newly_qualified):
                    end = stage.until.period.add(person.asye_start, self.calendar)
                    if end > start:
                        windows.append(
                            Window(
                                stage.every.period,
                                start,
                                end - ONE_DAY,
                                (
                                    f"Newly qualified (ASYE from {day(person.asye_start)}) "
                                    f"until {day(end - ONE_DAY)}",
                                    None,
                                    stage_rule[i],
                                ),
                            )
                        )
                    start = end
            if rule.agreed_frequency:
                signed = self.agreements.get(person.staff_id, ())
                for i, ag in enumerate(signed):
                    period = self.frequency(ag)
                    if period is None or period.count == 0:
                        continue
                    until = signed[i + 1].signed_date - ONE_DAY if i + 1 < len(signed) else None
                    windows.append(
                        Window(
                            period,
                            ag.signed_date,
                            until,
                            (
                                f"Supervision agreement signed {day(ag.signed_date)}",
                                None,
                                Sourced(period, base.reason[2].source),
                            ),
                        )
                    )
            last = self.latest(self.by_supervisee, rule.met_by, person.staff_id, person.start_date)
            if last is not None:
                last_words = f"last supervised {day(last)}"
            else:
                last_words = f"not supervised since starting on {day(person.start_date)}"
            self.recurring(
                "staff",
                person.staff_id,
                rule.name,
                last or person.start_date,
                last,
                windows,
                rule.label,
                last_words,
            )

    def supervision_agreement(self, rule: SupervisionAgreement) -> None:
        for person in self.staff:
            current = self.manager.get(person.staff_id)
            if current is None or not self.want("staff", person.staff_id):
                continue
            manager_id, since = current
            # Due from the start of this supervisory relationship (N 6.1, 12.1); for someone who
            # has had one manager throughout this is their start date.
            began = max(person.start_date, since)
            due = rule.due.period.add(began, self.calendar)
            signed = self.agreements.get(person.staff_id)
            first = signed[0].signed_date if signed else None
            self.one_off(
                "staff",
                person.staff_id,
                rule.name,
                due,
                first,
                first,
                rule.due,
                f"Supervision agreement with {self.name_of(manager_id)} due "
                f"{within(rule.due.period)} of the supervision starting on {day(began)}",
                f"signed {day(first)}" if first else "",
                "not signed yet",
            )

    def agreement_review(self, rule: AgreementReview) -> None:
        window: Window[Reason] = Window(rule.every.period, None, None, ("", None, rule.every))
        for person in self.staff:
            signed = self.agreements.get(person.staff_id)
            if not signed or not self.want("staff", person.staff_id):
                continue
            latest = signed[-1].signed_date
            found = next_due(latest, [window], self.calendar)
            if found is None:
                continue
            due = found[0]
            status = one_off_status(due, None, self.as_of, self.soon_from(due))
            self.add(
                "staff",
                person.staff_id,
                rule.name,
                due,
                status,
                latest,
                rule.every,
                f"Supervision agreement signed {day(latest)}: to be reviewed "
                f"{every(rule.every.period)}, so due {day(due)} ({status_words(status)})",
            )

    def manager_evidence_review(self, rule: ManagerEvidenceReview) -> None:
        """N 8.1: a manager who manages someone on as_of, reviewed by their line manager every
        period, counted from the later of their last review and the start of their management
        (the earliest start among the line management they hold on as_of)."""
        for person in self.staff:
            managing = self.managing.get(person.staff_id)
            if (
                person.category != "manager"
                or managing is None
                or not self.want("staff", person.staff_id)
            ):
                continue
            count, since = managing
            since = max(since, person.start_date)
            reviewed = [d for d in self.reviews.get(person.staff_id, ()) if d >= person.start_date]
            last = reviewed[-1] if reviewed else None
            people = "1 person" if count == 1 else f"{count} people"
            context = f"Manages {people}, since {day(since)}"
            if last is None:
                last_words = "not reviewed yet"
            elif last < since:
                last_words = (
                    f"last reviewed {day(last)}, before managing the people they manage now"
                )
            else:
                last_words = f"last reviewed {day(last)}"
            anchor = since if last is None or last < since else last
            window: Window[Reason] = Window(
                rule.every.period, None, None, (context, None, rule.every)
            )
            self.recurring(
                "staff",
                person.staff_id,
                rule.name,
                anchor,
                last,
                [window],
                f"{rule.label} by their line manager",
                last_words,
            )

    def appraisal(self, rule: AnnualAppraisal) -> None:
        """N 4x4x4, B 5: every member of staff appraised every period by their supervisor,
        counted from the later of their last appraisal and their start (an appraisal from an
        earlier spell of employment does not count)."""
        for person in self.staff:
            if not self.want("staff", person.staff_id):
                continue
            done = self.appraised["annual"].get(person.staff_id, ())
            appraised = [d for d in done if d >= person.start_date]
            last = appraised[-1] if appraised else None
            window: Window[Reason] = Window(
                rule.every.period,
                None,
                None,
                (f"Started {day(person.start_date)}", None, rule.every),
            )
            self.recurring(
                "staff",
                person.staff_id,
                rule.name,
                last or person.start_date,
                last,
                [window],
                rule.label,
                f"last appraised {day(last)}" if last else "not appraised yet",
            )

    def probation_review(self, rule: ProbationReview) -> None:
        """B 1.3, N 11.3: a new starter's probation runs ``length`` from their start date and is
        reviewed ``review_every`` from the start and at its end. The reviews are counted in order
        (the second review recorded meets the second review point), and one row shows the next
        point not yet met, or the last once all are. A person is listed until one probation
        length after their probation ended: a review still missing then is no longer a new
        starter's obligation, and long-serving staff are never listed."""
        length, step = rule.length.period, rule.review_every.period
        for person in self.staff:
            start = person.start_date
            ends = length.add(start, self.calendar)
            if self.as_of > length.add(ends, self.calendar) or not self.want(
                "staff", person.staff_id
            ):
                continue
            # Each point counted from the start, not from the point before, so months do not drift.
            points: list[tuple[dt.date, Sourced]] = []
            count = 1
            while (point := Period(step.count * count, step.unit).add(start, self.calendar)) < ends:
                points.append((point, rule.review_every))
                count += 1
            points.append((ends, rule.length))
            held = [d for d in self.appraised["probation"].get(person.staff_id, ()) if d >= start]
            at = min(len(held), len(points) - 1)
            due, sourced = points[at]
            met_on = held[at] if at < len(held) else None
            which = "final review" if at == len(points) - 1 else f"review {at + 1}"
            self.one_off(
                "staff",
                person.staff_id,
                rule.name,
                due,
                met_on,
                held[-1] if held else None,
                sourced,
                f"Probation from {day(start)} to {day(ends)}, reviewed {every(step)} and at its "
                f"end: {which} of {len(points)} due",
                f"held {day(met_on)}" if met_on else "",
                f"{len(held)} of {len(points)} held" if held else "none held yet",
            )

    def practice_observation(self, rule: PracticeObservation) -> None:
        month, dom = rule.year_starts
        year_start = dt.date(self.as_of.year, month, dom)
        if year_start > self.as_of:
            year_start = dt.date(self.as_of.year - 1, month, dom)
        due = dt.date(year_start.year + 1, month, dom) - ONE_DAY
        sourced = Sourced(Period(0, "d"), rule.source)
        for person in self.staff:
            if person.category not in rule.categories or not self.want("staff", person.staff_id):
                continue
            dates: list[dt.date] = []
            for t in rule.met_by:
                dates.extend(
                    d for d in self.by_supervisee[t].get(person.staff_id, ()) if d >= year_start
                )
            dates.sort()
            met_on = dates[rule.count - 1] if len(dates) >= rule.count else None
            last = dates[-1] if dates else None
            done = len(dates)
            recorded = (
                "none recorded yet" if done == 0 else f"{done} recorded, latest {day(dates[-1])}"
            )
            self.one_off(
                "staff",
                person.staff_id,
                rule.name,
                due,
                met_on,
                last,
                sourced,
                f"{rule.count} {rule.label}s needed in the year from {day(year_start)}",
                recorded,
                recorded,
            )

    def group_supervision(self, rule: GroupSupervision) -> None:
        first_start: dict[str, dt.date] = {}
        for person in self.staff:
            if person.team:
                held = first_start.get(person.team)
                if held is None or person.start_date < held:
                    first_start[person.team] = person.start_date
        for team in sorted(first_start):
            if not self.want("team", team):
                continue
            window: Window[Reason] = Window(rule.every.period, None, None, (team, None, rule.every))
            last = self.latest(self.by_team, rule.met_by, team, first_start[team])
            if last is not None:
                last_words = f"last held {day(last)}"
            else:
                last_words = (
                    f"none held since the team's first member started on {day(first_start[team])}"
                )
            self.recurring(
                "team",
                team,
                rule.name,
                last or first_start[team],
                last,
                [window],
                rule.label,
                last_words,
            )

    # --- cases ----------------------------------------------------------------------------

    def case_windows(self, rule: CaseSupervision, case_id: str) -> list[Window[Reason]]:
        rows = self.statuses.get(case_id, ())
        windows: list[Window[Reason]] = []
        for status_rule in rule.statuses:
            for row in rows:
                if row.status == status_rule.status:
                    windows.extend(self.status_windows(status_rule, row, rows))
        if rule.default is not None:
            default_reason = _default_reason(rule, rule.default)
            for start, end in _gaps([(w.start, w.end) for w in windows]):
                windows.append(Window(rule.default.period, start, end, default_reason))
        return windows

    @staticmethod
    def status_windows(
        status_rule: StatusPeriod, row: CaseStatus, rows: Iterable[CaseStatus]
    ) -> list[Window[Reason]]:
        pieces: list[tuple[dt.date | None, dt.date | None]] = [(row.start_date, row.end_date)]
        for other in rows:
            if other.status in status_rule.unless:
                pieces = _subtract(pieces, other.start_date, other.end_date)
        context = status_phrase(status_rule.status, status_rule.unless)
        return [
            Window(status_rule.every.period, start, end, (context, start, status_rule.every))
            for start, end in pieces
        ]

    def case_supervision(self, rule: CaseSupervision) -> None:
        plain: list[Window[Reason]] = []
        if rule.default is not None:
            # Cases with no status row share this one window.
            plain = [Window(rule.default.period, None, None, _default_reason(rule, rule.default))]
        overseen = "management_oversight" in rule.met_by
        verb = "supervised or overseen" if overseen else "supervised"
        for case in self.cases:
            case_id = case.case_id
            if not self.want("case", case_id):
                continue
            if rule.statuses and case_id in self.statuses:
                windows = self.case_windows(rule, case_id)
            else:
                windows = plain
            last = self.latest(self.by_case, rule.met_by, case_id, case.open_date)
            if last is not None:
                last_words = f"last {verb} {day(last)}"
            else:
                last_words = f"not {verb} since the case opened on {day(case.open_date)}"
            self.recurring(
                "case",
                case_id,
                rule.name,
                last or case.open_date,
                last,
                windows,
                rule.label,
                last_words,
            )

    def initial_case_discussion(self, rule: InitialCaseDiscussion) -> None:
        for case in self.cases:
            if not self.want("case", case.case_id):
                continue
            allocation = self.allocation[case.case_id]
            start = allocation.start_date
            due = rule.due.period.add(start, self.calendar)
            met_on = self.earliest_from(self.by_case, rule.met_by, case.case_id, start)
            self.one_off(
                "case",
                case.case_id,
                rule.name,
                due,
                met_on,
                met_on,
                rule.due,
                f"Allocated to {self.name_of(allocation.worker_id)} on {day(start)}: "
                f"case discussion due {within(rule.due.period)}",
                f"held {day(met_on)}" if met_on else "",
                "not held yet",
            )

    def conference_chair_review(self, rule: ConferenceChairReview) -> None:
        for case in self.cases:
            if not self.want("case", case.case_id):
                continue
            for row in self.statuses.get(case.case_id, ()):
                if row.status != rule.status or (
                    row.end_date is not None and row.end_date < self.as_of
                ):
                    continue
                due = rule.due.period.add(row.start_date, self.calendar)
                first = rule.counts_from.period.add(row.start_date, self.calendar)
                met_on = self.earliest_from(self.by_case, rule.met_by, case.case_id, first)
                self.one_off(
                    "case",
                    case.case_id,
                    rule.name,
                    due,
                    met_on,
                    met_on,
                    rule.due,
                    f"{status_phrase(row.status)} since {day(row.start_date)}: dedicated "
                    f"conference chair supervision due at {rule.due.period.describe()} "
                    f"(a session from {day(first)} counts)",
                    f"held {day(met_on)}" if met_on else "",
                    "not held yet",
                )

    def decision_discussion(self, rule: DecisionDiscussion) -> None:
        for case in self.cases:
            events = self.events.get(case.case_id)
            if not events or not self.want("case", case.case_id):
                continue
            for event in events:
                sourced = rule.events.get(event.event)
                if sourced is None:
                    continue
                due = sourced.period.add(event.date, self.calendar)
                first = rule.lookback.period.subtract(event.date, self.calendar)
                met_on = self.earliest_from(self.by_case, rule.met_by, case.case_id, first)
                when = (
                    "before it"
                    if sourced.period.count == 0
                    else f"before it or {within(sourced.period)} after it"
                )
                self.one_off(
                    "case",
                    case.case_id,
                    rule.name,
                    due,
                    met_on,
                    met_on,
                    sourced,
                    f"{EVENT_WORDS.get(event.event, event.event)} on {day(event.date)}: "
                    f"to be discussed in case supervision {when}",
                    f"discussed {day(met_on)}" if met_on else "",
                    "not discussed yet",
                )

    # --- sessions -------------------------------------------------------------------------

    def record_completion(self, rule: RecordCompletion) -> None:
        # One row per session: this loop runs hundreds of thousands of times for a large council,
        # so everything that depends only on (session type, date) is worked out once.
        as_of = self.as_of
        deadlines = rule.deadlines
        wanted = self.wanted["session"] if self.wanted is not None else None
        prepared: dict[tuple[str, dt.date], tuple[dt.date, dt.date, str, str]] = {}
        append = self.out.append
        new_tuple = _new_tuple
        name = rule.name
        for s in self.sessions:
            sourced = deadlines.get(s.type)
            if sourced is None or (wanted is not None and s.session_id not in wanted):
                continue
            key = (s.type, s.date)
            found = prepared.get(key)
            if found is None:
                due = sourced.period.add(s.date, self.calendar)
                found = (
                    due,
                    self.soon_from(due),
                    f"{SESSION_WORDS.get(s.type, s.type)} on {day(s.date)}: "
                    f"{rule.label} due {within(sourced.period)}, by {day(due)}",
                    self.rule_text(sourced),
                )
                prepared[key] = found
            due, soon, intro, rule_text = found
            recorded = s.recorded_date
            if recorded is not None and recorded > as_of:
                recorded = None  # written up after as_of: not yet known
            status = one_off_status(due, recorded, as_of, soon)
            outcome = f"written up {day(recorded)}" if recorded else "not written up yet"
            append(
                new_tuple(
                    Obligation,
                    (
                        "session",
                        s.session_id,
                        name,
                        due,
                        status,
                        recorded,
                        rule_text,
                        f"{intro}; {outcome} ({STATUS_WORDS[status]})",
                    ),
                )
            )


def _default_reason(rule: CaseSupervision, default: Sourced) -> Reason:
    return ("No status with its own frequency" if rule.statuses else "Every case", None, default)


def _subtract(
    pieces: list[tuple[dt.date | None, dt.date | None]], start: dt.date, end: dt.date | None
) -> list[tuple[dt.date | None, dt.date | None]]:
    """Remove the days [start, end] from each (start, end) piece; None is unbounded."""
    out: list[tuple[dt.date | None, dt.date | None]] = []
    for p_start, p_end in pieces:
        if p_start is None or p_start < start:
            left_end = start - ONE_DAY
            if p_end is not None and p_end < left_end:
                left_end = p_end
            out.append((p_start, left_end))
        if end is not None and (p_end is None or p_end > end):
            right_start = end + ONE_DAY
            if p_start is not None and p_start > right_start:
                right_start = p_start
            out.append((right_start, p_end))
    return [(s, e) for s, e in out if s is None or e is None or s <= e]


def _gaps(
    covered: list[tuple[dt.date | None, dt.date | None]],
) -> list[tuple[dt.date | None, dt.date | None]]:
    """The days not in any of the ``covered`` ranges, as ranges (None: unbounded)."""
    pieces: list[tuple[dt.date | None, dt.date | None]] = [(None, None)]
    for start, end in covered:
        if start is None:
            # Covered from the beginning of time: remove everything up to end.
            if end is None:
                return []
            pieces = [
                (max(s, end + ONE_DAY) if s is not None else end + ONE_DAY, e)
                for s, e in pieces
                if e is None or e > end
            ]
        else:
            pieces = _subtract(pieces, start, end)
    return pieces
