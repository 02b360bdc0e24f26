from __future__ import annotations

import io
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from oversight.commands import (
    add_policy_and_date_arguments,
    as_of_date,
    policy_named,
    require_migrated_database,
)
from oversight.engine.indicators import SCOPE_TYPES, write_csv, write_table
from oversight.engine.working_days import CalendarRangeError
from oversight.facts.indicators import council_indicators

# Ten years of month ends: each is a full run of the engine.
MOST_MONTHS = 120


def months_count(text: str) -> int:
    try:
        months = int(text)
    except ValueError:
        months = 0
    if not 1 <= months <= MOST_MONTHS:
        raise CommandError(
            f"--months '{text}' is not a number of months: "
            f"write a whole number from 1 to {MOST_MONTHS}",
            returncode=2,
        )
    return months


class Command(BaseCommand):
    help = (
        "Compliance indicators on a date (INDICATORS.md): for each team, service and the "
        "organisation, how many obligations count, how many are in time, met late and overdue. "
        "CSV (for spreadsheets and other systems) or a table (for people)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_policy_and_date_arguments(parser)
        parser.add_argument(
            "--months",
            type=str,
            help="the figures at the end of each of the last N months, oldest first; the current "
            "month's at --as-of (default: 1, --as-of only)",
        )
        parser.add_argument(
            "--by", choices=SCOPE_TYPES, help="only this kind of scope (default: all three)"
        )
        parser.add_argument("--format", choices=["csv", "table"], default="csv")

    def handle(self, *args: Any, **options: Any) -> None:
        require_migrated_database()
        as_of = as_of_date(options["as_of"]) if options["as_of"] else timezone.localdate()
        months = months_count(options["months"]) if options["months"] is not None else 1
        policy = policy_named(options["policy"])

        try:
            found = council_indicators(
                policy,
                as_of,
                months=months,
                scope_types=(options["by"],) if options["by"] else SCOPE_TYPES,
            )
        except CalendarRangeError as error:
            raise CommandError(str(error), returncode=2) from None
        writer = write_csv if options["format"] == "csv" else write_table
        text = io.StringIO()
        writer(found, text)
        self.stdout.write(text.getvalue(), ending="")
