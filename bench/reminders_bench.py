"""`make bench`, second part: the daily reminders run on the large demo council (issue 11).

Builds every daily email the large council's owners get on AS_OF, inside a transaction that is
rolled back (so it can be run again on the same data), and prints the time and the count. Target:
<= 60 s for the whole council. The large council is generated once into data/bench/ (by
engine_bench.py, or here if missing) and reused.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("OVERSIGHT_DATA_DIR", str(ROOT / "data" / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings")
AS_OF = dt.date(2026, 6, 29)  # a Monday, as the weekly digests run
TARGET_SECONDS = 60


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.test import override_settings

    from oversight.organisation.models import Staff
    from oversight.reminders.models import Message
    from oversight.reminders.runs import daily

    call_command("migrate", verbosity=0)
    if not Staff.objects.exists():
        print("Generating the large demo council (once)...", flush=True)
        call_command("demo", size="large", seed=1, as_of=AS_OF.isoformat(), verbosity=0)
    dummy = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    # Built, not sent: the tasks go to the dummy backend, and everything is rolled back.
    with override_settings(TASKS=dummy), transaction.atomic():
        Message.objects.all().delete()  # as on the first day: nothing said before
        started = time.perf_counter()
        outcome = daily(AS_OF)
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    made = sum(outcome.made.values())
    staff = Staff.objects.active_on(AS_OF).count()
    verdict = "within" if seconds <= TARGET_SECONDS else "OVER"
    print(
        f"Daily reminders, {staff} staff in post: {made} emails built in {seconds:.1f} s "
        f"({verdict} the {TARGET_SECONDS} s target)"
    )


if __name__ == "__main__":
    main()
