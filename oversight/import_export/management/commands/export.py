from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from oversight.commands import require_migrated_database
from oversight.import_export.exporter import export_folder


class Command(BaseCommand):
    help = "Write the database out as a supervision data set folder that `oversight import` reads."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)

    def handle(self, *args: Any, folder: Path, **options: Any) -> None:
        require_migrated_database()
        for name, count in export_folder(folder).items():
            self.stdout.write(f"{name}: {count} rows")
