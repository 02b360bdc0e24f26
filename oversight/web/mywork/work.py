"""What a person owns, as My work shows it: each obligation with whom or what it is about, what to
do and where, grouped by kind and cut short so a busy manager reads it at a glance.

Which obligations are a person's is decided once, in ``engine.owners`` (through
``facts.owned``); this only presents them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse

from oversight.cases.models import Case
from oversight.engine.engine import Obligation
from oversight.facts.caseloads import obligation_label
from oversight.facts.owned import OwnedWork
from oversight.formatting import long_date
from oversight.organisation.models import Staff, Team
from oversight.supervision.models import Session
from oversight.web.mywork.links import book_supervision_url, record_url

# Rows shown in each group before "Show N more": enough to act on today, short enough to scan.
SHOWN = 5

# My work's headings, by kind of obligation (RULES.md), in the order the groups appear: children
# first, then people, then paperwork. A council's policy names obligations its own way; these
# say what the work is, the same for every council.
KIND_HEADINGS = {
    "case_supervision": "Children's case supervision",
    "initial_case_discussion": "Newly allocated children to discuss",
    "decision_discussion": "Decisions about children to discuss",
    "conference_chair_review": "Conference chair reviews",
    "professional_supervision": "Professional supervision",
    "practice_observation": "Practice observations",
    "supervision_agreement": "Supervision agreements",
    "agreement_review": "Agreement reviews",
    "manager_evidence_review": "Managers' supervision evidence to review",
    "appraisal": "Appraisals and Personal Development Plans",
    "probation_review": "Probation reviews",
    "group_supervision": "Group supervision",
    "record_completion": "Records to write up",
}


@dataclass(frozen=True)
class WorkItem:
    obligation: Obligation
    kind: str  # the kind of rule behind it (RULES.md), whatever the council calls it
    label: str
    subject: str
    subject_href: str | None
    todo: str
    todo_href: str
    covering_for: str | None = None  # the absent manager's name, when this is theirs

    @property
    def key(self) -> str:
        """The obligation's identity, marked on the page (tests compare it with the engine)."""
        o = self.obligation
        return f"{o.subject_type}|{o.subject_id}|{o.obligation}|{o.due_date.isoformat()}"


@dataclass(frozen=True)
class WorkGroup:
    label: str
    items: list[WorkItem]

    @property
    def first(self) -> list[WorkItem]:
        return self.items[:SHOWN]

    @property
    def rest(self) -> list[WorkItem]:
        return self.items[SHOWN:]


@dataclass(frozen=True)
class Work:
    """A person's owned obligations by status: overdue, due soon, and on track (coming up)."""

    overdue: list[WorkGroup]
    due_soon: list[WorkGroup]
    coming_up: list[WorkGroup]

    @staticmethod
    def count(groups: list[WorkGroup]) -> int:
        return sum(len(group.items) for group in groups)

    @property
    def overdue_count(self) -> int:
        return self.count(self.overdue)

    @property
    def due_soon_count(self) -> int:
        return self.count(self.due_soon)

    @property
    def coming_up_count(self) -> int:
        return self.count(self.coming_up)

    def items(self) -> list[WorkItem]:
        return [
            item
            for groups in (self.overdue, self.due_soon, self.coming_up)
            for group in groups
            for item in group.items
        ]


def my_work(owned: OwnedWork, me: Staff, covering: Iterable[Staff] = ()) -> Work:
    """`me`'s own obligations and those of the managers `me` covers for, as My work shows them."""
    names = {person.staff_id: person.name for person in covering}
    rows: list[tuple[Obligation, str, str | None]] = [
        (o, me.staff_id, None) for o in owned.of(me.staff_id)
    ]
    for staff_id, name in names.items():
        rows.extend((o, staff_id, name) for o in owned.of(staff_id))
    items = _present(rows, owned)
    return Work(
        overdue=_grouped(i for i in items if i.obligation.status == "overdue"),
        due_soon=_grouped(i for i in items if i.obligation.status == "due_soon"),
        coming_up=_grouped(i for i in items if i.obligation.status == "ok"),
    )


def _grouped(items: Iterable[WorkItem]) -> list[WorkGroup]:
    by_kind: dict[str, list[WorkItem]] = defaultdict(list)
    for item in items:
        by_kind[item.kind].append(item)
    # Items arrive most urgent first and keep that order within their group.
    return [
        WorkGroup(KIND_HEADINGS.get(kind, kind), by_kind[kind])
        for kind in [*KIND_HEADINGS, *sorted(set(by_kind) - set(KIND_HEADINGS))]
        if kind in by_kind
    ]


