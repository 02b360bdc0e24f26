"""Appraisals and probation reviews (issue 16): who reads a person's appraisals and who records one.

They are part of the supervision file (section 3, N 11.3), so whoever may read the file reads them
(`access/files.can_view_file`: the person themselves, their line management chain and deputies,
HR once they have left, QA). Recording one is the supervisor's (B 5: the PDR is "led by those
immediately supervising staff") or a manager above them, never the person's own, and not once
they have left (the file has gone to HR).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from oversight.access.files import file_owner_for_user
from oversight.access.predicates import require
from oversight.access.queries import access_for, has_left
from oversight.organisation.models import Staff

APPRAISAL_REFUSED = (
    "Only the person's supervisor, or a manager above them, can record their appraisal. Ask "
    "their supervisor."
)


def can_record_appraisal(user: Any, staff: Staff, day: dt.date | None = None) -> bool:
    access = access_for(user, day)
    return (
        access.staff is not None
        and access.manages(staff)
        and not access.is_self(staff)
        and not has_left(staff, access.day)
    )


def require_record_appraisal(user: Any, staff: Staff, day: dt.date | None = None) -> None:
    require(can_record_appraisal(user, staff, day), APPRAISAL_REFUSED)


def appraisee_for_user(user: Any, staff_id: str, day: dt.date | None = None) -> Staff:
    """The person whose appraisals the user opens: someone whose supervision file they may read,
    with the file's refusal otherwise (the same whether or not the person exists)."""
    return file_owner_for_user(user, staff_id, day)
