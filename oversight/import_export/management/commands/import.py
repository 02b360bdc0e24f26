from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from oversight.commands import require_migrated_database
from oversight.dashboards.summaries import summarise_after_load
from oversight.import_export.importer import import_folder
from oversight.import_export.reader import DataSetError


class Command(BaseCommand):
    help = (
        "Load a supervision data set folder (staff.csv, cases.csv, sessions.csv, ...). "
        "All or nothing: any problem is listed and nothing is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)
        parser.add_argument(
            "--changed-on",
            type=dt.date.fromisoformat,
            help="Date a change of line manager in this data set takes effect (default: today).",
        )

    def handle(self, *args: Any, folder: Path, changed_on: dt.date | None, **options: Any) -> None:
        require_migrated_database()
        try:
            summary = import_folder(folder, changed_on=changed_on or timezone.localdate())
        except DataSetError as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            self.stderr.write(
                f"{len(error.problems)} problem(s) in {folder}: nothing was imported. "
                "Correct the rows above and import the folder again."
            )
            sys.exit(2)
        for line in summary.lines():
            self.stdout.write(line)
        # The dashboards read figures computed ahead of time: compute them for the data now held.
        self.stdout.write(summarise_after_load(timezone.localdate()))
