"""Rows that hold for a period: from a start date until an end date, or open-ended until one is
set (a member of staff, a line manager, a child's case, an allocation, a status)."""

from __future__ import annotations

import datetime as dt
from typing import Self

from django.db import models
from django.db.models import Q


class DatedQuerySet[M: models.Model](models.QuerySet[M]):
    """A queryset of rows dated by `start_field` and an optional `end_field` (both inclusive)."""

    start_field = "start_date"
    end_field = "end_date"

    def active_on(self, day: dt.date) -> Self:
        return self.filter(
            Q(**{f"{self.end_field}__isnull": True}) | Q(**{f"{self.end_field}__gte": day}),
            **{f"{self.start_field}__lte": day},
        )
