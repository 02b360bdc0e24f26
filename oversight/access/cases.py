"""Children's cases: the child's page opens for whoever may see the child on the day (the
allocated worker, the managers above them, a deputy for those managers, and QA); the rule itself
is `can_view_case`, shared with the records that discuss a child."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.shortcuts import get_object_or_404

from oversight.access.predicates import can_view_case, require
from oversight.cases.models import Case

CHILD_REFUSED = (
    "You can open a child's page only while the child is allocated to you or to someone you manage."
)


def case_for_user(user: Any, case_id: str, day: dt.date | None = None) -> Case:
    """The child's case; 404 if there is none, 403 if the user may not see the child."""
    case = get_object_or_404(Case, case_id=case_id)
    require(can_view_case(user, case, day), CHILD_REFUSED)
    return case
