"""`oversight reminders`: the one command cron runs (README, "Running it for real").

With no option it does what is due now: the daily reminders for today, the weekly digest if
today is Monday, and hands the worker again any message waiting, failed past its back-off or
left half-sent by a stopped worker. Every part is idempotent (the sent-log), so running it every
hour, twice at once or after a crash sends nothing twice.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from oversight.commands import as_of_date, require_migrated_database
from oversight.reminders.models import Message
from oversight.reminders.runs import daily, weekly
from oversight.reminders.sending import hand_to_worker

MONDAY = 0


class Command(BaseCommand):
    help = "Make today's reminders (and on Mondays the weekly digests) and queue their sending."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--daily", action="store_true", help="only the daily reminders")
        parser.add_argument(
            "--weekly", action="store_true", help="only the weekly digests (whatever the day)"
        )
        parser.add_argument("--as-of", help="YYYY-MM-DD (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        require_migrated_database()
        as_of = as_of_date(options["as_of"]) if options["as_of"] else timezone.localdate()
        only_daily, only_weekly = options["daily"], options["weekly"]
        runs = []
        made: list[int] = []
        if only_daily or not only_weekly:
            runs.append(("daily reminders", daily))
        if only_weekly or (not only_daily and as_of.weekday() == MONDAY):
            runs.append(("weekly digests", weekly))
        for name, run in runs:
            outcome = run(as_of)
            made += outcome.message_ids
            self.stdout.write(f"{name} for {as_of}: {sum(outcome.made.values())} made")
        # The runs queued what they made; these are earlier ones still to send.
        again = list(
            Message.objects.to_deliver(timezone.now())
            .exclude(pk__in=made)
            .values_list("pk", flat=True)
        )
        hand_to_worker(again)
        self.stdout.write(
            f"{len(made)} new and {len(again)} earlier message(s) queued for the worker "
            "(oversight db_worker)"
        )
