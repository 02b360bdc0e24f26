from __future__ import annotations

import datetime as dt
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from oversight.commands import (
    add_policy_and_date_arguments,
    as_of_date,
    policy_named,
    require_migrated_database,
)
from oversight.engine.engine import Obligation, compute_obligations
from oversight.engine.report import write_csv, write_table
from oversight.engine.working_days import CalendarRangeError
from oversight.facts.from_database import load_facts
from oversight.facts.scope import Scope, scope_for_staff, scope_for_team
from oversight.organisation.models import Staff, Team


class Command(BaseCommand):
    help = (
        "Every supervision obligation on a date: what is due, when, under which rule, and what is "
        "overdue. CSV (for spreadsheets and other systems) or a table (for people)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_policy_and_date_arguments(parser)
        parser.add_argument("--format", choices=["csv", "table"], default="csv")
        parser.add_argument("--team", help="only this team (its name)")
        parser.add_argument("--staff", help="only this member of staff (their staff ID)")
        parser.add_argument(
            "--met-since",
            metavar="YYYY-MM-DD",
            help="leave out obligations met (on time or late) before this date, such as the "
            "records of sessions written up years ago (default: every obligation)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        require_migrated_database()
        as_of = as_of_date(options["as_of"]) if options["as_of"] else timezone.localdate()
        met_since = (
            as_of_date(options["met_since"], "--met-since") if options["met_since"] else None
        )
        policy = policy_named(options["policy"])

        scope = None
        if options["team"]:
            team = Team.objects.filter(name=options["team"]).first()
            if team is None:
                raise CommandError(
                    f"--team: there is no team called '{options['team']}'", returncode=2
                )
            scope = scope_for_team(team, as_of)
        if options["staff"]:
            staff = Staff.objects.filter(staff_id=options["staff"]).first()
            if staff is None:
                raise CommandError(
                    f"--staff: there is no member of staff with ID '{options['staff']}'",
                    returncode=2,
                )
            staff_scope = scope_for_staff([staff], as_of)
            scope = staff_scope if scope is None else Scope(scope.subjects & staff_scope.subjects)

        try:
            obligations = compute_obligations(
                policy,
                load_facts(as_of=as_of),
                as_of,
                subjects=scope.subjects if scope else None,
            )
        except CalendarRangeError as error:
            raise CommandError(str(error), returncode=2) from None
        if met_since is not None:
            obligations = [o for o in obligations if not _met_before(o, met_since)]
        writer = write_csv if options["format"] == "csv" else write_table
        # Straight to the output, a row at a time, rather than the whole report held as one string
        # first (a large council's report is tens of megabytes). OutputWrapper is a TextIOBase.
        writer(obligations, cast(TextIO, self.stdout))


def _met_before(obligation: Obligation, day: dt.date) -> bool:
    return (
        obligation.status in ("met", "met_late")
        and obligation.last_met is not None
        and obligation.last_met < day
    )
