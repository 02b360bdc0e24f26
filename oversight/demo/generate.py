"""An invented council with years of believable supervision history, for trying Oversight.

Everything is planned in memory first from one `random.Random(seed)` and the `as_of` date, then
written with `bulk_create` in one transaction, so the same seed and date always give the same rows
and the large council still loads in seconds. Nothing reads today's date.

The shape follows how English children's services are run: a director and assistant directors,
heads of service over teams of eight to ten case holders with a team manager (sometimes an
assistant team manager supervising half the team), a safeguarding and reviewing unit of conference
chairs and independent reviewing officers, and children whose cases move from assessment to child
protection, care proceedings, care and leaving care. Supervision is mostly on time, with the gaps,
late records and missing agreements a real council has, so every screen has something to show.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from oversight.cases.models import Allocation, Case, CaseEvent, CaseStatus, SiblingGroup
from oversight.demo import names
from oversight.demo.appraisals import add_appraisals
from oversight.demo.bookings import book_the_year_ahead
from oversight.demo.quality import add_quality_demo
from oversight.engine.periods import add_months
from oversight.facts.planner import refresh_planner_statistics
from oversight.obligations.store import invalidate as invalidate_obligations
from oversight.organisation.models import LineManagement, Service, Staff, Team, TeamMembership
from oversight.supervision.models import Agreement, JointSupervisee, Session, SessionCase

PASSWORD = "oversight-demo"
EMAIL_DOMAIN = "demo-council.example"
SIGN_IN_URL = "http://127.0.0.1:8000"
BATCH = 2000
DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Size:
    localities: int  # each locality has the three operational services below
    years: int  # of history up to as_of
    open_children: int
    closed_children: int
    chairs_per_unit: int
    turnover: float  # share of posts that changed hands during the history
    recent_newly_qualified: int  # posts filled by an ASYE worker in the months before as_of
    # Sign-ins for the director and an assistant director, to try the whole council's view of it.
    leadership_accounts: bool = False


SIZES = {
    "small": Size(
        localities=1,
        years=2,
        open_children=1350,
        closed_children=650,
        chairs_per_unit=8,
        turnover=0.07,
        recent_newly_qualified=4,
    ),
    "large": Size(
        localities=10,
        years=3,
        open_children=15000,
        closed_children=9000,
        chairs_per_unit=9,
        turnover=0.05,
        recent_newly_qualified=40,
        leadership_accounts=True,
    ),
}

OPERATIONAL_SERVICES: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Assessment and Child Protection",
        (
            ("child_protection", "Child Protection and Court Team 1"),
            ("child_protection", "Child Protection and Court Team 2"),
            ("assessment", "Assessment Team 1"),
            ("assessment", "Assessment Team 2"),
        ),
    ),
    (
        "Children in Care and Care Leavers",
        (
            ("children_in_care", "Children in Care Team 1"),
            ("children_in_care", "Children in Care Team 2"),
            ("leaving_care", "Leaving Care Team"),
            ("permanence", "Permanence and Adoption Support Team"),
        ),
    ),
    (
        "Family Support and Children with Disabilities",
        (
            ("family_support", "Family Support Team 1"),
            ("family_support", "Family Support Team 2"),
            ("disabilities", "Children with Disabilities Team"),
        ),
    ),
)
QA_SERVICE = "Safeguarding and Quality Assurance"
REVIEWING_UNIT = "Safeguarding and Reviewing Unit"

# Open cases a case holder carries, relative to an assessment social worker's.
CASELOAD_WEIGHT = {
    "assessment": 1.0,
    "child_protection": 0.95,
    "children_in_care": 1.0,
    "leaving_care": 1.4,
    "permanence": 1.1,
    "disabilities": 1.0,
    "family_support": 0.9,
}
# Where cases close: most referrals close after assessment, few children leave care.
CLOSURE_WEIGHT = {
    "assessment": 3.0,
    "family_support": 1.5,
    "child_protection": 1.0,
    "children_in_care": 0.4,
    "leaving_care": 0.5,
    "permanence": 0.4,
    "disabilities": 0.4,
}


# --- children's journeys through the service


@dataclass(frozen=True)
class Step:
    kind: str  # the kind of team holding the case
    statuses: tuple[str, ...]
    days: tuple[int, int]


@dataclass(frozen=True)
class Journey:
    name: str
    steps: tuple[Step, ...]
    age: tuple[float, float]  # the child's age at the end (as_of, or closure)
    siblings: bool = True
    can_close: bool = True
    leaves_care_at: tuple[float, float] | None = None  # age on starting the last step


CIN = ("child_in_need",)
CP = ("child_protection",)
LAC = ("looked_after",)
LAC_PERM = ("looked_after", "permanence_plan")
PROC = ("care_proceedings",)
PROC_LAC = ("care_proceedings", "looked_after")
LAC_PROC = ("looked_after", "care_proceedings")
LEAVER = ("care_leaver",)
ADOPTION = ("adoption_support",)
BREAKS = ("short_breaks",)
BREAKS_CIN = ("short_breaks", "child_in_need")
ASSESS = Step("assessment", (), (15, 45))

JOURNEYS: dict[str, tuple[tuple[int, Journey], ...]] = {
    "assessment": (
        (5, Journey("referral under assessment", (Step("assessment", (), (1, 45)),), (0, 17))),
        (4, Journey("child in need", (Step("assessment", CIN, (10, 150)),), (0, 17))),
        (
            1,
            Journey(
                "plan made during assessment",
                (Step("assessment", CIN, (10, 45)), Step("assessment", CP, (1, 60))),
                (0, 15),
                can_close=False,
            ),
        ),
    ),
    "child_protection": (
        (
            4,
            Journey(
                "child protection plan",
                (ASSESS, Step("child_protection", CP, (7, 540))),
                (0, 15),
                can_close=False,
            ),
        ),
        (
            3,
            Journey(
                "child in need, then a plan",
                (
                    ASSESS,
                    Step("child_protection", CIN, (30, 240)),
                    Step("child_protection", CP, (7, 400)),
                ),
                (0, 15),
                can_close=False,
            ),
        ),
        (
            2,
            Journey(
                "plan ended, stepped down",
                (
                    ASSESS,
                    Step("child_protection", CP, (180, 450)),
                    Step("child_protection", CIN, (14, 180)),
                ),
                (0, 16),
            ),
        ),
        (
            2,
            Journey(
                "care proceedings, child at home",
                (
                    ASSESS,
                    Step("child_protection", CP, (90, 360)),
                    Step("child_protection", PROC, (14, 300)),
                ),
                (0, 14),
            ),
        ),
        (
            1,
            Journey(
                "care proceedings, interim care order",
                (
                    ASSESS,
                    Step("child_protection", CP, (60, 300)),
                    Step("child_protection", PROC_LAC, (14, 300)),
                ),
                (0, 14),
                can_close=False,
            ),
        ),
        (3, Journey("child in need", (ASSESS, Step("child_protection", CIN, (30, 365))), (0, 17))),
    ),
    "children_in_care": (
        (
            3,
            Journey(
                "into care through proceedings",
                (
                    Step("assessment", (), (10, 40)),
                    Step("child_protection", CP, (60, 300)),
                    Step("child_protection", PROC_LAC, (120, 365)),
                    Step("children_in_care", LAC, (30, 270)),
                    Step("children_in_care", LAC_PERM, (30, 1800)),
                ),
                (1, 17),
            ),
        ),
        (
            2,
            Journey(
                "accommodated with consent",
                (Step("assessment", (), (5, 30)), Step("children_in_care", LAC, (30, 1400))),
                (1, 17),
            ),
        ),
        (
            2,
            Journey(
                "long-term care",
                (
                    Step("children_in_care", LAC, (120, 365)),
                    Step("children_in_care", LAC_PERM, (180, 3600)),
                ),
                (3, 17),
            ),
        ),
        (
            1,
            Journey(
                "proceedings while accommodated",
                (
                    Step("assessment", (), (5, 30)),
                    Step("children_in_care", LAC, (60, 300)),
                    Step("children_in_care", LAC_PROC, (30, 300)),
                ),
                (1, 16),
                can_close=False,
            ),
        ),
    ),
    "leaving_care": (
        (
            4,
            Journey(
                "care leaver",
                (
                    Step("children_in_care", LAC_PERM, (365, 3000)),
                    Step("leaving_care", LEAVER, (1, 1095)),
                ),
                (18, 21),
                siblings=False,
                leaves_care_at=(18.0, 18.0),
            ),
        ),
        (
            1,
            Journey(
                "relevant child",
                (
                    Step("children_in_care", LAC, (200, 1500)),
                    Step("leaving_care", LEAVER, (1, 300)),
                ),
                (17, 18),
                siblings=False,
                can_close=False,
                leaves_care_at=(17.0, 17.6),
            ),
        ),
    ),
    "permanence": (
        (3, Journey("adoption support", (Step("permanence", ADOPTION, (30, 1800)),), (2, 16))),
        (
            2,
            Journey(
                "placed for adoption",
                (Step("children_in_care", LAC, (90, 365)), Step("permanence", LAC_PERM, (30, 540))),
                (0, 5),
            ),
        ),
    ),
    "disabilities": (
        (5, Journey("short breaks", (Step("disabilities", BREAKS, (60, 2500)),), (5, 17), False)),
        (
            2,
            Journey(
                "short breaks, child in need",
                (Step("disabilities", BREAKS_CIN, (60, 1500)),),
                (5, 17),
                siblings=False,
            ),
        ),
        (
            2,
            Journey(
                "disabled child in need",
                (Step("assessment", (), (10, 40)), Step("disabilities", CIN, (30, 900))),
                (3, 17),
                siblings=False,
            ),
        ),
        (
            1,
            Journey(
                "disabled child in care",
                (Step("disabilities", LAC, (180, 2000)),),
                (8, 17),
                siblings=False,
            ),
        ),
    ),
    "family_support": (
        (
            5,
            Journey(
                "child in need",
                (Step("assessment", (), (10, 45)), Step("family_support", CIN, (14, 365))),
                (0, 17),
            ),
        ),
        (
            2,
            Journey(
                "stepped down from a plan",
                (
                    Step("assessment", (), (10, 45)),
                    Step("child_protection", CP, (180, 500)),
                    Step("family_support", CIN, (14, 240)),
                ),
                (0, 16),
            ),
        ),
        (1, Journey("family support", (Step("family_support", (), (14, 120)),), (0, 17))),
    ),
}


# --- the plan, in memory


@dataclass(eq=False)
class PlannedService:
    index: int
    name: str


@dataclass(eq=False)
class Post:
    """A job in the structure; its occupants follow one another as people leave and are replaced."""

    title: str
    category: str
    team: PlannedTeam | None
    parents: list[tuple[dt.date, Post]]  # (from, the post that manages this one)
    registered: bool = False  # a registered social worker, with a Social Work England number
    newly_qualified_ok: bool = False
    protected: bool = False  # a demo account's post: no turnover, no lapses
    occupants: list[PlannedStaff] = field(default_factory=list)

    def parent_on(self, day: dt.date) -> Post | None:
        parent = None
        for since, post in self.parents:
            if since <= day:
                parent = post
        return parent

    def occupant_on(self, day: dt.date) -> PlannedStaff | None:
        for person in self.occupants:
            if person.active_on(day):
                return person
        return None


@dataclass(eq=False)
class PlannedTeam:
    index: int
    name: str
    kind: str
    service: PlannedService
    locality: int
    manager_post: Post | None = None
    posts: list[Post] = field(default_factory=list)
    case_holders: list[PlannedStaff] = field(default_factory=list)


@dataclass(eq=False)
class PlannedStaff:
    index: int
    post: Post
    first_name: str
    last_name: str
    email: str
    start: dt.date
    end: dt.date | None = None
    asye_start: dt.date | None = None
    swe_number: str = ""
    staff_id: str = ""
    allocations: list[FamilyAllocation] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def category(self) -> str:
        return self.post.category

    @property
    def team(self) -> PlannedTeam | None:
        return self.post.team

    def active_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or self.end >= day)


@dataclass(eq=False)
class PlannedLineManagement:
    staff: PlannedStaff
    manager: PlannedStaff
    start: dt.date
    end: dt.date | None


@dataclass(eq=False)
class Child:
    name: str
    date_of_birth: dt.date
    case_id: str = ""


@dataclass(eq=False)
class Family:
    """Brothers and sisters share one journey, one worker and one supervision discussion."""

    surname: str
    team: PlannedTeam
    open_date: dt.date
    close_date: dt.date | None
    children: list[Child] = field(default_factory=list)
    statuses: list[list[Any]] = field(default_factory=list)  # [status, start, end]
    events: list[tuple[str, dt.date]] = field(default_factory=list)
    allocations: list[FamilyAllocation] = field(default_factory=list)
    last_discussed: dt.date | None = None
    last_overseen: dt.date | None = None

    def period_on(self, day: dt.date) -> int:
        """Days between case supervisions the strictest status asks for (Bedford's table)."""
        active = [
            s for s, start, end in self.statuses if start <= day and (end is None or end >= day)
        ]
        if not active:
            return 56
        periods = []
        for status in active:
            if status in ("child_protection", "care_proceedings"):
                periods.append(28)
            elif status == "looked_after":
                periods.append(56 if "permanence_plan" in active else 28)
            elif status in ("short_breaks", "adoption_support"):
                periods.append(91)
            else:
                periods.append(56)
        return min(periods)

    def worker_on(self, day: dt.date) -> PlannedStaff | None:
        for allocation in self.allocations:
            if allocation.start <= day and (allocation.end is None or allocation.end >= day):
                return allocation.worker
        return None


@dataclass(eq=False)
class FamilyAllocation:
    family: Family
    worker: PlannedStaff
    start: dt.date
    end: dt.date | None


@dataclass(eq=False)
class PlannedSession:
    type: str
    date: dt.date
    supervisor: PlannedStaff | None
    supervisee: PlannedStaff | None
    team: PlannedTeam | None
    duration_minutes: int | None
    recorded_date: dt.date | None
    families: list[Family]
    session_id: str = ""
    # Others supervised jointly with the supervisee (B 3.1.10), for a few case discussions.
    joint: list[PlannedStaff] = field(default_factory=list)


@dataclass(eq=False)
class PlannedAgreement:
    staff: PlannedStaff
    supervisor: PlannedStaff
    signed_date: dt.date
    frequency: str


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    staff: PlannedStaff | None
    first_name: str
    last_name: str
    groups: tuple[str, ...] = ()
    administrator: bool = False


@dataclass(eq=False)
class Council:
    seed: int
    size: Size
    as_of: dt.date
    start: dt.date
    services: list[PlannedService] = field(default_factory=list)
    teams: list[PlannedTeam] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    staff: list[PlannedStaff] = field(default_factory=list)
    line_management: list[PlannedLineManagement] = field(default_factory=list)
    families: list[Family] = field(default_factory=list)
    sessions: list[PlannedSession] = field(default_factory=list)
    agreements: list[PlannedAgreement] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)
    demo_posts: dict[str, Post] = field(default_factory=dict)
    units: list[PlannedTeam] = field(default_factory=list)  # safeguarding and reviewing units
    used_names: set[tuple[str, str]] = field(default_factory=set)
    used_emails: set[str] = field(default_factory=set)

    @property
    def children(self) -> list[Child]:
        return [child for family in self.families for child in family.children]


