"""Who may choose how often reminders come: each member of staff in post, for themselves only.

Nobody chooses for someone else (a manager cannot switch off a worker's reminders), and an
account with no staff record, or a leaver's, has no reminders to choose.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied

from oversight.access.queries import has_left
from oversight.access.staff import staff_of
from oversight.organisation.models import Staff


def reminders_chooser(user: Any, day: dt.date) -> Staff:
    """The member of staff whose reminders `user` may choose on `day`: their own, or refused."""
    staff = staff_of(user)
    if staff is None or has_left(staff, day):
        raise PermissionDenied("Only members of staff in post get reminders.")
    return staff
