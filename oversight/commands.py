"""What the `oversight` commands share: the same clear message for the same mistake."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from oversight.engine.loader import PolicyError, load_policy
from oversight.engine.rules import Policy


def as_of_date(text: str, option: str = "--as-of") -> dt.date:
    """A date given on the command line, or a clear stop naming the option."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"{option} '{text}' is not a date: write it as YYYY-MM-DD", returncode=2
        ) from None


def add_policy_and_date_arguments(parser: CommandParser) -> None:
    """--policy and --as-of, as every report command takes them."""
    parser.add_argument(
        "--policy",
        help="bedford, newham or the path to a council's policy file "
        "(default: the OVERSIGHT_POLICY setting)",
    )
    parser.add_argument("--as-of", type=str, help="YYYY-MM-DD (default: today)")


def policy_named(name: str | None) -> Policy:
    """The policy a command was given (--policy), or the council's; a bad one stops it with
    the loader's message and exit 2."""
    try:
        return load_policy(name or settings.OVERSIGHT_POLICY)
    except PolicyError as error:
        raise CommandError(str(error), returncode=2) from None


def require_migrated_database() -> None:
    """Stop with the fix, not a traceback, when the database has not been set up yet."""
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise CommandError(
            f"The database ({connection.settings_dict['NAME']}) is not set up or is out of date: "
            "run `oversight migrate` first.",
            returncode=2,
        )
