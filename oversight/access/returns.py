"""Standard returns (Annex A): Business Support load the council's children and allocations.

Loading a return changes who holds which child, so only Business Support, who keep the
organisation and case data (the admin site), upload, review and apply one. A return holds
children's details: nobody else sees the uploads either.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from oversight.access.predicates import require
from oversight.access.queries import access_for


def can_import_returns(user: Any, day: dt.date | None = None) -> bool:
    return access_for(user, day).is_business_support


def require_import_returns(user: Any, day: dt.date | None = None) -> None:
    require(
        can_import_returns(user, day),
        "Only Business Support can load standard returns. Ask them to load this one.",
    )
