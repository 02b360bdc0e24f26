from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from oversight.commands import require_migrated_database
from oversight.files.models import retention_years
from oversight.files.retention import files_past_retention, orphaned_files
from oversight.files.uploads import document_storage


class Command(BaseCommand):
    help = (
        "List leavers' supervision files past their retention period (HR destroy them, after "
        "confirming, at /files/retention/), and stored documents no record refers to."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--remove-orphans",
            action="store_true",
            help="Delete stored documents no record refers to (left by an interrupted upload).",
        )

    def handle(self, *args: Any, remove_orphans: bool, **options: Any) -> None:
        require_migrated_database()
        today = timezone.localdate()
        past = files_past_retention(today)
        self.stdout.write(
            f"{len(past)} file(s) past the {retention_years()}-year retention period on {today}:"
        )
        for supervision_file in past:
            self.stdout.write(
                f"  {supervision_file.staff.staff_id}  {supervision_file.staff.name}  "
                f"left {supervision_file.staff.end_date}  kept until "
                f"{supervision_file.retention_ends}"
            )
        orphans = orphaned_files()
        self.stdout.write(f"{len(orphans)} stored document(s) with no record.")
        for name in orphans:
            self.stdout.write(f"  {name}")
            if remove_orphans:
                # Nothing points at these, so nobody could ever download them.
                document_storage().delete(name)
        if remove_orphans and orphans:
            self.stdout.write(f"Removed {len(orphans)}.")
