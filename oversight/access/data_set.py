"""The whole data set (issue 10, part 4b): the organisation's administrators download it.

The data set (docs/data-set.md) is the organisation and case data: every member of staff, their
line management, every child's case, allocation and status, when each session took place and the
signed agreements' dates and frequencies, but no record's contents. It is what `oversight import`
loads and `oversight export` writes, so it goes to the people who keep that data: the system
administrator and Business Support, who correct it in the admin site and load returns into it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from oversight.access.predicates import require
from oversight.access.queries import access_for


def can_export_data_set(user: Any, day: dt.date | None = None) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser) or access_for(user, day).is_business_support


def require_export_data_set(user: Any, day: dt.date | None = None) -> None:
    require(
        can_export_data_set(user, day),
        "Only the system administrator and Business Support can download the whole data set.",
    )
