from __future__ import annotations

import datetime as dt
import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from oversight.audit import checkpoints
from oversight.audit.trail import AuditEvent, VerifyResult, audit, verify_chain, write_csv


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date: write it as YYYY-MM-DD") from None


def _os_user() -> str:
    try:
        return getpass.getuser()
    except OSError:
        return "unknown"


class Command(BaseCommand):
    help = "Check the audit trail's hash chain, or export the trail as CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(
            dest="subcommand", required=True, metavar="verify|checkpoint|export"
        )
        commands.add_parser(
            "verify",
            help="Check every entry's hash, MAC and link to its predecessor, and that the trail "
            "still reaches its head record and checkpoint. Exits 1 if broken, naming the check.",
        )
        commands.add_parser(
            "checkpoint",
            help="Verify, then record where the trail ends in the signed checkpoint file "
            "(OVERSIGHT_AUDIT_CHECKPOINT). Run it regularly, from cron.",
        )
        export = commands.add_parser("export", help="Write entries to standard output.")
        export.add_argument(
            "--from", dest="start", type=_date, metavar="DATE", help="first day (YYYY-MM-DD)"
        )
        export.add_argument(
            "--to", dest="end", type=_date, metavar="DATE", help="last day, included (YYYY-MM-DD)"
        )
        export.add_argument("--actor", metavar="USERNAME", help="only this user's entries")
        export.add_argument("--format", choices=["csv"], default="csv")

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        if subcommand == "verify":
            self.verify()
        elif subcommand == "checkpoint":
            self.checkpoint()
        else:
            self.export(options["start"], options["end"], options["actor"])

    def verify(self) -> VerifyResult:
        result = verify_chain()
        if result.intact:
            self.stdout.write(result.message)
            return result
        self.stderr.write(result.message)
        raise SystemExit(1)

    def checkpoint(self) -> None:
        result = self.verify()
        if result.last_id is None or result.last_mac is None:
            self.stdout.write("No checkpoint written: the trail has no entries yet")
            return
        checkpoints.write(result.entries, result.last_id, result.last_mac)
        self.stdout.write(
            f"Checkpoint written to {checkpoints.path()}: {result.entries} entries "
            f"up to entry #{result.last_id}"
        )

    def export(self, start: dt.date | None, end: dt.date | None, actor: str | None) -> None:
        if start and end and start > end:
            raise CommandError("--from is after --to")
        events = AuditEvent.objects.between(start, end).order_by("pk")
        if actor:
            # The label keeps entries by a user since renamed or deactivated findable.
            events = events.filter(Q(actor__username=actor) | Q(actor_label=actor))
        count = write_csv(events.iterator(chunk_size=2000), self.stdout)
        # Reading the trail is itself a look at sensitive material, so it goes on the trail.
        audit(
            None,
            "export",
            object_type="audit.auditevent",
            object_label="Audit trail",
            detail={
                "via": "oversight audit export",
                "os_user": _os_user(),
                "from": start,
                "to": end,
                "actor": actor,
                "entries": count,
            },
        )
