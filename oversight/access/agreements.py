"""Supervision agreements (N 6, B 2.1): section 2 of the supervision file, so whoever reads the
file reads them; only the two people in them prepare and confirm them, because a confirmation is
that person's own signature."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.shortcuts import get_object_or_404

from oversight.access.files import can_view_file
from oversight.access.predicates import require
from oversight.access.queries import has_left, is_line_manager, today
from oversight.access.staff import staff_of
from oversight.organisation.models import Staff
from oversight.supervision.models import OPEN_AGREEMENT_STATES, Agreement

NOT_IN_YOUR_FILES = (
    "You cannot see {}: it is in the supervision file of someone you do not supervise. If you "
    "should, ask their manager."
)
ONLY_THE_SUPERVISOR_CHANGES = (
    "Only the supervisor can change an agreement, and only before it is signed. To change a "
    "signed agreement, start a new one."
)
ONLY_THE_LINE_MANAGER_STARTS = (
    "Only {}'s line manager can start a supervision agreement with them. If their line manager "
    "has changed, record the change first."
)


def can_view_agreement(user: Any, agreement: Agreement, day: dt.date | None = None) -> bool:
    return can_view_file(user, agreement.staff, day)


def can_start_agreement(user: Any, staff: Staff, day: dt.date | None = None) -> bool:
    """Only the person's line manager on the day starts an agreement with them, and not once
    they have left. A deputy does not: the agreement is between the two people in it."""
    day = day or today()
    return not has_left(staff, day) and is_line_manager(staff_of(user), staff, day)


def can_edit_agreement(user: Any, agreement: Agreement, day: dt.date | None = None) -> bool:
    """The supervisor changes the terms, while the agreement is still being agreed."""
    return (
        agreement.role_of(user) == "supervisor" and agreement.state_on(day) in OPEN_AGREEMENT_STATES
    )


def can_confirm_agreement(user: Any, agreement: Agreement, day: dt.date | None = None) -> bool:
    """Either person in it confirms it once, while it is still being agreed."""
    role = agreement.role_of(user)
    return (
        role is not None
        and agreement.confirmed_at(role) is None
        and agreement.state_on(day) in OPEN_AGREEMENT_STATES
    )


# Fetch and authorise, for the views ------------------------------------------------------------


def agreement_for_user(user: Any, pk: int, day: dt.date | None = None) -> Agreement:
    """The agreement with its state on `day`; 404 if there is none, 403 if not the user's to see."""
    day = day or today()
    queryset = Agreement.objects.select_related("staff", "supervisor").with_state(day)
    agreement = get_object_or_404(queryset, pk=pk)
    require(can_view_agreement(user, agreement, day), NOT_IN_YOUR_FILES.format("this agreement"))
    return agreement


def agreement_to_edit(user: Any, pk: int, day: dt.date | None = None) -> Agreement:
    agreement = agreement_for_user(user, pk, day)
    require(can_edit_agreement(user, agreement, day), ONLY_THE_SUPERVISOR_CHANGES)
    return agreement


def staff_for_agreements(user: Any, staff_pk: int, day: dt.date | None = None) -> Staff:
    """The person whose agreements the user opens: 404 if nobody, 403 if not theirs to see."""
    staff = get_object_or_404(Staff, pk=staff_pk)
    require(can_view_file(user, staff, day), NOT_IN_YOUR_FILES.format("their agreements"))
    return staff


def staff_to_start_agreement_with(user: Any, staff_pk: int, day: dt.date | None = None) -> Staff:
    staff = get_object_or_404(Staff, pk=staff_pk)
    require(can_start_agreement(user, staff, day), ONLY_THE_LINE_MANAGER_STARTS.format(staff.name))
    return staff
