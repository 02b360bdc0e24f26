"""Two or more people doing something at the same moment, for the tests of races.

Each call runs in a thread of its own with its own database connection (closed after), and all
are released together. Only on PostgreSQL: SQLite's in-memory test database cannot be shared
between threads, and SQLite lets one writer in at a time anyway (`only_on_postgresql`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections

only_on_postgresql = pytest.mark.skipif(
    "postgres" not in os.environ.get("DATABASE_URL", ""),
    reason="SQLite's in-memory test database cannot be shared between threads; "
    "SQLite serialises writers itself",
)


def at_once(*calls: Callable[[], Any]) -> list[BaseException]:
    """Run `calls` at the same moment; what they raised, to check in the test (none if all
    succeeded)."""
    start = threading.Barrier(len(calls))
    raised: list[BaseException] = []

    def run(call: Callable[[], Any]) -> None:
        try:
            start.wait()
            call()
        except BaseException as error:  # handed to the main thread to check
            raised.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return raised
