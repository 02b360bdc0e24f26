"""`oversight summarise`: fill the summary table the dashboards read, or check it."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from oversight.commands import (
    add_policy_and_date_arguments,
    as_of_date,
    policy_named,
    require_migrated_database,
)
from oversight.dashboards.summaries import TREND_MONTHS, differences, summarise
from oversight.engine.working_days import CalendarRangeError
from oversight.facts.management.commands.indicators import months_count


class Command(BaseCommand):
    help = (
        "Compute the compliance indicators (as `oversight indicators` does) on a date and at the "
        "end of each of the 11 months before it, and store them for the dashboards. Run it after "
        "an import and every night. With --check, recompute and compare with what is stored."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_policy_and_date_arguments(parser)
        parser.add_argument(
            "--months",
            type=str,
            help=f"how many month ends, the current month's at --as-of (default: {TREND_MONTHS})",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="store nothing: recompute and list every difference from the stored figures "
            "(exit status 1 if there is one)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        require_migrated_database()
        as_of = as_of_date(options["as_of"]) if options["as_of"] else timezone.localdate()
        months = months_count(options["months"]) if options["months"] is not None else TREND_MONTHS
        policy = policy_named(options["policy"])
        started = time.perf_counter()
        try:
            if options["check"]:
                found = differences(policy, as_of, months)
            else:
                stored = summarise(policy, as_of, months)
        except CalendarRangeError as error:
            raise CommandError(str(error), returncode=2) from None
        seconds = time.perf_counter() - started
        if options["check"]:
            for line in found:
                self.stdout.write(line)
            if found:
                raise CommandError(
                    f"{len(found)} differences between the stored figures and the figures "
                    "computed now: run `oversight summarise` with the same options to store "
                    "them again.",
                    returncode=1,
                )
            self.stdout.write(
                f"The stored figures under {policy.name} for {months} month ends to {as_of} "
                f"are the figures computed now ({seconds:.1f} s)."
            )
            return
        rows = sum(s.figures.count() for s in stored)
        self.stdout.write(
            f"Stored the indicators under {policy.name} for {len(stored)} dates to {as_of} "
            f"({rows:,} rows) in {seconds:.1f} s."
        )