# --- small helpers about dates and chance


def _weekday(day: dt.date) -> dt.date:
    """The day itself, or the Monday after a weekend: offices do not supervise on Sundays."""
    return day + DAY * {5: 2, 6: 1}.get(day.weekday(), 0)


def _years(years: float) -> dt.timedelta:
    return DAY * round(years * 365.25)


def _between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + DAY * rng.randint(0, max(0, (last - first).days))


def _weighted[T](
    rng: random.Random, choices: tuple[tuple[int, T], ...] | list[tuple[float, T]]
) -> T:
    weights = [w for w, _ in choices]
    return rng.choices([c for _, c in choices], weights=weights)[0]


# --- the organisation


def _new_post(
    c: Council,
    title: str,
    category: str,
    team: PlannedTeam | None,
    parent: Post | None,
    *,
    registered: bool = False,
    newly_qualified_ok: bool = False,
) -> Post:
    post = Post(
        title,
        category,
        team,
        [(dt.date.min, parent)] if parent else [],
        registered=registered,
        newly_qualified_ok=newly_qualified_ok,
    )
    c.posts.append(post)
    if team is not None:
        team.posts.append(post)
    return post


def _new_team(
    c: Council, name: str, kind: str, service: PlannedService, locality: int
) -> PlannedTeam:
    team = PlannedTeam(len(c.teams), name, kind, service, locality)
    c.teams.append(team)
    return team


