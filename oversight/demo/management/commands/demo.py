"""`oversight demo`: load an invented council to try Oversight with, and say how to sign in."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from oversight.commands import as_of_date, require_migrated_database
from oversight.dashboards.summaries import summarise_after_load
from oversight.demo.generate import (
    PASSWORD,
    SIGN_IN_URL,
    SIZES,
    generate,
    sign_in_details,
    what_the_database_holds,
)
from oversight.engine.loader import preset_names
from oversight.engine.optional import with_optional_obligations


class Command(BaseCommand):
    help = (
        "Load an invented demo council (staff, children's cases and years of supervision history) "
        "into an empty database, and print the demo accounts to sign in with."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=1, help="the same seed gives the same council"
        )
        parser.add_argument(
            "--size",
            choices=list(SIZES),
            default="small",
            help="small (default): 150 staff, 2,000 children; large: 1,500 staff, 15,000 open",
        )
        parser.add_argument(
            "--as-of", help="YYYY-MM-DD: the day the history runs up to (default: today)"
        )
        parser.add_argument(
            "--write-policy",
            metavar="FILE",
            help="write the demo council's own policy file (the preset OVERSIGHT_POLICY names, "
            "with the obligations the presets leave out switched on) to FILE, and do nothing else",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="leave a database that already holds data as it is, instead of refusing",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["write_policy"]:
            self._write_policy(Path(options["write_policy"]))
            return
        require_migrated_database()
        as_of = as_of_date(options["as_of"]) if options["as_of"] else timezone.localdate()
        holds = what_the_database_holds()
        if holds is not None:
            if options["if_empty"]:
                self.stdout.write(
                    f"The database already holds {holds}: the demo council was not loaded."
                )
                self._sign_in()
                return
            raise CommandError(
                f"the database already holds {holds}; the demo council is only loaded into an "
                "empty database, so that it never mixes with another council's data. Point "
                "OVERSIGHT_DATA_DIR or DATABASE_URL at a new database and run `oversight migrate` "
                "first, or add --if-empty to leave this database as it is.",
                returncode=2,
            )
        started = time.perf_counter()
        made = generate(seed=options["seed"], size=options["size"], as_of=as_of)
        seconds = time.perf_counter() - started
        # The dashboards read figures computed ahead of time, as after an import.
        computed = summarise_after_load(as_of)
        if options["verbosity"] == 0:
            return
        self.stdout.write(
            f"Loaded the {options['size']} demo council (seed {options['seed']}, history up to "
            f"{as_of:%d %b %Y}) in {seconds:.1f} s:"
        )
        self.stdout.write("  " + ", ".join(f"{count:,} {what}" for what, count in made.items()))
        self.stdout.write(computed)
        self._sign_in()

    def _sign_in(self) -> None:
        accounts = sign_in_details()
        if not accounts:
            self.stdout.write("This database holds none of the demo's accounts.")
            return
        self.stdout.write("")
        self.stdout.write(f"Sign in at {SIGN_IN_URL} with one of these accounts:")
        self.stdout.write("")
        header = ("Username", "Password", "Name", "Role", "Team or service")
        rows = [header] + [(a.username, PASSWORD, a.name, a.role, a.where or "-") for a in accounts]
        widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
        for n, row in enumerate(rows):
            self.stdout.write(
                "  "
                + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            )
            if n == 0:
                self.stdout.write("  " + "  ".join("-" * w for w in widths))
        self.stdout.write("")
        self.stdout.write(
            "These are demo accounts for an invented council only: never use them, or this "
            "password, with real data."
        )

    def _write_policy(self, path: Path) -> None:
        """The demo council follows a preset with the appraisals, probation reviews and the
        review of managers' evidence switched on, as a council would in its own file (ADR 0008).
        A policy file of one's own (OVERSIGHT_POLICY naming a path) is left as it is."""
        preset = settings.OVERSIGHT_POLICY
        if preset not in preset_names():
            raise CommandError(
                f"OVERSIGHT_POLICY names a policy file ({preset}), not a preset: the demo uses "
                "that file as it is."
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(with_optional_obligations(preset), encoding="utf-8")
        self.stdout.write(str(path))
