"""The daily and weekly runs: who is told what today, from the obligations they own.

Who is in a run: the staff in post on the day with an email address. Leavers are not (their
staff record has ended), and the engine's line management on the day decides whose supervisees
and children each manager sees, so someone whose line management ended, or who moved to another
manager, is in the new manager's email and not the old one's.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from oversight.access.models import Delegation
from oversight.engine.engine import Obligation
from oversight.facts.owned import OwnedWork, owned_obligations
from oversight.formatting import long_date, urgency
from oversight.organisation.models import LineManagement, Staff
from oversight.records.models import Record
from oversight.reminders.due import SOON, Describer, Item, days_overdue, reminders_due
from oversight.reminders.models import Frequency, Kind, Message, Notice, Preference
from oversight.reminders.sending import Mention, compose, hand_to_worker
from oversight.supervision.models import Agreement, Session


@dataclass
class Outcome:
    """What a run did: messages made, by kind, and how many people had nothing new."""

    made: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    message_ids: list[int] = field(default_factory=list)

    def add(self, message: Message | None, kind: str) -> None:
        if message is not None:
            self.made[kind] += 1
            self.message_ids.append(message.pk)


def people_in_post(as_of: dt.date) -> list[Staff]:
    """Staff in post on the day: a leaver is told nothing, and owns nothing to escalate."""
    return list(Staff.objects.active_on(as_of).order_by("staff_id"))


def frequencies(people: list[Staff]) -> dict[int, str]:
    chosen = dict(Preference.objects.filter(staff__in=people).values_list("staff_id", "frequency"))
    return {person.pk: chosen.get(person.pk, Frequency.DAILY) for person in people}


def already_said(recipient: Staff, items: list[Item]) -> set[tuple[str, str]]:
    said = Notice.objects.filter(
        recipient=recipient, about__in={item.about for item in items}
    ).values_list("about", "period")
    return set(said)


def daily(as_of: dt.date) -> Outcome:
    """Email each person (who wants it daily) what newly fell due within a week or became
    overdue among what they own; nobody with nothing new gets an email."""
    outcome = Outcome()
    in_post = people_in_post(as_of)
    chosen = frequencies(in_post)
    people = [p for p in in_post if p.email and chosen[p.pk] == Frequency.DAILY]
    work = owned_obligations(in_post, as_of)
    describer = Describer(work)
    covering = covered_by(as_of)
    for person in people:
        items = reminders_due(work.of(person.staff_id), as_of, describer)
        for absent in covering.get(person.pk, []):
            items += reminders_due(work.of(absent.staff_id), as_of, describer, absent.name)
        if not items:
            continue
        said = already_said(person, items)
        new = [item for item in items if (item.about, item.period) not in said]
        # One line for one thing, even where a deputy also owns what they cover.
        new = list({(item.about, item.period): item for item in new}.values())
        if not new:
            continue
        overdue = [item for item in new if item.status == "overdue"]
        soon = [item for item in new if item.status != "overdue"]
        message = compose(
            person,
            Kind.DAILY,
            "daily",
            {"overdue": overdue, "soon": soon, "as_of": as_of},
            [Mention("daily email", as_of.isoformat())]
            + [Mention(item.about, item.period) for item in new],
        )
        outcome.add(message, Kind.DAILY)
    hand_to_worker(outcome.message_ids)
    return outcome


def week_of(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def weekly(as_of: dt.date) -> Outcome:
    """The Monday digest: for each person, what they own (their supervisees and their children,
    overdue first), records waiting for them, bookings and agreements to confirm, and, once,
    what their supervisees have let go overdue by more than OVERSIGHT_ESCALATION_DAYS."""
    outcome = Outcome()
    people = people_in_post(as_of)
    chosen = frequencies(people)
    work = owned_obligations(people, as_of)
    describer = Describer(work)
    escalations = _escalations(people, work, as_of, describer)
    covering = covered_by(as_of)
    now = timezone.now()
    for person in people:
        if not person.email:
            continue
        to_escalate = escalations.get(person.pk, [])
        if to_escalate:
            said = already_said(person, to_escalate)
            to_escalate = [e for e in to_escalate if (e.about, e.period) not in said]
        wants_reminders = chosen[person.pk] != Frequency.OFF
        if not wants_reminders and not to_escalate:
            continue
        context = {"as_of": as_of, "escalations": to_escalate, "escalation_days": _days()}
        if wants_reminders:
            context |= _digest(person, work, as_of, describer, now)
            context["covering"] = [
                describer.item(o, "", absent.name)
                for absent in covering.get(person.pk, [])
                for o in _this_week(work.of(absent.staff_id), as_of)
            ]
        if not any(context.get(part) for part in DIGEST_PARTS):
            continue
        message = compose(
            person,
            Kind.WEEKLY,
            "weekly",
            context,
            [Mention("weekly digest", week_of(as_of))]
            + [Mention(item.about, item.period) for item in to_escalate],
        )
        outcome.add(message, Kind.WEEKLY)
    hand_to_worker(outcome.message_ids)
    return outcome


DIGEST_PARTS = (
    "escalations",
    "covering",
    "people",
    "children",
    "other",
    "to_agree",
    "returned",
    "to_confirm",
    "agreements",
)


def _days() -> int:
    return int(settings.OVERSIGHT_ESCALATION_DAYS)


def _digest(
    person: Staff, work: OwnedWork, as_of: dt.date, describer: Describer, now: dt.datetime
) -> dict[str, object]:
    owned = [describer.item(o, "") for o in _this_week(work.of(person.staff_id), as_of)]
    return {
        "people": [item for item in owned if item.subject_type == "staff"],
        "children": [item for item in owned if item.subject_type == "case"],
        "other": [item for item in owned if item.subject_type not in ("staff", "case")],
        "to_agree": [
            (f"{r.get_type_display()} record from {long_date(r.date)}", _record_path(r.pk))
            for r in Record.objects.awaiting_agreement(person).order_by("date")
        ],
        "returned": [
            (f"{r.get_type_display()} record from {long_date(r.date)}", _record_path(r.pk))
            for r in Record.objects.returned_to(person).order_by("date")
        ],
        "to_confirm": [
            (f"Booking on {long_date(s.date)}", _record_path(s.pk))
            for s in Session.objects.awaiting_confirmation(person, now).order_by("date")
        ],
        "agreements": [
            (
                f"Supervision agreement for {a.staff.name}",
                reverse("agreements:detail", args=[a.pk]),
            )
            for a in Agreement.objects.unsigned()
            .not_superseded_on(as_of)
            .filter(
                Q(supervisor=person, supervisor_confirmed_at=None)
                | Q(staff=person, supervisee_confirmed_at=None)
            )
            .select_related("staff")
        ],
        "home": reverse("home"),
    }


def _this_week(obligations: list[Obligation], as_of: dt.date) -> list[Obligation]:
    """Overdue first, then what falls due within SOON."""
    return [
        o
        for o in sorted(obligations, key=urgency)
        if o.status == "overdue" or o.due_date <= as_of + SOON
    ]


def covered_by(as_of: dt.date) -> dict[int, list[Staff]]:
    """For each deputy, the managers they cover for on the day (N 11.1): while a manager is
    away, what the manager owns reaches the deputy too."""
    found: dict[int, list[Staff]] = defaultdict(list)
    for cover in Delegation.objects.active_on(as_of).select_related("from_manager"):
        if cover.from_manager.end_date is None or cover.from_manager.end_date >= as_of:
            found[cover.deputy_id].append(cover.from_manager)
    return found


def _escalations(
    people: list[Staff], work: OwnedWork, as_of: dt.date, describer: Describer
) -> dict[int, list[Item]]:
    """For each line manager, the obligations their direct reports own that are overdue by
    more than the escalation days, each to be said once (period: its due date, escalated)."""
    by_staff_id = {person.staff_id: person for person in people}
    manager_of: dict[int, tuple[int, dt.date]] = {}
    for staff_pk, manager_pk, start in LineManagement.objects.active_on(as_of).values_list(
        "staff_id", "manager_id", "start_date"
    ):
        # As the engine: the latest start wins where two overlap.
        if staff_pk not in manager_of or start > manager_of[staff_pk][1]:
            manager_of[staff_pk] = (manager_pk, start)
    found: dict[int, list[Item]] = defaultdict(list)
    for staff_id, owner in by_staff_id.items():
        manager = manager_of.get(owner.pk)
        if manager is None:
            continue
        for obligation in work.of(staff_id):
            if days_overdue(obligation, as_of) > _days():
                found[manager[0]].append(
                    describer.item(obligation, f"{obligation.due_date} escalated", owner.name)
                )
    return found


def _record_path(pk: int) -> str:
    return reverse("records:detail", args=[pk])
