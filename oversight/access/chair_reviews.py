"""Who may open the chair-review impact report (B 4, issue 16): the conference chairs' manager
(whoever has a conference chair below them in line management on the day), quality assurance, and
heads of service and above (whoever may open a service's dashboard).

The report's figures count every child in the council whose plan reached 8 months; the children it
lists by name are only those the user may see anyway (`visible_cases`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied

from oversight.access.dashboards import visible_services
from oversight.access.queries import access_for

REFUSED = (
    "The chair-review impact report is for the conference chairs' manager, heads of service and "
    "quality assurance. Ask one of them for a copy."
)


def can_view_chair_report(user: Any, day: dt.date | None = None) -> bool:
    access = access_for(user, day)
    if access.is_qa:
        return True
    if not access.manages_anyone:
        return False
    if access.managed_staff().filter(category="conference_chair").exists():
        return True
    return bool(visible_services(user, access.day))


def require_chair_report(user: Any, day: dt.date | None = None) -> None:
    if not can_view_chair_report(user, day):
        raise PermissionDenied(REFUSED)
