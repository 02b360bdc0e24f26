"""Arguments the `oversight` commands share, with the same clear message for the same mistake."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import CommandError


def as_of_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"--as-of '{text}' is not a date: write it as YYYY-MM-DD", returncode=2
        ) from None
