"""Twice-yearly evidence (N 8.1): who reviews a manager's supervision evidence.

The manager's line management chain on the day: their line manager, the managers above them, and
whoever deputises for one of those. Not the manager themselves (nobody reviews their own
evidence), and not quality assurance, who audit records by sample (`access/quality.py`), not
through a manager's line.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from oversight.access.predicates import require
from oversight.access.queries import access_for, chain_below, visible_staff
from oversight.organisation.models import Staff

EVIDENCE_REFUSED = (
    "Only the manager's line manager, or a manager above them, can review a manager's "
    "supervision evidence. Ask their line manager."
)
NOBODY_MANAGED = (
    "{name} does not manage anyone today, so there is no supervision evidence to review."
)


def can_review_evidence(user: Any, manager: Staff, day: dt.date | None = None) -> bool:
    access = access_for(user, day)
    return access.staff is not None and access.manages(manager) and not access.is_self(manager)


def manages_someone(manager: Staff, day: dt.date) -> bool:
    return bool(chain_below({manager.pk}, day, max_depth=1))


def manager_to_review(user: Any, staff_id: str, day: dt.date | None = None) -> Staff:
    """The manager whose evidence the user reviews: someone below them in line management; the
    same refusal whether the person does not exist or is not theirs to review."""
    manager = visible_staff(user, day).select_related("team").filter(staff_id=staff_id).first()
    require(manager is not None and can_review_evidence(user, manager, day), EVIDENCE_REFUSED)
    assert manager is not None
    return manager
