"""Who sees a person's coverage of the Knowledge and Skills Statements (issue 16): "visible to them
and their supervisor". The person, and the managers above them in line management on the day
(their supervisor, that supervisor's managers, and a deputy covering for one of them). Not
quality assurance or HR as such: it is a record of one person's development, between them and
their supervisors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied

from oversight.access.queries import access_for
from oversight.organisation.models import Staff

KSS_REFUSED = (
    "A person's knowledge and skills coverage is for them and the managers above them in line "
    "management. Check the staff ID, or ask their manager."
)


def can_view_kss_coverage(user: Any, staff: Staff, day: dt.date | None = None) -> bool:
    return access_for(user, day).in_line(staff)


def kss_person(user: Any, staff_id: str, day: dt.date | None = None) -> Staff:
    """The person whose coverage the user asks for; the same refusal whether they do not exist or
    are not the user's to see."""
    staff = Staff.objects.select_related("team").filter(staff_id=staff_id).first()
    if staff is None or not can_view_kss_coverage(user, staff, day):
        raise PermissionDenied(KSS_REFUSED)
    return staff