def _plan_structure(rng: random.Random, c: Council) -> None:
    size = c.size
    director = _new_post(
        c, "Director of Children's Services", "manager", None, None, registered=True
    )
    directors_count = max(1, size.localities // 3)
    assistants = [
        _new_post(
            c,
            "Assistant Director, Children's Social Care",
            "manager",
            None,
            director,
            registered=True,
        )
        for _ in range(directors_count)
    ]
    director.protected = True  # the council keeps one director throughout the history
    span = (c.as_of - c.start).days

    for locality in range(size.localities):
        place = names.LOCALITIES[locality] + " " if size.localities > 1 else ""
        assistant = assistants[locality * directors_count // size.localities]
        for service_name, team_specs in OPERATIONAL_SERVICES:
            service = PlannedService(len(c.services), place + service_name)
            c.services.append(service)
            head = _new_post(
                c, f"Head of Service, {service.name}", "manager", None, assistant, registered=True
            )
            for kind, team_name in team_specs:
                team = _new_team(c, place + team_name, kind, service, locality)
                demo = locality == 0 and team_name in (
                    "Child Protection and Court Team 1",
                    "Assessment Team 1",
                )
                _plan_team(rng, c, team, head, demo)
                if demo:
                    head.protected = True
                    key = "worker" if team.kind == "child_protection" else "worker-b"
                    c.demo_posts[key] = next(p for p in team.posts if p.category == "case_holder")
                    c.demo_posts[key].protected = True
                    if key == "worker":
                        c.demo_posts["manager"] = team.posts[0]
                        c.demo_posts["head"] = head
                        c.demo_posts["support"] = next(
                            p for p in team.posts if p.category == "support_staff"
                        )
                        c.demo_posts["support"].protected = True
                    team.posts[0].protected = True
            _plan_supervisor_changes(rng, c, service, span)

    qa_service = PlannedService(len(c.services), QA_SERVICE)
    c.services.append(qa_service)
    qa_head = _new_post(
        c,
        "Head of Safeguarding and Quality Assurance",
        "manager",
        None,
        assistants[0],
        registered=True,
    )
    for locality in range(size.localities):
        place = names.LOCALITIES[locality] + " " if size.localities > 1 else ""
        unit = _new_team(c, place + REVIEWING_UNIT, "reviewing", qa_service, locality)
        c.units.append(unit)
        manager = _new_post(
            c, "Conference and Review Team Manager", "manager", unit, qa_head, registered=True
        )
        unit.manager_post = manager
        for n in range(size.chairs_per_unit):
            title = (
                "Child Protection Conference Chair"
                if n % 2 == 0
                else "Independent Reviewing Officer"
            )
            _new_post(c, title, "conference_chair", unit, manager, registered=True)
        if rng.random() < 0.8:
            _new_post(c, "Business Support Officer", "support_staff", unit, manager)
        if locality == 0:
            c.demo_posts["chair"] = unit.posts[1]
            unit.posts[1].protected = True
            manager.protected = True


def _plan_team(rng: random.Random, c: Council, team: PlannedTeam, head: Post, demo: bool) -> None:
    manager = _new_post(c, "Team Manager", "manager", team, head, registered=True)
    team.manager_post = manager
    assistant = None
    if not demo and rng.random() < 0.45:
        assistant = _new_post(
            c, "Assistant Team Manager", "manager", team, manager, registered=True
        )
    for n in range(rng.randint(8, 10)):
        # Larger teams split supervision between the manager and the assistant team manager;
        # the first case holder (the demo worker's post) always reports to the manager.
        parent = assistant if assistant is not None and n % 2 == 1 else manager
        if team.kind == "leaving_care" and n % 3 != 0:
            _new_post(c, "Personal Adviser", "case_holder", team, parent)
            continue
        title = _weighted(
            rng, ((6, "Social Worker"), (3, "Senior Social Worker"), (1, "Advanced Practitioner"))
        )
        _new_post(
            c,
            title,
            "case_holder",
            team,
            parent,
            registered=True,
            newly_qualified_ok=title == "Social Worker",
        )
    involved = {"family_support": 2, "disabilities": 1 + rng.randint(0, 1), "child_protection": 1}
    count = involved.get(team.kind, 1 if rng.random() < 0.35 else 0)
    for _ in range(count):
        _new_post(c, "Family Support Worker", "non_case_holder", team, manager)
    if demo or rng.random() < 0.6:
        _new_post(c, "Business Support Officer", "support_staff", team, manager)


def _plan_supervisor_changes(
    rng: random.Random, c: Council, service: PlannedService, span: int
) -> None:
    """Move a case holder between the team manager and the assistant team manager mid-history."""
    for team in c.teams:
        if team.service is not service or team.manager_post is None:
            continue
        assistant = next((p for p in team.posts if p.title == "Assistant Team Manager"), None)
        if assistant is None:
            continue
        holders = [p for p in team.posts if p.category == "case_holder" and not p.protected]
        for source, target in ((assistant, team.manager_post), (team.manager_post, assistant)):
            moving = [p for p in holders if p.parents[0][1] is source]
            if moving and rng.random() < 0.6:
                post = rng.choice(moving)
                post.parents.append((c.start + DAY * rng.randint(60, span - 30), target))


def _tenure_days(rng: random.Random, post: Post) -> int:
    if post.category == "manager":
        days = rng.randint(365, 12 * 365)
    else:
        days = 30 + int(rng.expovariate(1 / (3.5 * 365)))
    if post.protected:
        days = max(days, 2 * 365 + rng.randint(0, 900))
    return min(days, 25 * 365)


def _new_person(rng: random.Random, c: Council, post: Post, start: dt.date) -> PlannedStaff:
    while True:
        first = rng.choice(names.ADULT_FIRST_NAMES)
        last = rng.choice(names.FAMILY_NAMES)
        if (first, last) not in c.used_names:
            break
    c.used_names.add((first, last))
    local = f"{_email_part(first)}.{_email_part(last)}"
    email = f"{local}@{EMAIL_DOMAIN}"
    number = 2
    while email in c.used_emails:
        email = f"{local}{number}@{EMAIL_DOMAIN}"
        number += 1
    c.used_emails.add(email)
    person = PlannedStaff(len(c.staff), post, first, last, email, _weekday(start))
    c.staff.append(person)
    post.occupants.append(person)
    return person


def _email_part(name: str) -> str:
    return re.sub(r"[^a-z-]", "", name.lower())


def _plan_people(rng: random.Random, c: Council) -> None:
    """Fill every post; some change hands during the history, a few to newly qualified workers."""
    span = (c.as_of - c.start).days
    newly_qualified_posts = [p for p in c.posts if p.newly_qualified_ok and not p.protected]
    count = min(c.size.recent_newly_qualified, len(newly_qualified_posts))
    recent = set(rng.sample(newly_qualified_posts, count))
    for post in c.posts:
        first = _new_person(rng, c, post, c.start - DAY * _tenure_days(rng, post))
        if post.newly_qualified_ok and (c.start - first.start).days < 365 and rng.random() < 0.6:
            first.asye_start = first.start
        if post in recent:
            successor_start = c.as_of - DAY * rng.randint(14, 210)
            first.end = successor_start - DAY * rng.randint(15, 70)
        elif not post.protected and rng.random() < c.size.turnover:
            first.end = c.start + DAY * rng.randint(20, span - 5)
            successor_start = first.end + DAY * rng.randint(10, 100)
        else:
            continue
        if _weekday(successor_start) > c.as_of:
            continue  # still vacant on as_of
        successor = _new_person(rng, c, post, successor_start)
        if post.newly_qualified_ok and (post in recent or rng.random() < 0.5):
            successor.asye_start = successor.start

    swe_numbers = rng.sample(range(100000, 1000000), len(c.staff))
    staff_numbers = rng.sample(range(10000, 100000), len(c.staff))
    for person, swe, number in zip(c.staff, swe_numbers, staff_numbers, strict=True):
        person.staff_id = f"E{number}"
        if person.post.registered:
            person.swe_number = f"SW{swe}"
    for team in c.teams:
        team.case_holders = [
            s for p in team.posts if p.category == "case_holder" for s in p.occupants
        ]


# --- who supervises whom


def _ancestors(post: Post) -> list[Post]:
    found: list[Post] = []
    waiting = [parent for _, parent in post.parents]
    while waiting:
        candidate = waiting.pop()
        if all(candidate is not known for known in found):
            found.append(candidate)
            waiting.extend(parent for _, parent in candidate.parents)
    return found


def manager_on(post: Post, day: dt.date) -> PlannedStaff | None:
    """The line manager on a day: the manager post's holder, or higher up while it is vacant."""
    parent = post.parent_on(day)
    while parent is not None:
        holder = parent.occupant_on(day)
        if holder is not None:
            return holder
        parent = parent.parent_on(day)
    return None


def _plan_line_management(c: Council) -> None:
    for person in c.staff:
        post = person.post
        last = person.end or c.as_of
        points = {person.start}
        if person.start < c.start <= last:
            points.add(c.start)
        for ancestor in [post, *_ancestors(post)]:
            for since, _ in ancestor.parents:
                if person.start < since <= last:
                    points.add(since)
            if ancestor is post:
                continue
            for holder in ancestor.occupants:
                for when in (holder.start, holder.end + DAY if holder.end else None):
                    if when is not None and person.start < when <= last:
                        points.add(when)
        ordered = sorted(points)
        rows: list[PlannedLineManagement] = []
        for i, begin in enumerate(ordered):
            end = ordered[i + 1] - DAY if i + 1 < len(ordered) else person.end
            manager = manager_on(post, begin)
            if manager is None:
                continue
            parent = post.parent_on(begin)
            direct = parent.occupant_on(begin) if parent else None
            if begin < c.start and manager is not direct:
                continue  # who covered a vacancy before the history we hold is not known
            previous = rows[-1] if rows else None
            if previous and previous.manager is manager and previous.end == begin - DAY:
                previous.end = end
            else:
                rows.append(PlannedLineManagement(person, manager, begin, end))
        c.line_management.extend(rows)


# --- children and their cases


def _plan_cases(rng: random.Random, c: Council) -> None:
    teams = [t for t in c.teams if t.kind in JOURNEYS]
    holders_now = {t: sum(1 for s in t.case_holders if s.active_on(c.as_of)) for t in teams}
    open_weight = {t: holders_now[t] * CASELOAD_WEIGHT[t.kind] for t in teams}
    closed_weight = {t: len(t.case_holders) * CLOSURE_WEIGHT[t.kind] for t in teams}
    open_total = sum(open_weight.values())
    closed_total = sum(closed_weight.values())

    # The demo worker holds a sibling group on a child protection plan.
    worker = c.demo_posts["worker"].occupants[0]
    plan = next(j for _, j in JOURNEYS["child_protection"] if j.name == "child protection plan")
    assert worker.team is not None
    demo = _plan_family(rng, c, worker.team, plan, True, size=3, forced=worker)

    for team in teams:
        made = len(demo.children) if team is demo.team else 0
        target = round(c.size.open_children * open_weight[team] / open_total)
        while made < target:
            family = _plan_family(rng, c, team, _weighted(rng, JOURNEYS[team.kind]), True)
            made += len(family.children)
        closing = tuple((w, j) for w, j in JOURNEYS[team.kind] if j.can_close)
        made = 0
        target = round(c.size.closed_children * closed_weight[team] / closed_total)
        while made < target:
            family = _plan_family(rng, c, team, _weighted(rng, closing), False)
            made += len(family.children)

    children = c.children
    numbers = rng.sample(range(1000000, 10000000), len(children))
    for child, number in zip(children, numbers, strict=True):
        child.case_id = str(number)


def _plan_family(
    rng: random.Random,
    c: Council,
    team: PlannedTeam,
    journey: Journey,
    is_open: bool,
    size: int | None = None,
    forced: PlannedStaff | None = None,
) -> Family:
    end = c.as_of if is_open else c.start + DAY * rng.randint(0, (c.as_of - c.start).days - 1)
    # Lay the steps out backwards from the end: the last one is going on now, or ended at closure.
    spans: list[tuple[Step, dt.date, dt.date]] = []
    cursor = end
    for step in reversed(journey.steps):
        begin = cursor - DAY * (rng.randint(*step.days) - 1)
        spans.append((step, begin, cursor))
        cursor = begin - DAY
    spans.reverse()
    family = Family(rng.choice(names.FAMILY_NAMES), team, spans[0][1], None if is_open else end)
    _plan_children(rng, family, journey, spans, end, size)

    current: dict[str, list[Any]] = {}
    for step, begin, stop in spans:
        for status in step.statuses:
            row = current.get(status)
            if row is not None and row[2] == begin - DAY:
                row[2] = stop
            else:
                row = [status, begin, stop]
                family.statuses.append(row)
                current[status] = row
    if is_open:
        for row in family.statuses:
            if row[2] == end:
                row[2] = None

    phases: list[list[Any]] = []  # [kind, start, end]: a change of team is a transfer
    for step, begin, stop in spans:
        if phases and phases[-1][0] == step.kind:
            phases[-1][2] = stop
        else:
            phases.append([step.kind, begin, stop])
    _plan_events(rng, c, family, phases)

    for i, (kind, begin, stop) in enumerate(phases):
        last = i == len(phases) - 1
        holder = team if last else rng.choice(_teams_of(c, kind, team.locality))
        start = begin
        if i == 0:  # a new referral waits a few days for a worker
            waits = (rng.randint(1, 3), rng.randint(4, 12))
            start += DAY * _weighted(rng, ((4, 0), (4, waits[0]), (2, waits[1])))
        until = None if last and is_open else stop
        _allocate(rng, c, family, holder, start, until, forced if last else None)
    if is_open and forced is None and family.allocations and rng.random() < 0.015:
        # The worker went off sick or left in a hurry: the case waits for a new one.
        latest = family.allocations[-1]
        held = (c.as_of - latest.start).days
        if latest.end is None and held > 3:
            latest.end = c.as_of - DAY * rng.randint(1, min(45, held))
    c.families.append(family)
    return family


def _teams_of(c: Council, kind: str, locality: int) -> list[PlannedTeam]:
    nearby = [t for t in c.teams if t.kind == kind and t.locality == locality]
    return nearby or [t for t in c.teams if t.kind == kind]


def _plan_children(
    rng: random.Random,
    family: Family,
    journey: Journey,
    spans: list[tuple[Step, dt.date, dt.date]],
    end: dt.date,
    size: int | None,
) -> None:
    if size is None:
        size = _weighted(rng, ((62, 1), (23, 2), (10, 3), (5, 4))) if journey.siblings else 1
    if journey.leaves_care_at is not None:
        births = [spans[-1][1] - _years(rng.uniform(*journey.leaves_care_at))]
    else:
        # Born before the case opened, and not yet 18 at its end.
        span = (end - family.open_date).days / 365.25
        low = max(journey.age[0], span + 0.05)
        high = min(max(low, journey.age[1] + 0.9), 17.9)
        ages = [rng.uniform(min(high, low + 3.5 * (size - 1)), high)]
        for _ in range(size - 1):
            age = ages[-1] - rng.uniform(1.0, 3.5)
            if age < low:
                break
            ages.append(age)
        births = [end - _years(age) for age in ages]
    used: list[str] = []
    for i, born in enumerate(births):
        first = rng.choice(names.CHILD_FIRST_NAMES)
        while first in used:
            first = rng.choice(names.CHILD_FIRST_NAMES)
        used.append(first)
        # Half-brothers and sisters often carry another parent's name.
        surname = family.surname if i == 0 or rng.random() < 0.8 else rng.choice(names.FAMILY_NAMES)
        family.children.append(Child(f"{first} {surname}", born))


def _friday_before(day: dt.date) -> dt.date:
    return day - DAY * {5: 1, 6: 2}.get(day.weekday(), 0)


def _plan_events(rng: random.Random, c: Council, family: Family, phases: list[list[Any]]) -> None:
    events: list[tuple[str, dt.date]] = [("transfer", begin) for _, begin, _ in phases[1:]]
    for status, start, stop in family.statuses:
        until = stop or c.as_of
        if status == "child_protection":
            events.append(("child_protection", start))
            if (until - start).days > 120 and rng.random() < 0.12:
                meeting = _friday_before(start + DAY * rng.randint(90, (until - start).days))
                events.append(("legal_planning", meeting))
        elif status == "care_proceedings":
            meeting = _friday_before(start - DAY * rng.randint(14, 70))
            events.append(("legal_planning", max(family.open_date, meeting)))
    if family.close_date is not None:
        events.append(("closure", family.close_date))
    for event in events:
        if event not in family.events:
            family.events.append(event)


def _pick_worker(rng: random.Random, team: PlannedTeam, day: dt.date) -> PlannedStaff | None:
    choices: list[tuple[float, PlannedStaff]] = []
    for person in team.case_holders:
        if not person.active_on(day):
            continue
        weight = 1.0
        if person.end is not None and (person.end - day).days < 30:
            weight = 0.05  # working their notice
        elif person.asye_start is not None and (day - person.asye_start).days < 365:
            weight = 0.5  # a newly qualified worker's protected caseload
        choices.append((weight, person))
    if not choices:
        return None
    # Of two colleagues, the one with fewer cases today: caseloads stay roughly even, not equal.
    pair = rng.choices([p for _, p in choices], weights=[w for w, _ in choices], k=2)
    return min(pair, key=lambda person: _caseload(person, day))


def _caseload(person: PlannedStaff, day: dt.date) -> int:
    return sum(1 for a in person.allocations if a.start <= day and (a.end is None or a.end >= day))


def _allocate(
    rng: random.Random,
    c: Council,
    family: Family,
    team: PlannedTeam,
    begin: dt.date,
    end: dt.date | None,
    forced: PlannedStaff | None,
) -> None:
    """Allocate the family to workers in `team` from `begin` to `end` (None: still open)."""
    limit = end if end is not None else c.as_of
    day = begin
    while day <= limit:
        worker = forced or _pick_worker(rng, team, day)
        if worker is None:
            day += DAY * 7  # nobody in post: the case waits
            continue
        stop, reason = end, "phase"
        if worker.end is not None and (stop is None or worker.end < stop):
            stop, reason = worker.end, "left"
        if forced is None and rng.random() < 0.2:
            swap = day + DAY * rng.randint(60, 900)
            if swap < c.as_of and (stop is None or swap < stop):
                stop, reason = swap, "caseloads rebalanced"
        allocation = FamilyAllocation(family, worker, day, stop)
        family.allocations.append(allocation)
        worker.allocations.append(allocation)
        if stop is None or reason == "phase":
            return
        day = stop + DAY
        if reason == "left" and rng.random() < 0.4:
            day += DAY * rng.randint(1, 30)


# --- supervision sessions

ORDER = {
    "case_discussion": 0,
    "individual": 1,
    "management_oversight": 2,
    "practice_observation": 3,
    "group": 4,
    "conference_chair": 5,
}
DURATIONS = {
    "case_discussion": (15, 20, 30, 30, 45),
    "management_oversight": (10, 15, 15, 20, 30),
    "group": (90, 90, 120),
    "practice_observation": (60, 90, 90, 120),
    "conference_chair": (30, 45, 60),
}

Plan = tuple[dt.date, int, int, str, tuple[Any, ...]]


def _plan_sessions(rng: random.Random, c: Council) -> None:
    plans: list[Plan] = []
    counter = itertools.count()

    def plan(day: dt.date, kind: str, *args: Any) -> None:
        plans.append((day, ORDER[kind], next(counter), kind, args))

    for person in c.staff:
        lapsed = not person.post.protected and rng.random() < 0.06
        dates = _supervision_dates(rng, c, person, lapsed)
        for day in dates:
            plan(day, "individual", person)
        if person.category == "case_holder":
            for before, after in itertools.pairwise(dates):
                if (after - before).days >= 18 and rng.random() < 0.75:
                    plan(_weekday(before + (after - before) / 2), "management_oversight", person)
            _plan_observations(rng, c, person, plan)

    for team in c.teams:
        month = dt.date(c.start.year, c.start.month, 1)
        while month <= c.as_of:
            if rng.random() < 0.86:
                day = _weekday(month + DAY * rng.randint(7, 21))
                if c.start <= day <= c.as_of:
                    plan(day, "group", team)
            month = add_months(month, 1)

    _plan_case_discussions(rng, c, plan)
    _plan_chair_reviews(rng, c, plan)

    for day, _, _, kind, args in sorted(plans, key=lambda p: p[:3]):
        if kind == "group":
            team = args[0]
            leader = team.manager_post.occupant_on(day) or manager_on(team.manager_post, day)
            if leader is not None:
                _add_session(rng, c, kind, day, leader, None, team, [])
            continue
        person = args[0]
        supervisor = manager_on(person.post, day)
        if supervisor is None and person.post.parents:
            continue
        if kind == "individual":
            holds_cases = person.category == "case_holder"
            families = _cases_to_discuss(rng, person, day) if holds_cases else []
        elif kind == "management_oversight":
            families = _cases_to_oversee(rng, person, day)
            if not families:
                continue
        elif kind == "practice_observation":
            holding = _families_held(person, day)
            families = [rng.choice(holding)] if holding else []
        else:
            families = args[1]
        if kind in ("individual", "case_discussion"):
            for family in families:
                family.last_discussed = day
        _add_session(rng, c, kind, day, supervisor, person, None, families)

    for number, session in enumerate(c.sessions, start=1):
        session.session_id = f"S{number:07d}"
    _plan_joint_supervision(c)


def _plan_joint_supervision(c: Council) -> None:
    """A few case discussions held jointly with a colleague working with the same family (B 3:
    "where one or more members of staff are jointly working with a family, joint supervision may
    be beneficial"; B 3.1.10): about one in sixty of the last year's, and the demo worker's
    latest, each with another case holder in the team under the same supervisor that day.

    A random stream of its own, so the rest of the council is as it was without them."""
    rng = random.Random(f"joint supervision {c.seed}")
    since = c.as_of - DAY * 365
    discussions = [
        s
        for s in c.sessions
        if s.type == "case_discussion"
        and s.date >= since
        and s.supervisee is not None
        and s.supervisor is not None
    ]
    demo_worker = c.demo_posts["worker"].occupant_on(c.as_of)
    theirs = [s for s in discussions if s.supervisee is demo_worker]
    latest = max(theirs, key=lambda s: s.date) if theirs else None
    for session in discussions:
        if session is not latest and rng.random() >= 1 / 60:
            continue
        assert session.supervisee is not None
        team = session.supervisee.team
        if team is None:
            continue
        others = [
            p
            for p in team.case_holders
            if p is not session.supervisee
            and p.active_on(session.date)
            and manager_on(p.post, session.date) is session.supervisor
        ]
        if others:
            session.joint.append(rng.choice(others))


def _supervision_dates(
    rng: random.Random, c: Council, person: PlannedStaff, lapsed: bool
) -> list[dt.date]:
    settle = rng.randint(0, 4) if person.asye_start else rng.randint(2, 12)
    first = max(person.start + DAY * settle, c.start + DAY * rng.randint(0, 24))
    last = min(person.end or c.as_of, c.as_of)
    if lapsed:  # supervision stopped a while ago: the overdue list has someone on it
        last = min(last, c.as_of - DAY * rng.randint(35, 100))
    dates = []
    day = _weekday(first)
    while day <= last:
        dates.append(day)
        day = _weekday(day + DAY * _interval(rng, person, day))
    return dates


def _interval(rng: random.Random, person: PlannedStaff, day: dt.date) -> int:
    newly_qualified = person.asye_start
    if newly_qualified is not None:
        if day < newly_qualified + DAY * 42:
            return rng.randint(6, 8)
        if day < add_months(newly_qualified, 6):
            return rng.randint(12, 16)
    if person.category == "support_staff":
        return rng.randint(60, 86)
    missed = rng.random() < 0.05  # a cancelled session nobody rebooked
    if person.category == "non_case_holder":
        return rng.randint(70, 100) if missed else rng.randint(38, 56)
    return rng.randint(40, 75) if missed else rng.randint(20, 30)


def _plan_observations(rng: random.Random, c: Council, person: PlannedStaff, plan: Any) -> None:
    """Two practice observations a year (B 3.1.9), in each half of the year from April, mostly."""
    year = c.start.year - 1
    while dt.date(year, 4, 1) <= c.as_of:
        halves = (
            (dt.date(year, 4, 1), dt.date(year, 9, 30)),
            (dt.date(year, 10, 1), dt.date(year + 1, 3, 31)),
        )
        for first, last in halves:
            low = max(first, c.start, person.start + DAY * 30)
            high = min(last, c.as_of, person.end or c.as_of)
            if low <= high and rng.random() < 0.82:
                day = _weekday(_between(rng, low, high))
                if day <= high:
                    plan(day, "practice_observation", person)
        year += 1


def _plan_case_discussions(rng: random.Random, c: Council, plan: Any) -> None:
    """A discussion soon after each allocation, and before or around the big decisions.

    These go back before the history's start too, for the cases held then: otherwise every case
    allocated before it would show its initial discussion as late.
    """
    discussions: dict[tuple[int, dt.date], tuple[PlannedStaff, list[Family]]] = {}

    def discuss(worker: PlannedStaff, day: dt.date, family: Family) -> None:
        entry = discussions.setdefault((worker.index, day), (worker, []))
        if family not in entry[1]:
            entry[1].append(family)

    timing = {"legal_planning": (0.85, 12), "child_protection": (0.6, 5), "closure": (0.55, 10)}
    for family in c.families:
        for allocation in family.allocations:
            if rng.random() > 0.9:
                continue
            delay = rng.randint(0, 4) if rng.random() < 0.9 else rng.randint(5, 14)
            day = _weekday(allocation.start + DAY * delay)
            if day <= c.as_of and (allocation.end is None or day <= allocation.end):
                discuss(allocation.worker, day, family)
        for event, when in family.events:
            chance, before = timing.get(event, (0.0, 0))
            if rng.random() >= chance:
                continue
            day = _friday_before(when - DAY * rng.randint(0, before))
            worker = family.worker_on(day)
            if day <= c.as_of and worker is not None:
                discuss(worker, day, family)
    for (_, day), (worker, families) in discussions.items():
        plan(day, "case_discussion", worker, families)


def _plan_chair_reviews(rng: random.Random, c: Council, plan: Any) -> None:
    """The conference chair's dedicated supervision at 8 months of a plan (B 4)."""
    reviews: dict[tuple[int, dt.date], tuple[PlannedStaff, list[Family]]] = {}
    for family in c.families:
        for status, start, stop in family.statuses:
            due_from = add_months(start, 7)
            if status != "child_protection" or not c.start <= due_from <= c.as_of:
                continue
            if stop is not None and stop < due_from:
                continue
            roll = rng.random()
            if roll < 0.08:
                continue  # never arranged
            if roll < 0.9:
                day = _between(rng, due_from, add_months(start, 8) - DAY * 3)
            else:
                day = add_months(start, 8) + DAY * rng.randint(1, 25)
            day = _weekday(day)
            if day > c.as_of or (stop is not None and day > stop):
                continue
            unit = c.units[family.team.locality]
            chairs = [
                s
                for p in unit.posts
                if p.category == "conference_chair"
                for s in p.occupants
                if s.active_on(day)
            ]
            if chairs:
                chair = rng.choice(chairs)
                reviews.setdefault((chair.index, day), (chair, []))[1].append(family)
    for (_, day), (chair, families) in reviews.items():
        plan(day, "conference_chair", chair, families)


def _families_held(person: PlannedStaff, day: dt.date) -> list[Family]:
    return [
        a.family for a in person.allocations if a.start <= day and (a.end is None or a.end >= day)
    ]


def _cases_to_discuss(rng: random.Random, person: PlannedStaff, day: dt.date) -> list[Family]:
    """Mostly the cases that would fall due before the next session, as a careful manager does."""
    picked: list[tuple[dt.date, Family]] = []
    for family in _families_held(person, day):
        due = (family.last_discussed or family.open_date) + DAY * family.period_on(day)
        if due <= day + DAY * 31:
            if rng.random() < 0.93:
                picked.append((due, family))
        elif rng.random() < 0.35:
            picked.append((due, family))
    picked.sort(key=lambda p: p[0])
    return [family for _, family in picked[:12]]


def _cases_to_oversee(rng: random.Random, person: PlannedStaff, day: dt.date) -> list[Family]:
    waiting = [
        f
        for f in _families_held(person, day)
        if max(f.last_discussed or f.open_date, f.last_overseen or f.open_date) < day - DAY * 14
    ]
    chosen = [f for f in waiting if rng.random() < 0.85][:15]
    for family in chosen:
        family.last_overseen = day
    return chosen


def _add_session(
    rng: random.Random,
    c: Council,
    kind: str,
    day: dt.date,
    supervisor: PlannedStaff | None,
    supervisee: PlannedStaff | None,
    team: PlannedTeam | None,
    families: list[Family],
) -> None:
    if rng.random() < 0.03:
        duration = None
    elif kind == "individual":
        support = supervisee is not None and supervisee.category == "support_staff"
        duration = rng.choice((30, 45, 45, 60) if support else (60, 75, 90, 90, 90, 105, 120))
    else:
        duration = rng.choice(DURATIONS[kind])
    # Most records are written up the same day or soon after; recent ones are often still pending.
    recent = (c.as_of - day).days < 30
    recorded: dt.date | None = None
    if rng.random() >= (0.15 if recent else 0.04):
        roll = rng.random()
        lag = 0 if roll < 0.55 else rng.randint(1, 3) if roll < 0.83 else rng.randint(4, 10)
        if day + DAY * lag <= c.as_of:
            recorded = day + DAY * lag
    c.sessions.append(
        PlannedSession(kind, day, supervisor, supervisee, team, duration, recorded, list(families))
    )


# --- supervision agreements


def _plan_agreements(rng: random.Random, c: Council) -> None:
    seen: set[tuple[int, int, dt.date]] = set()
    for row in c.line_management:
        person = row.staff
        stop = min(row.end or c.as_of, c.as_of)
        if not person.post.protected and rng.random() < 0.12:
            continue  # never signed
        delay = rng.randint(0, 20) if rng.random() < 0.8 else rng.randint(21, 75)
        signed = _weekday(row.start + DAY * delay)
        while signed <= stop:
            key = (person.index, row.manager.index, signed)
            if key not in seen:
                seen.add(key)
                frequency = _agreed_frequency(rng, person, signed)
                c.agreements.append(PlannedAgreement(person, row.manager, signed, frequency))
            signed = _next_review(rng, c, person, signed)


def _agreed_frequency(rng: random.Random, person: PlannedStaff, signed: dt.date) -> str:
    newly_qualified = person.asye_start
    if newly_qualified is not None and signed < newly_qualified + DAY * 42:
        return "7d" if rng.random() < 0.7 else "14d"
    if newly_qualified is not None and signed < add_months(newly_qualified, 6):
        return "14d"
    roll = rng.random()
    if roll < 0.04:
        return "14d"
    if roll < 0.2:
        return "1m"
    if roll < 0.3:
        return "28d"
    return ""


def _next_review(rng: random.Random, c: Council, person: PlannedStaff, signed: dt.date) -> dt.date:
    newly_qualified = person.asye_start
    if newly_qualified is not None and signed < newly_qualified + DAY * 42:
        return _weekday(newly_qualified + DAY * rng.randint(42, 50))
    if newly_qualified is not None and signed < add_months(newly_qualified, 6):
        return _weekday(add_months(newly_qualified, 6) + DAY * rng.randint(0, 14))
    # Reviewed about every six months (N 6.1), often later; older history is not held.
    days = rng.randint(170, 200) if rng.random() < 0.5 else rng.randint(200, 420)
    following = signed + DAY * days
    return _weekday(max(following, c.start - DAY * rng.randint(0, 180)))


# --- demo accounts

DEMO_ACCOUNTS: tuple[tuple[str, str], ...] = (
    ("worker", "Social worker"),
    ("worker-b", "Social worker in another team"),
    ("manager", "Team manager, worker's line manager"),
    ("head", "Head of service, manager's line manager"),
    ("director", "Director of Children's Services"),
    ("assistant-director", "Assistant Director, head of service's line manager"),
    ("chair", "Conference chair"),
    ("chair-manager", "Conference and review team manager, chair's line manager"),
    ("support", "Business support"),
    ("hr", "HR adviser"),
    ("auditor", "Quality assurance auditor"),
    ("admin", "System administrator"),
)
LEADERSHIP_ACCOUNTS = frozenset({"director", "assistant-director"})
ACCOUNT_GROUPS = {
    "support": ("Business support",),
    "hr": ("HR",),
    "auditor": ("Quality assurance",),
}


def _plan_accounts(rng: random.Random, c: Council) -> None:
    def holder(key: str) -> PlannedStaff:
        person = c.demo_posts[key].occupant_on(c.as_of)
        assert person is not None, key
        return person

    worker = holder("worker")
    manager = manager_on(worker.post, c.as_of)
    assert manager is holder("manager")
    head = manager_on(manager.post, c.as_of)
    assert head is holder("head")
    people = {
        "worker": worker,
        "worker-b": holder("worker-b"),
        "manager": manager,
        "head": head,
        "chair": holder("chair"),
        # Whoever gives the chairs their dedicated supervision (B 4), so a demo user can record it.
        "chair-manager": manager_on(holder("chair").post, c.as_of),
        "support": holder("support"),
    }
    if c.size.leadership_accounts:
        assistant = manager_on(head.post, c.as_of)
        assert assistant is not None
        director = manager_on(assistant.post, c.as_of)
        assert director is not None
        assert director.post.parent_on(c.as_of) is None, "the director has no line manager"
        people["assistant-director"], people["director"] = assistant, director
    for username, role in DEMO_ACCOUNTS:
        if username in LEADERSHIP_ACCOUNTS and not c.size.leadership_accounts:
            continue
        person = people.get(username)
        if person is not None:
            first, last = person.first_name, person.last_name
        else:
            first, last = rng.choice(names.ADULT_FIRST_NAMES), rng.choice(names.FAMILY_NAMES)
        c.accounts.append(
            Account(
                username,
                role,
                person,
                first,
                last,
                ACCOUNT_GROUPS.get(username, ()),
                administrator=username == "admin",
            )
        )


# --- putting it together


def plan_council(seed: int, size: str, as_of: dt.date) -> Council:
    """The whole council in memory; nothing touches the database."""
    rng = random.Random(seed)
    spec = SIZES[size]
    c = Council(seed, spec, as_of, add_months(as_of, -12 * spec.years))
    _plan_structure(rng, c)
    _plan_people(rng, c)
    _plan_line_management(c)
    _plan_cases(rng, c)
    _plan_sessions(rng, c)
    _plan_agreements(rng, c)
    _plan_accounts(rng, c)
    return c


def generate(seed: int = 1, size: str = "small", as_of: dt.date | None = None) -> dict[str, int]:
    """Plan the council and write it, all in one transaction; returns what was made."""
    if as_of is None:
        raise ValueError("as_of is required: the demo never reads today's date itself")
    council = plan_council(seed, size, as_of)
    with transaction.atomic():
        _save(council)
        # The quality demo reads what was just written: without fresh statistics PostgreSQL
        # plans its queries from whatever the tables held before (in the test suite, a few
        # rows), and one nested loop over every session took ten minutes.
        refresh_planner_statistics()
        add_quality_demo(seed, as_of)
        book_the_year_ahead(seed, as_of)
        add_appraisals(seed, as_of)
    # Loaded in bulk, without the signals that mark stale obligations: recompute them all.
    invalidate_obligations()
    refresh_planner_statistics()
    children = council.children
    return {
        "services": len(council.services),
        "teams": len(council.teams),
        "staff": len(council.staff),
        "children": len(children),
        "open cases": sum(len(f.children) for f in council.families if f.close_date is None),
        "sessions": len(council.sessions),
        "agreements": len(council.agreements),
    }


def _save(c: Council) -> None:
    services = Service.objects.bulk_create(
        [Service(name=s.name) for s in c.services], batch_size=BATCH
    )
    teams = Team.objects.bulk_create(
        [Team(name=t.name, service_id=services[t.service.index].pk) for t in c.teams],
        batch_size=BATCH,
    )
    staff = Staff.objects.bulk_create(
        [
            Staff(
                staff_id=s.staff_id,
                name=s.name,
                email=s.email,
                category=s.category,
                team_id=teams[s.team.index].pk if s.team else None,
                start_date=s.start,
                end_date=s.end,
                asye_start=s.asye_start,
                swe_number=s.swe_number,
            )
            for s in c.staff
        ],
        batch_size=BATCH,
    )
    staff_pk = [s.pk for s in staff]
    # Each person has been in their team since they started (the demo has nobody who moved).
    TeamMembership.objects.bulk_create(
        [
            TeamMembership(staff_id=saved.pk, team_id=saved.team_id, start_date=saved.start_date)
            for saved in staff
            if saved.team_id is not None
        ],
        batch_size=BATCH,
    )
    LineManagement.objects.bulk_create(
        [
            LineManagement(
                staff_id=staff_pk[r.staff.index],
                manager_id=staff_pk[r.manager.index],
                start_date=r.start,
                end_date=r.end,
            )
            for r in c.line_management
        ],
        batch_size=BATCH,
    )

    siblings = [f for f in c.families if len(f.children) > 1]
    groups = SiblingGroup.objects.bulk_create(
        [SiblingGroup(name=f"{f.surname} family") for f in siblings], batch_size=BATCH
    )
    group_pk = {f: g.pk for f, g in zip(siblings, groups, strict=True)}
    cases = Case.objects.bulk_create(
        [
            Case(
                case_id=child.case_id,
                display_name=child.name,
                date_of_birth=child.date_of_birth,
                open_date=f.open_date,
                close_date=f.close_date,
                sibling_group_id=group_pk.get(f),
            )
            for f in c.families
            for child in f.children
        ],
        batch_size=BATCH,
    )
    case_pks: dict[Family, list[int]] = {}
    numbered = iter(cases)
    for f in c.families:
        case_pks[f] = [next(numbered).pk for _ in f.children]

    Allocation.objects.bulk_create(
        [
            Allocation(
                case_id=pk, worker_id=staff_pk[a.worker.index], start_date=a.start, end_date=a.end
            )
            for f in c.families
            for a in f.allocations
            for pk in case_pks[f]
        ],
        batch_size=BATCH,
    )
    CaseStatus.objects.bulk_create(
        [
            CaseStatus(case_id=pk, status=status, start_date=start, end_date=end)
            for f in c.families
            for status, start, end in f.statuses
            for pk in case_pks[f]
        ],
        batch_size=BATCH,
    )
    CaseEvent.objects.bulk_create(
        [
            CaseEvent(case_id=pk, event=event, date=day)
            for f in c.families
            for event, day in f.events
            for pk in case_pks[f]
        ],
        batch_size=BATCH,
    )

    sessions = Session.objects.bulk_create(
        [
            Session(
                session_id=s.session_id,
                type=s.type,
                date=s.date,
                supervisor_id=staff_pk[s.supervisor.index] if s.supervisor else None,
                supervisee_id=staff_pk[s.supervisee.index] if s.supervisee else None,
                team_id=teams[s.team.index].pk if s.team else None,
                duration_minutes=s.duration_minutes,
                recorded_date=s.recorded_date,
            )
            for s in c.sessions
        ],
        batch_size=BATCH,
    )
    SessionCase.objects.bulk_create(
        [
            SessionCase(session_id=saved.pk, case_id=pk)
            for planned, saved in zip(c.sessions, sessions, strict=True)
            for f in planned.families
            for pk in case_pks[f]
        ],
        batch_size=BATCH,
    )
    JointSupervisee.objects.bulk_create(
        [
            JointSupervisee(session_id=saved.pk, staff_id=staff_pk[person.index])
            for planned, saved in zip(c.sessions, sessions, strict=True)
            for person in planned.joint
        ],
        batch_size=BATCH,
    )
    Agreement.objects.bulk_create(
        [
            Agreement(
                staff_id=staff_pk[a.staff.index],
                supervisor_id=staff_pk[a.supervisor.index],
                signed_date=a.signed_date,
                frequency=a.frequency,
            )
            for a in c.agreements
        ],
        batch_size=BATCH,
    )
    _save_accounts(c, staff_pk)


def _save_accounts(c: Council, staff_pk: list[int]) -> None:
    user_model = get_user_model()
    groups = {
        name: Group.objects.get_or_create(name=name)[0]
        for names_ in ACCOUNT_GROUPS.values()
        for name in names_
    }
    # One hash for every account: they share the password, and hashing is deliberately slow.
    password = make_password(PASSWORD)
    for account in c.accounts:
        person = account.staff
        local = f"{_email_part(account.first_name)}.{_email_part(account.last_name)}"
        email = person.email if person else f"{local}@{EMAIL_DOMAIN}"
        user = user_model.objects.create(
            username=account.username,
            first_name=account.first_name,
            last_name=account.last_name,
            email=email,
            password=password,
            # Business support correct organisation data in the admin, so they need to reach it.
            is_staff=account.administrator or "Business support" in account.groups,
            is_superuser=account.administrator,
        )
        user.groups.set([groups[name] for name in account.groups])
        if person is not None:
            Staff.objects.filter(pk=staff_pk[person.index]).update(user=user)


# --- for the command: is the database empty, and who can sign in


def what_the_database_holds() -> str | None:
    """What stops the demo loading here (it never mixes with another council), or None."""
    if Staff.objects.exists():
        return "staff"
    if Team.objects.exists() or Service.objects.exists():
        return "teams"
    if Case.objects.exists():
        return "children's cases"
    if Session.objects.exists():
        return "supervision sessions"
    usernames = [username for username, _ in DEMO_ACCOUNTS]
    if get_user_model().objects.filter(username__in=usernames).exists():
        return "user accounts with the demo's usernames"
    return None


@dataclass(frozen=True)
class SignIn:
    username: str
    name: str
    role: str
    where: str


def sign_in_details() -> list[SignIn]:
    """The demo accounts this database holds, described from the database itself."""
    user_model = get_user_model()
    found = []
    for username, role in DEMO_ACCOUNTS:
        user = user_model.objects.filter(username=username).first()
        if user is None:
            continue
        person = Staff.objects.filter(user=user).select_related("team").first()
        where = ""
        if person is not None and person.team is not None:
            where = person.team.name
        elif person is not None:
            # A head of service sits above teams: name the service of the teams they manage.
            managed = (
                Team.objects.filter(
                    staff__line_management__manager=person,
                    staff__line_management__end_date__isnull=True,
                    service__isnull=False,
                )
                .select_related("service")
                .first()
            )
            where = managed.service.name if managed and managed.service else ""
        found.append(SignIn(username, user.get_full_name() or username, role, where))
    return found
