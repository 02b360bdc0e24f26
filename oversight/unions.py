"""Rows found by any of several queries, asked as one: `pk IN (... UNION ALL ...)`.

PostgreSQL answers each part from its own index. The same conditions OR-ed together on one table
hide those indexes, and it reads every row instead (a manager's records list walked the council's
117,000 sessions).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet


def pk_in_any(parts: Iterable[QuerySet[Any, Any]]) -> Q:
    """`pk IN` the union of `parts`, each a query of one column of primary keys (`values("pk")`,
    or a foreign key's `values(...)`)."""
    first, *rest = [part.order_by() for part in parts]
    return Q(pk__in=first.union(*rest, all=True) if rest else first)
