from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from oversight.commands import require_migrated_database
from oversight.dashboards.summaries import summarise_after_load
from oversight.import_export.importer import import_folder
from oversight.import_export.reader import DataSetError, Problem
from oversight.returns.formats import FORMATS, detect_format, plan_return
from oversight.returns.plan import ReturnNotReady, apply_plan


class Command(BaseCommand):
    help = (
        "Load a supervision data set folder (staff.csv, cases.csv, sessions.csv, ...), or a "
        "standard return (an Ofsted Annex A workbook). All or nothing: any problem is listed "
        "and nothing is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path, help="A data set folder, or a return's file.")
        parser.add_argument(
            "--changed-on",
            type=dt.date.fromisoformat,
            help="Date a change of line manager (or, in a return, of a child's worker) in this "
            "data set takes effect (default: today).",
        )
        parser.add_argument(
            "--format",
            choices=["dataset", *FORMATS],
            help="What FOLDER is (default: a folder is a data set, an .xlsx file Annex A).",
        )
        parser.add_argument(
            "--worker",
            action="append",
            default=[],
            metavar="NAME=STAFF_ID",
            help="For a return: who a worker's name in it is (repeat for each name the "
            "matching could not settle); NAME= leaves that worker's children unallocated.",
        )

    def handle(
        self,
        *args: Any,
        folder: Path,
        changed_on: dt.date | None,
        format: str | None,
        worker: list[str],
        **options: Any,
    ) -> None:
        require_migrated_database()
        day = changed_on or timezone.localdate()
        kind = format or detect_format(folder)
        try:
            if kind == "dataset":
                summary = import_folder(folder, changed_on=day)
            else:
                plan = plan_return(kind, folder, changed_on=day, decisions=_decisions(worker))
                summary = apply_plan(plan, actor=None, source={"format": kind, "file": folder.name})
        except (DataSetError, ReturnNotReady) as error:
            self._refuse(error.problems, folder)
        for line in summary.lines():
            self.stdout.write(line)
        # The dashboards read figures computed ahead of time: compute them for the data now held.
        self.stdout.write(summarise_after_load(timezone.localdate()))

    def _refuse(self, problems: list[Problem], folder: Path) -> None:
        for problem in problems:
            self.stderr.write(str(problem))
        self.stderr.write(
            f"{len(problems)} problem(s) in {folder}: nothing was imported. "
            "Correct the rows above and import it again."
        )
        sys.exit(2)


def _decisions(given: list[str]) -> dict[str, str]:
    decisions = {}
    for pair in given:
        name, equals, staff_id = pair.partition("=")
        if not equals or not name.strip():
            raise CommandError(
                f"--worker {pair!r}: write it as NAME=STAFF_ID, or NAME= to leave that "
                "worker's children unallocated",
                returncode=2,
            )
        decisions[name.strip()] = staff_id.strip()
    return decisions
