"""`oversight obligations_store refresh|check`: recompute the store, or compare it with a fresh
computation.

Run `refresh` at the start of each day (cron, shortly after midnight) and after any bulk load;
pages would otherwise do it on the day's first read. It then reclaims the day before's rows.
`check` exits 1 and lists every difference.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from oversight.commands import as_of_date, require_migrated_database
from oversight.obligations import store


class Command(BaseCommand):
    help = "Recompute the obligations store (refresh) or compare it with the engine (check)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["refresh", "check"])
        parser.add_argument("--as-of", type=str, help="YYYY-MM-DD (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        require_migrated_database()
        today = as_of_date(options["as_of"]) if options["as_of"] else timezone.localdate()
        started = time.perf_counter()
        if options["action"] == "refresh":
            rows = store.refresh_all(today)
            store.reclaim()
            self.stdout.write(
                f"Stored {rows} obligations for {today} in {time.perf_counter() - started:.1f} s."
            )
            return
        found = store.differences(today)
        for line in found:
            self.stdout.write(line)
        if found:
            raise CommandError(f"The store differs from the engine in {len(found)} rows.")
        self.stdout.write(f"The store equals the engine's answers for {today}.")
