"""Who a signed-in user is in the organisation: the one `staff_of`.

Kept apart from the rest of `oversight.access` (it imports nothing but the organisation) so the
models that need to know who is acting (supervision agreements, records) can use it without
importing the access rules, which import them.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist

from oversight.organisation.models import Staff


def staff_of(user: Any) -> Staff | None:
    """The member of staff signed in as `user`, or None: for nobody signed in, and for an account
    not linked to a member of staff (a superuser, HR or QA account, for example)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        staff = user.staff
    except (ObjectDoesNotExist, AttributeError):
        return None
    return staff if isinstance(staff, Staff) else None
