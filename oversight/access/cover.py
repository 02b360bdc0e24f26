"""Arranging and ending cover (N 11.1): the domain operations that write a Delegation.

Each writes the row and its audit entry in one transaction, as the people pages call them. Who may
arrange cover for whom is `oversight.access.people.can_delegate`; who may be named as the deputy is
`cover_candidates` there. The checks here are about the dates and the people, whoever asks.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from oversight.access.models import Delegation
from oversight.audit.actor import Actor
from oversight.audit.trail import changes
from oversight.formatting import long_date
from oversight.organisation.models import Staff

# Cover is for an absence (leave, sickness, a secondment), not a change of line management: past
# six months, move the people to a new supervisor instead (N 12.1).
LONGEST_COVER_DAYS = 183


def _detail(delegation: Delegation) -> dict[str, object]:
    return {
        "from_manager": delegation.from_manager.staff_id,
        "deputy": delegation.deputy.staff_id,
        "start_date": delegation.start_date,
        "end_date": delegation.end_date,
        "reason": delegation.reason,
    }


def check_cover(
    from_manager: Staff, deputy: Staff, start: dt.date, end: dt.date, today: dt.date
) -> None:
    """Raise a ValidationError (with the field it concerns as its code) if this cover cannot be
    arranged."""
    if deputy.pk == from_manager.pk:
        raise ValidationError(
            "Choose someone else to cover: not the manager who is away", code="deputy"
        )
    if start < today:
        raise ValidationError(
            f"Cover cannot start in the past: the date it starts must be today, "
            f"{long_date(today)}, or later",
            code="start_date",
        )
    if end < start:
        raise ValidationError(
            f"The last day of cover must be on or after the day it starts, {long_date(start)}",
            code="end_date",
        )
    if (end - start).days + 1 > LONGEST_COVER_DAYS:
        latest = start + dt.timedelta(days=LONGEST_COVER_DAYS - 1)
        raise ValidationError(
            f"Cover can last at most 6 months: the last day must be on or before "
            f"{long_date(latest)}. For a longer absence, move their people to a new supervisor",
            code="end_date",
        )
    if deputy.end_date is not None and deputy.end_date < end:
        raise ValidationError(
            f"{deputy.name} leaves on {long_date(deputy.end_date)}, before the cover ends. "
            "Choose someone else, or end the cover sooner",
            code="deputy",
        )
    overlapping = Delegation.objects.filter(
        from_manager=from_manager, deputy=deputy, start_date__lte=end, end_date__gte=start
    ).first()
    if overlapping is not None:
        raise ValidationError(
            f"{deputy.name} already covers for {from_manager.name} from "
            f"{long_date(overlapping.start_date)} to {long_date(overlapping.end_date)}. "
            "Choose other dates, or end that cover first",
            code="start_date",
        )


def arrange_cover(
    from_manager: Staff,
    deputy: Staff,
    start: dt.date,
    end: dt.date,
    reason: str,
    *,
    by: Actor,
) -> Delegation:
    """`deputy` acts for `from_manager` from `start` to `end` (both included); access follows
    from the row and ends by itself after `end`."""
    check_cover(from_manager, deputy, start, end, timezone.localdate())
    with transaction.atomic():
        delegation = Delegation.objects.create(
            from_manager=from_manager,
            deputy=deputy,
            start_date=start,
            end_date=end,
            reason=reason.strip(),
            created_by=by.user,
        )
        by.audit("create", delegation, detail=_detail(delegation))
    return delegation


def end_cover(delegation: Delegation, *, by: Actor) -> Delegation | None:
    """End cover early, from today: cover already running ends yesterday, so the deputy has no
    access from today; cover that has not yet begun a day before today is withdrawn (the row is
    deleted; the audit entry keeps what it was). Returns the changed row, or None if withdrawn."""
    today = timezone.localdate()
    if delegation.end_date < today:
        raise ValidationError("This cover has already ended", code="ended")
    with transaction.atomic():
        if delegation.start_date < today:
            before = delegation.end_date
            delegation.end_date = today - dt.timedelta(days=1)
            delegation.save(update_fields=["end_date"])
            by.audit(
                "change",
                delegation,
                detail={
                    **_detail(delegation),
                    **changes({"end_date": before}, {"end_date": delegation.end_date}),
                    "why": "ended early",
                },
            )
            return delegation
        by.audit("delete", delegation, detail={**_detail(delegation), "why": "withdrawn"})
        delegation.delete()
    return None
