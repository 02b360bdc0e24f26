"""Twice-yearly evidence (N 8.1): a manager's line manager looks at the manager's supervision
agreements and a random sample of their records, and records that they reviewed them.

What the page shows is worked out here (the agreements with each person the manager supervises,
the records of the last six months to draw from, the draw itself with `sampling.draw`), and
`record_evidence_review` is the one domain operation that stores a review: it takes the `Actor`,
checks who is acting, and writes the review and its audit entry in one transaction. The review is
a fact the engine reads (`manager_evidence_review`, switched on in a council's policy file); the
obligations store marks the manager stale when it is saved (`obligations/stale.py`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from oversight.access.evidence import EVIDENCE_REFUSED, NOBODY_MANAGED, can_review_evidence
from oversight.access.predicates import require
from oversight.access.queries import visible_sessions
from oversight.access.staff import staff_of
from oversight.audit.actor import Actor
from oversight.engine.periods import parse_period
from oversight.organisation.models import Staff
from oversight.quality.models import EvidenceReview
from oversight.quality.sampling import SEED_LIMIT, draw
from oversight.supervision.models import Agreement, Session, SessionQuerySet
from oversight.transitions import WorkflowError

SAMPLE_SIZE = 5
# The records drawn from: those of the six months before the review ("twice yearly", N 8.1).
LOOKBACK = parse_period("6m")
LONGEST_COMMENTS = 5000


@dataclass(frozen=True)
class Supervised:
    """One person the manager supervises on the day, with their agreement with the manager that
    is in force or still being agreed (None if there is none)."""

    staff: Staff
    agreement: Agreement | None


def looked_back_from(day: dt.date) -> dt.date:
    return LOOKBACK.subtract(day) + dt.timedelta(days=1)


def supervised_with_agreements(manager: Staff, day: dt.date) -> list[Supervised]:
    people = list(manager.supervisees_on(day).select_related("team").order_by("name"))
    agreements = {
        agreement.staff_id: agreement
        for agreement in Agreement.objects.filter(supervisor=manager, staff__in=people)
        .not_superseded_on(day)
        .order_by("staff_id", "signed_date")
    }
    return [Supervised(person, agreements.get(person.pk)) for person in people]


def evidence_records(user: Any, manager: Staff, day: dt.date) -> SessionQuerySet:
    """The records the manager led in the six months up to `day` that took place, among those
    `user` may read: what a sample is drawn from."""
    return (
        Session.objects.took_place()
        .filter(pk__in=visible_sessions(user, day).values("pk"))
        .filter(supervisor=manager, date__range=(looked_back_from(day), day))
        .order_by("date", "session_id")
    )


def draw_records(user: Any, manager: Staff, day: dt.date, seed: int) -> list[Session]:
    """`SAMPLE_SIZE` of the manager's records drawn by `seed`, in the order drawn; the same seed
    draws the same records while the manager's records of the period are the same."""
    candidates = dict(evidence_records(user, manager, day).values_list("session_id", "pk"))
    drawn = draw(candidates, seed, SAMPLE_SIZE)
    found = Session.objects.select_related("supervisee", "team").in_bulk(
        [candidates[session_id] for session_id in drawn]
    )
    return [found[candidates[session_id]] for session_id in drawn]


def check_seed(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < SEED_LIMIT:
        return value
    raise WorkflowError(
        f"The sample's seed must be a whole number from 0 to {SEED_LIMIT - 1}. Open the page "
        "again to draw a new sample."
    )


def check_comments(text: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise WorkflowError(
            "Enter what you found: for example whether each person has an agreement and whether "
            "the records are timely and reflective."
        )
    if len(cleaned) > LONGEST_COMMENTS:
        raise WorkflowError(
            f"Your comments are {len(cleaned)} characters long: keep them to {LONGEST_COMMENTS}."
        )
    return cleaned


def record_evidence_review(
    actor: Actor,
    manager: Staff,
    *,
    seed: int,
    comments: str,
    today: dt.date | None = None,
) -> EvidenceReview:
    """Record that the acting line manager reviewed `manager`'s agreements and the records `seed`
    draws, on `today`. Refused, with nothing written, for anyone outside the manager's line
    management chain, for a manager who manages nobody, and for a bad seed or empty comments."""
    today = today or timezone.localdate()
    require(can_review_evidence(actor.user, manager, today), EVIDENCE_REFUSED)
    reviewer = staff_of(actor.user)
    if reviewer is None:
        raise WorkflowError(EVIDENCE_REFUSED)
    seed = check_seed(seed)
    comments = check_comments(comments)
    with transaction.atomic():
        supervised = supervised_with_agreements(manager, today)
        if not supervised:
            raise WorkflowError(NOBODY_MANAGED.format(name=manager.name))
        agreements = [row.agreement for row in supervised if row.agreement is not None]
        records = draw_records(actor.user, manager, today, seed)
        review = EvidenceReview.objects.create(
            manager=manager,
            reviewer=reviewer,
            reviewed_on=today,
            seed=seed,
            comments=comments,
        )
        review.agreements.set(agreements)
        review.records.set(records)
        actor.audit(
            "create",
            review,
            detail={
                "manager": manager.staff_id,
                "reviewed_on": today.isoformat(),
                "seed": seed,
                "agreements": [a.pk for a in agreements],
                "records": [r.session_id for r in records],
            },
        )
    return review