def _present(rows: list[tuple[Obligation, str, str | None]], owned: OwnedWork) -> list[WorkItem]:
    wanted: dict[str, set[str]] = defaultdict(set)
    for obligation, _, _ in rows:
        wanted[obligation.subject_type].add(obligation.subject_id)
    people = wanted["staff"] | set(owned.worker_of.values())
    staff = {s.staff_id: s for s in Staff.objects.filter(staff_id__in=people)}
    children = dict(
        Case.objects.filter(case_id__in=wanted["case"]).values_list("case_id", "display_name")
    )
    holder = owned.worker_of
    teams = dict(Team.objects.filter(name__in=wanted["team"]).values_list("name", "pk"))
    sessions = {
        s.session_id: s
        for s in Session.objects.filter(session_id__in=wanted["session"]).select_related(
            "supervisee", "team"
        )
    }
    presenter = _Presenter(staff, children, holder, teams, sessions, owned.kind_of, owned.chairs)
    return [presenter.item(obligation, owner, covering) for obligation, owner, covering in rows]


@dataclass(frozen=True)
class _Presenter:
    staff: dict[str, Staff]
    children: dict[str, str]
    holder: dict[str, str]
    teams: dict[str, int]
    sessions: dict[str, Session]
    kind_of: dict[str, str]  # the policy's name of an obligation -> its kind (RULES.md)
    chairs: dict[str, list[str]]  # a chairs' manager -> the conference chairs they supervise

    def item(self, obligation: Obligation, owner: str, covering: str | None) -> WorkItem:
        label = obligation_label(obligation)
        kind = obligation.subject_type
        rule_kind = self.kind_of.get(obligation.obligation, obligation.obligation)
        if kind == "staff":
            subject, href, todo, todo_href = self._person(obligation)
        elif kind == "case":
            subject, href, todo, todo_href = self._child(obligation, owner)
        elif kind == "team":
            pk = self.teams.get(obligation.subject_id)
            subject = obligation.subject_id
            href = reverse("mywork:team", args=[pk]) if pk else None
            todo = "Record group supervision"
            todo_href = reverse("records:group_new") + f"?team={pk}" if pk else ""
        else:
            subject, href, todo, todo_href = self._record(obligation)
        return WorkItem(obligation, rule_kind, label, subject, href, todo, todo_href, covering)

    def _person(self, obligation: Obligation) -> tuple[str, str | None, str, str]:
        person = self.staff.get(obligation.subject_id)
        name = person.name if person else obligation.subject_id
        staff_id = obligation.subject_id
        files = reverse("files:detail", args=[staff_id])
        kind = self.kind_of.get(obligation.obligation)
        if kind in ("supervision_agreement", "agreement_review") and person:
            return name, files, "Open the agreement", reverse("agreements:staff", args=[person.pk])
        if kind == "manager_evidence_review":
            review = reverse("people:evidence", args=[staff_id])
            return name, files, "Review their supervision evidence", review
        if kind in ("appraisal", "probation_review"):
            appraise = reverse("people:appraisal", args=[staff_id])
            return name, files, "Gather the evidence and record it", appraise
        if kind == "practice_observation":
            observe = reverse("records:observation_new") + f"?staff={staff_id}"
            return name, files, "Record an observation", observe
        return name, files, "Book supervision", book_supervision_url(staff_id)

    def _child(self, obligation: Obligation, owner: str) -> tuple[str, str | None, str, str]:
        case_id = obligation.subject_id
        name = self.children.get(case_id) or f"Child {case_id}"
        child_page = reverse("mywork:child", args=[case_id])
        worker = self.staff.get(self.holder.get(case_id, ""))
        if self.kind_of.get(obligation.obligation) == "conference_chair_review":
            # The chairs' manager holds it with a chair (B 4), on the chair supervision form; the
            # child's page is for those who manage the child's worker, so no link to it here.
            chairs = self.chairs.get(owner, ())
            if len(chairs) == 1:
                chair = reverse("records:chair_new") + f"?staff={chairs[0]}"
                return name, None, "Record chair supervision", chair
            return name, None, "Record it with the chair, from People you supervise", "#supervisees"
        if worker is None:
            return name, child_page, "Open the child's page", child_page
        return (
            name,
            child_page,
            f"Discuss with {worker.name}",
            book_supervision_url(worker.staff_id),
        )

    def _record(self, obligation: Obligation) -> tuple[str, str | None, str, str]:
        session = self.sessions.get(obligation.subject_id)
        if session is None:
            return f"Record {obligation.subject_id}", None, "Write it up", ""
        about = (
            f" with {session.supervisee.name}"
            if session.supervisee
            else (f", {session.team.name}" if session.team else "")
        )
        link = record_url(session.pk)
        return (
            f"{session.get_type_display()}{about}, {long_date(session.date)}",
            link,
            "Write it up",
            link,
        )
